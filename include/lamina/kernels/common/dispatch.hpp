#pragma once
// Run-time options to template arguments: dispatch_flags(f, a, b) calls
// f.template operator()<A, B>() with A, B the values of the bools a, b. A kernel body then
// tests its options with `if constexpr`, so each combination is its own branch-free loop that
// vectorises, and one body serves every backend (an optimizer's update, a loss's term).
#include <utility>

namespace lamina::kernels {

namespace detail {
template <bool... Chosen, class F>
decltype(auto) dispatch_flags_from(F&& f) {
  return std::forward<F>(f).template operator()<Chosen...>();
}
template <bool... Chosen, class F, class... Rest>
decltype(auto) dispatch_flags_from(F&& f, bool first, Rest... rest) {
  if (first) return dispatch_flags_from<Chosen..., true>(std::forward<F>(f), rest...);
  return dispatch_flags_from<Chosen..., false>(std::forward<F>(f), rest...);
}
}  // namespace detail

/// Calls `f.template operator()<A, B, ...>()` with A, B, ... the values of the run-time `flags`
/// (each converted to bool), and returns what it returns: k flags give 2^k instantiations,
/// each with its options as constants. For example
/// `dispatch_flags([&]<bool Momentum, bool Nesterov>() { ... }, mu != 0, nesterov)`.
template <class F, class... Flags>
decltype(auto) dispatch_flags(F&& f, Flags... flags) {
  return detail::dispatch_flags_from<>(std::forward<F>(f), bool(flags)...);
}

}  // namespace lamina::kernels
