#pragma once
// Where a network meets its backend. Every layer of a network, nested ones included, must have
// a forward and a backward for the model's backend, and that backend's kernels must be compiled
// into this translation unit. The first layer that has none is reported once, as the template
// arguments of LAMINA_NO_KERNEL: its position (a path into nested Sequentials and Residuals),
// its type and the backend. Only declarations are looked at, never a forward's body.
#include <concepts>
#include <cstddef>
#include <utility>

#include "backend.hpp"
#include "layer.hpp"
#include "sequential.hpp"

namespace lamina {

namespace kernels {
// Whether backend B's kernels are compiled into this translation unit: the CPU's always,
// CUDA's only when the file is compiled as CUDA (kernels/kernels.hpp then includes them).
template <class B> inline constexpr bool backend_available = false;
template <> inline constexpr bool backend_available<cpu> = true;
#if defined(__CUDACC__)
template <> inline constexpr bool backend_available<cuda> = true;
#endif
}  // namespace kernels

// A layer without a forward/backward for the model's backend, backend<B>. The first assertion
// fails when the backend itself is missing from this translation unit, the second when only
// the layer lacks it.
template <class Position, class LayerType, class Backend>
struct LAMINA_NO_KERNEL;
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
  static constexpr bool ok = false;
};

namespace layer_traits {
// Whether L can run on backend B for input In: B's kernels are compiled in, L's forward and
// backward accept B's tag (views have none: the network moves their data), and L's optional
// `template <class B> static constexpr bool runs_on` allows B. Containers are judged by their
// children (detail::runs_on_all below), not by this.
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

// Residual<Body, Projection>: child 0 is the body, child 1 the projection (when there is one).
template <class L>
concept residual_like = requires {
  typename L::body;
  typename L::projection;
  { L::projected } -> std::convertible_to<bool>;
};

// Whether every leaf of L, recursively, runs on B for input In.
template <class L, class B, dims In>
constexpr bool runs_on_all() {
  if constexpr (is_sequential_v<L>) {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (runs_on_all<typename L::template layer<I>, B, L::shapes(In)[I]>() && ...);
    }(std::make_index_sequence<L::depth>{});
  } else if constexpr (residual_like<L>) {
    if constexpr (L::projected)
      return runs_on_all<typename L::body, B, In>() && runs_on_all<typename L::projection, B, In>();
    else
      return runs_on_all<typename L::body, B, In>();
  } else {
    return layer_traits::runs_on<L, B, In>();
  }
}

// Index of the first child of Sequential S that does not run on B.
template <class S, class B, dims In>
constexpr std::size_t first_without_kernel() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    std::size_t bad = S::depth;
    ((bad = (bad == S::depth && !runs_on_all<typename S::template layer<I>, B, S::shapes(In)[I]>()) ? I : bad), ...);
    return bad;
  }(std::make_index_sequence<S::depth>{});
}

// Walks down to the first leaf without a kernel; instantiating its message is the error.
template <class L, class B, dims In, std::size_t... Path>
struct kernel_report {
  static constexpr bool ok = LAMINA_NO_KERNEL<at_position<Path...>, L, backend<B>>::ok;
};
template <class L, class B, dims In, std::size_t... Path>
  requires is_sequential_v<L>
struct kernel_report<L, B, In, Path...> {
  static constexpr std::size_t k = first_without_kernel<L, B, In>();
  static constexpr bool ok = kernel_report<typename L::template layer<k>, B, L::shapes(In)[k], Path..., k>::ok;
};
template <class L, class B, dims In, std::size_t... Path>
  requires(!is_sequential_v<L> && residual_like<L>)
struct kernel_report<L, B, In, Path...> {
  static constexpr bool body_runs = runs_on_all<typename L::body, B, In>();
  using next = std::conditional_t<body_runs, kernel_report<typename L::projection, B, In, Path..., 1>,
                                  kernel_report<typename L::body, B, In, Path..., 0>>;
  static constexpr bool ok = next::ok;
};

// Network Net (a Sequential) on backend B: true, or the report of its first leaf without a
// kernel. A network that rejects its input shape has been reported already and is not again.
template <class Net, class B, dims In>
constexpr bool check_kernels() {
  if constexpr (runs_on_all<Net, B, In>()) return true;
  else if constexpr (!Net::accepts(In)) return false;
  else return kernel_report<Net, B, In>::ok;
}

}  // namespace detail
}  // namespace lamina
