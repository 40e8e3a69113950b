#pragma once
// Where a network meets its backend. Every layer of a network, nested ones included, must have
// a forward and a backward for the model's backend, and that backend's kernels must be compiled
// into this translation unit. The first layer that has none is reported once, as the template
// arguments of LAMINA_NO_KERNEL: its position (a path into nested Sequentials and branches),
// its type and the backend. Only declarations are looked at, never a forward's body.
#include <concepts>
#include <cstddef>
#include <type_traits>

#include "backend.hpp"
#include "layer.hpp"
#include "layer_walk.hpp"
#include "sequential.hpp"

namespace lamina {

namespace kernels {
/// Whether backend B's kernels are compiled into this translation unit: the CPU's always,
/// CUDA's only when the file is compiled as CUDA (kernels/kernels.hpp then includes them).
template <class B> inline constexpr bool backend_available = false;
/// The CPU kernels are always compiled in.
template <> inline constexpr bool backend_available<cpu> = true;
#if defined(__CUDACC__)
/// The CUDA kernels are compiled in when this file is compiled as CUDA.
template <> inline constexpr bool backend_available<cuda> = true;
#endif
}  // namespace kernels

/// A layer without a forward/backward for the model's backend, `backend<B>`. The first assertion
/// fails when the backend itself is missing from this translation unit, the second when only
/// the layer lacks it.
template <class Position, class LayerType, class Backend>
struct LAMINA_NO_KERNEL;
/// The error message itself, for backend tag B (see the primary template).
template <class Position, class LayerType, class B>
struct LAMINA_NO_KERNEL<Position, LayerType, backend<B>> {
  static_assert(kernels::backend_available<B>,
                "LAMINA_NO_KERNEL: this backend's kernels are not compiled into this translation "
                "unit. lamina::cuda needs the file to be compiled as CUDA (nvcc, a .cu file) and "
                "to include <lamina/lamina.hpp>; see docs/cuda.md.");
  static_assert(!kernels::backend_available<B>,
                "LAMINA_NO_KERNEL: the layer named above (at at_position<...>) cannot run on this "
                "backend. A layer of your own needs template <lamina::dims In, class Backend> "
                "static void forward(Backend, const lamina::forward_args&) and the same backward "
                "(const lamina::backward_args&), callable with this backend's tag, and no "
                "runs_on<Backend> member that is false; see "
                "docs/adding-a-layer.md.");
  static constexpr bool ok = false;  ///< Never true: instantiating the class is the error.
};

namespace layer_traits {
/// Whether L can run on backend B for input In: B's kernels are compiled in, L's forward and
/// backward accept B's tag (views have none: the network moves their data), and L's optional
/// `template <class B> static constexpr bool runs_on` allows B. Containers are judged by their
/// children (detail::all_leaves, core/layer_walk.hpp), not by this.
template <Layer L, class B, dims In>
constexpr bool runs_on() {
  if constexpr (!kernels::backend_available<B>) {
    return false;
  } else {
    bool has = is_view<L>() || requires(const forward_args& f, const backward_args& b) {
      L::template forward<In>(B{}, f);
      L::template backward<In>(B{}, b);
    };
    if constexpr (requires { { L::template runs_on<B> } -> std::convertible_to<bool>; })
      has = has && L::template runs_on<B>;
    return has;
  }
}
}  // namespace layer_traits

namespace detail {
// The leaf test and report of the backend rule, for the walk of core/layer_walk.hpp.
template <class B>
struct kernel_rule {
  template <class L, dims In> struct test : std::bool_constant<layer_traits::runs_on<L, B, In>()> {};
  template <class Position, class L> using report = LAMINA_NO_KERNEL<Position, L, backend<B>>;
};

// Network Net on backend B: true, or the report of its first leaf without a kernel.
template <class Net, class B, dims In>
constexpr bool check_kernels() {
  return check_leaves<kernel_rule<B>::template test, kernel_rule<B>::template report, Net, In>();
}

}  // namespace detail
}  // namespace lamina
