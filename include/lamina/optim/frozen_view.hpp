#pragma once
// What an optimizer skips: the model's frozen parameters (Model::freeze), seen from the
// optimizer's own parameters. An optimizer built from a model runs its update over the runs of
// parameters that are not frozen, so a frozen parameter and its state tensors stay exactly as
// they are (PyTorch skips a parameter whose grad is None).
#include <concepts>
#include <cstddef>

#include "../core/config.hpp"
#include "../core/frozen.hpp"
#include "../kernels/kernels.hpp"

namespace lamina::optim {

/// The frozen parameters an optimizer skips: the model's frozen ranges and where the
/// optimizer's parameters start among the model's packed parameters.
struct frozen_view {
  const frozen_ranges* ranges = nullptr;  ///< The model's; nullptr: nothing is ever frozen.
  std::size_t offset = 0;                 ///< The optimizer's first parameter in the model's packing.
};

/// The frozen view of an optimizer of all of `model`'s parameters (none for a model-like class
/// of yours without frozen()).
template <class M>
frozen_view frozen_view_of(const M& model) {
  if constexpr (requires { { model.frozen() } -> std::same_as<const frozen_ranges&>; }) return {&model.frozen(), 0};
  else return {};
}

namespace detail {
/// f(base + i): an update run over a slice of the parameters.
template <class F>
struct shifted {
  F f;               ///< The update, indexed over all of the optimizer's parameters.
  std::size_t base;  ///< The slice's first index.
  /// Applies the update to parameter base + i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { f(base + i); }
};
}  // namespace detail

/// kernels::parallel_for(backend, n, f) over the indices in [0, n) that `frozen` does not mark:
/// how an optimizer's step() launches its update.
template <class Backend, class F>
void parallel_for_trainable(Backend backend, std::size_t n, const frozen_view& frozen, const F& f) {
  if (!frozen.ranges || frozen.ranges->empty()) return kernels::parallel_for(backend, n, f);
  frozen.ranges->for_each_trainable(frozen.offset, frozen.offset + n, [&](std::size_t begin, std::size_t end) {
    kernels::parallel_for(backend, end - begin, detail::shifted<F>{f, begin - frozen.offset});
  });
}

}  // namespace lamina::optim
