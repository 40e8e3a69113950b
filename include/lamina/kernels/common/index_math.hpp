#pragma once
// Index arithmetic for op bodies (functors of one index, LAMINA_HOST_DEVICE, run by
// kernels::parallel_for on any backend), and host_for: the functor in a plain serial loop, with
// which the host test suite checks the bodies that only the GPU runs against the CPU's own
// algorithms (tests/runtime/kernels/cuda_logic_test.cpp).
#include <cstddef>

#include "../../core/config.hpp"

namespace lamina::kernels::device {

/// Runs f(0), ..., f(n - 1) on the host, in order.
template <class F>
void host_for(std::size_t n, const F& f) {
  for (std::size_t i = 0; i < n; ++i) f(i);
}

/// The smaller of two sizes.
LAMINA_HOST_DEVICE std::size_t min_size(std::size_t a, std::size_t b) { return a < b ? a : b; }
/// The larger of two signed differences.
LAMINA_HOST_DEVICE std::ptrdiff_t max_diff(std::ptrdiff_t a, std::ptrdiff_t b) { return a < b ? b : a; }
/// The smaller of two signed differences.
LAMINA_HOST_DEVICE std::ptrdiff_t min_diff(std::ptrdiff_t a, std::ptrdiff_t b) { return a < b ? a : b; }
/// floor(a / b) for b > 0 and any sign of a.
LAMINA_HOST_DEVICE std::ptrdiff_t floor_div(std::ptrdiff_t a, std::ptrdiff_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace lamina::kernels::device
