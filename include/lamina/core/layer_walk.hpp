#pragma once
// A network's leaves: the layers inside nested Sequentials and Residuals, each with its input
// shape and its position (the path of child indices down to it). A rule that every leaf must
// satisfy (a kernel for the model's backend, an ONNX mapping) is a test per leaf; the first
// leaf that fails it is reported once, by instantiating Report<at_position<path...>, Leaf>,
// a class whose static_assert is the message.
#include <concepts>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "layer.hpp"
#include "sequential.hpp"

namespace lamina::detail {

// Residual<Body, Projection>: child 0 is the body, child 1 the projection (when there is one).
template <class L>
concept residual_like = requires {
  typename L::body;
  typename L::projection;
  { L::projected } -> std::convertible_to<bool>;
};

// Whether Test<Leaf, In>::value holds for every leaf of L on input In.
template <template <class, dims> class Test, class L, dims In>
constexpr bool all_leaves() {
  if constexpr (is_sequential_v<L>) {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (all_leaves<Test, typename L::template layer<I>, L::shapes(In)[I]>() && ...);
    }(std::make_index_sequence<L::depth>{});
  } else if constexpr (residual_like<L>) {
    if constexpr (L::projected)
      return all_leaves<Test, typename L::body, In>() && all_leaves<Test, typename L::projection, In>();
    else
      return all_leaves<Test, typename L::body, In>();
  } else {
    return Test<L, In>::value;
  }
}

// Calls visit(std::type_identity<Leaf>{}, leaf input shape) for every leaf of L on input In, in
// order (usable in constant expressions).
template <class L, dims In, class Visit>
constexpr void for_each_leaf(Visit& visit) {
  if constexpr (is_sequential_v<L>) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (for_each_leaf<typename L::template layer<I>, L::shapes(In)[I]>(visit), ...);
    }(std::make_index_sequence<L::depth>{});
  } else if constexpr (residual_like<L>) {
    for_each_leaf<typename L::body, In>(visit);
    if constexpr (L::projected) for_each_leaf<typename L::projection, In>(visit);
  } else {
    visit(std::type_identity<L>{}, In);
  }
}

// Index of the first child of Sequential S with a leaf that fails Test.
template <template <class, dims> class Test, class S, dims In>
constexpr std::size_t first_failing_child() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    std::size_t bad = S::depth;
    ((bad = (bad == S::depth && !all_leaves<Test, typename S::template layer<I>, S::shapes(In)[I]>()) ? I : bad), ...);
    return bad;
  }(std::make_index_sequence<S::depth>{});
}

// Walks down to the first leaf that fails Test; instantiating its Report is the error.
template <template <class, dims> class Test, template <class, class> class Report, class L, dims In,
          std::size_t... Path>
struct failing_leaf_report {
  static constexpr bool ok = Report<at_position<Path...>, L>::ok;
};
template <template <class, dims> class Test, template <class, class> class Report, class L, dims In,
          std::size_t... Path>
  requires is_sequential_v<L>
struct failing_leaf_report<Test, Report, L, In, Path...> {
  static constexpr std::size_t k = first_failing_child<Test, L, In>();
  static constexpr bool ok =
      failing_leaf_report<Test, Report, typename L::template layer<k>, L::shapes(In)[k], Path..., k>::ok;
};
template <template <class, dims> class Test, template <class, class> class Report, class L, dims In,
          std::size_t... Path>
  requires(!is_sequential_v<L> && residual_like<L>)
struct failing_leaf_report<Test, Report, L, In, Path...> {
  static constexpr bool body_passes = all_leaves<Test, typename L::body, In>();
  using next = std::conditional_t<body_passes, failing_leaf_report<Test, Report, typename L::projection, In, Path..., 1>,
                                  failing_leaf_report<Test, Report, typename L::body, In, Path..., 0>>;
  static constexpr bool ok = next::ok;
};

// Network Net on input In: true when every leaf passes Test, else the report of the first that
// fails. A network that rejects its input shape has been reported already and is not again.
template <template <class, dims> class Test, template <class, class> class Report, class Net, dims In>
constexpr bool check_leaves() {
  if constexpr (all_leaves<Test, Net, In>()) return true;
  else if constexpr (!Net::accepts(In)) return false;
  else return failing_leaf_report<Test, Report, Net, In>::ok;
}

}  // namespace lamina::detail
