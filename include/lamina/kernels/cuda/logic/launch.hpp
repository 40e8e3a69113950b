#pragma once
// The bodies of the CUDA kernels are functors of one index, `f(i)` for i in [0, n), written with
// LAMINA_HOST_DEVICE so that they compile for the GPU and for the host alike. The CUDA backend
// launches them with kernels::detail::parallel_for(cuda, n, f) (kernels/cuda/launch.cuh); the
// host launcher below runs the very same functor in a plain loop, which is how the normal
// (non-CUDA) test suite checks the kernels' index arithmetic against the CPU kernels
// (tests/runtime/kernels/cuda_logic_test.cpp).
#include <cstddef>

#include "../../../core/config.hpp"

namespace lamina::kernels::device {

// Runs f(0), ..., f(n - 1) on the host, in order.
template <class F>
void host_for(std::size_t n, const F& f) {
  for (std::size_t i = 0; i < n; ++i) f(i);
}

LAMINA_HOST_DEVICE std::size_t min_size(std::size_t a, std::size_t b) { return a < b ? a : b; }
LAMINA_HOST_DEVICE std::ptrdiff_t max_diff(std::ptrdiff_t a, std::ptrdiff_t b) { return a < b ? b : a; }
LAMINA_HOST_DEVICE std::ptrdiff_t min_diff(std::ptrdiff_t a, std::ptrdiff_t b) { return a < b ? a : b; }
// floor(a / b) for b > 0 and any sign of a.
LAMINA_HOST_DEVICE std::ptrdiff_t floor_div(std::ptrdiff_t a, std::ptrdiff_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace lamina::kernels::device
