#pragma once
// 2-D max and average pooling on the CPU: the window bodies of kernels/common/pooling.hpp, with
// CPU algorithms where they pay: 2x2 max pooling without branches (forward, and backward with
// stride 2), and the max-pooling gradient as a scatter through the saved arg-max (one pass over
// the outputs, where the generic body gathers over the windows covering each input). Results
// never depend on the thread count.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/pooling.hpp"
#include "parallel_for.hpp"

namespace lamina::kernels {

namespace detail {

// One output row of 2x2 max pooling with stride S (1 or 2) over input rows r0, r1 (r1 = r0 + width).
// Written without branches (max, compares as 0/1, index arithmetic) so that it vectorises: the
// comparisons are data-dependent and a branchy loop mispredicts on most windows. Ties keep the
// first maximum in window order (v0, v1, v2, v3), as PyTorch does. (PyTorch also propagates any
// NaN in a window; here, as on the general path, only a NaN in the window's first pixel does.)
template <std::size_t S>
inline void max_pool2x2_row(const float* __restrict r0, const float* __restrict r1, float* __restrict y,
                            std::int32_t* __restrict argmax, std::size_t out_width, std::int32_t first,
                            std::int32_t width) {
  for (std::size_t ow = 0; ow < out_width; ++ow) {
    const float v0 = r0[S * ow], v1 = r0[S * ow + 1], v2 = r1[S * ow], v3 = r1[S * ow + 1];
    // The scan "best = v0; then each later v > best replaces it", as the general path does
    // (std::max(a, b) is a < b ? b : a), so a NaN is treated the same way on both paths.
    const float m1 = std::max(v0, v1), m2 = std::max(m1, v2), m3 = std::max(m2, v3);
    const std::int32_t c1 = v1 > v0, c2 = v2 > m1, c3 = v3 > m2;
    std::int32_t at = c1;
    at += c2 * (width - at);
    at += c3 * (width + 1 - at);
    y[ow] = m3;
    argmax[ow] = first + std::int32_t(S * ow) + at;
  }
}

// The gradient of max_pool2x2_row with stride 2 (disjoint windows): the two input rows under
// one output row, each pixel dy where it was its window's maximum and zero elsewhere.
LAMINA_INLINE void max_unpool2x2_row(const float* __restrict dy, const std::int32_t* __restrict argmax,
                                     float* __restrict d0, float* __restrict d1, std::size_t out_width,
                                     std::int32_t first, std::int32_t width);

}  // namespace detail

/// Max pooling forward on the CPU (torch.nn.MaxPool2d): x [planes, H, W] -> y [planes, OH, OW].
/// y = max over each window; argmax[i] is the flat index in the input plane of its maximum.
LAMINA_INLINE void max_pool2d_forward(cpu, const pool2d_geometry& g, const float* x, float* y, std::int32_t* argmax);

/// Max pooling backward: dx [planes, H, W] is dy routed through the saved argmax (summed
/// where windows overlap).
LAMINA_INLINE void max_pool2d_backward(cpu, const pool2d_geometry& g, const float* dy, const std::int32_t* argmax,
                                       float* dx);

/// Average pooling forward (torch.nn.AvgPool2d): window sums / PyTorch's divisor (K * K by
/// default; see device::avg_pool_divisor).
LAMINA_INLINE void avg_pool2d_forward(cpu, const pool2d_geometry& g, const float* x, float* y);

/// Average pooling backward: dx [planes, H, W] from dy [planes, OH, OW].
LAMINA_INLINE void avg_pool2d_backward(cpu, const pool2d_geometry& g, const float* dy, float* dx);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "pooling-inl.hpp"
#endif
