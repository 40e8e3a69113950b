#pragma once
// Row-wise softmax over the last dimension, numerically stable (max subtracted): one row per
// index, so every backend runs rows in parallel (kernels::parallel_for with per_item) and sums
// within a row in the same order.
#include <cmath>
#include <cstddef>

#include "../../core/config.hpp"

namespace lamina::kernels::device {

/// Softmax of one row per index, y = exp(x - max(x)) / sum(exp(x - max(x))) along the row
/// (torch.softmax(x, dim=-1) on x [rows, cols]).
struct softmax_forward_op {
  /// `x` the input and `y` the output, both [rows, cols] row-major; `cols` the row length.
  ///@{
  const float* x; float* y; std::size_t cols;
  ///@}
  /// Softmax of row r.
  LAMINA_HOST_DEVICE void operator()(std::size_t r) const {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float m = xr[0];
    for (std::size_t c = 1; c < cols; ++c) m = xr[c] > m ? xr[c] : m;
    float s = 0.f;
    for (std::size_t c = 0; c < cols; ++c) s += (yr[c] = ::expf(xr[c] - m));
    const float inv = 1.f / s;
    for (std::size_t c = 0; c < cols; ++c) yr[c] *= inv;
  }
};

/// The gradient of softmax_forward_op from its output, one row per index:
/// dx = y * (dy - sum(dy * y)) per row.
struct softmax_backward_op {
  /// `y` the forward output, `dy` its gradient and `dx` the input gradient (overwritten), all
  /// [rows, cols] row-major; `cols` the row length.
  ///@{
  const float* y; const float* dy; float* dx; std::size_t cols;
  ///@}
  /// The gradient of row r.
  LAMINA_HOST_DEVICE void operator()(std::size_t r) const {
    const std::size_t o = r * cols;
    float dot = 0.f;
    for (std::size_t c = 0; c < cols; ++c) dot += dy[o + c] * y[o + c];
    for (std::size_t c = 0; c < cols; ++c) dx[o + c] = y[o + c] * (dy[o + c] - dot);
  }
};

}  // namespace lamina::kernels::device
