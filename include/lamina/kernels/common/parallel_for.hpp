#pragma once
// The one way an op's arithmetic reaches a backend (Kokkos' parallel_for): the op is a functor
// of one index, `LAMINA_HOST_DEVICE void operator()(std::size_t i) const`, and
//   kernels::parallel_for(backend, n, f)            f(0) .. f(n - 1), element-wise: on the CPU
//                                                   OpenMP chunks of `omp simd` loops
//   kernels::parallel_for(backend, per_item{n, w}, f)  the same for work items of about w
//                                                   operations each (a row, a window, a plane):
//                                                   threads over items, no vectorisation across them
// run it on whichever backend: lm::cpu here (kernels/cpu/parallel_for.hpp), lm::cuda with a
// grid-stride kernel (kernels/cuda/launch.cuh). Indices are independent, so results never
// depend on the thread count or the launch shape.
#include <cstddef>

namespace lamina::kernels {

/// A number of work items of about `work` operations each (a row, a window, a plane), for
/// `kernels::parallel_for(backend, per_item{n, work}, f)`: f(0) .. f(n - 1), with threads over
/// items and no vectorisation across them. The CPU's softmax, for one, runs
/// `per_item{rows, 4 * cols}`.
struct per_item {
  /// Number of items: the functor runs for the indices 0 .. n - 1.
  std::size_t n;
  /// Rough operations per item, 1 by default: the CPU starts threads once n * work is about
  /// 2^15 or more, and gives each thread chunks of about 8192 operations.
  std::size_t work = 1;
};

}  // namespace lamina::kernels
