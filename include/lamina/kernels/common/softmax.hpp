#pragma once
// Softmax and log-softmax along one dimension, numerically stable (max subtracted): one row per
// index, so every backend runs rows in parallel (kernels::parallel_for with per_item) and sums
// within a row in the same order. A row is strided when the dimension is not the last one.
#include <cmath>
#include <cstddef>

#include "../../core/config.hpp"

namespace lamina::kernels {

/// Where the rows of a softmax lie in x viewed as [outer, cols, inner] (row-major): row
/// r = o * inner + i holds the `cols` elements (o * cols + c) * inner + i. Softmax over the last
/// dimension has inner = 1; over dimension d of a [N, C, H, W] batch, outer is the product of
/// the dimensions before d and inner of those after it.
struct softmax_geometry {
  /// `outer` the number of blocks, `cols` the length of the dimension softmax runs along and
  /// `inner` the stride between its elements.
  ///@{
  std::size_t outer, cols, inner;
  ///@}
  /// Number of rows, outer * inner.
  LAMINA_HOST_DEVICE constexpr std::size_t rows() const { return outer * inner; }
  /// Offset of row r's first element.
  LAMINA_HOST_DEVICE constexpr std::size_t row_start(std::size_t r) const {
    return (r / inner) * cols * inner + r % inner;
  }
};

namespace device {

/// Softmax (Log = false) or log-softmax (Log = true) of one row per index:
/// y = exp(x - max) / sum(exp(x - max)), or y = x - max - log(sum(exp(x - max))), along the row
/// (torch.softmax / torch.log_softmax along one dimension).
template <bool Log>
struct softmax_forward_op {
  /// `g` the rows' layout; `x` the input and `y` the output, both g.outer * g.cols * g.inner.
  ///@{
  softmax_geometry g; const float* x; float* y;
  ///@}
  /// Softmax of row r.
  LAMINA_HOST_DEVICE void operator()(std::size_t r) const {
    const std::size_t s = g.inner, n = g.cols * s;
    const float* xr = x + g.row_start(r);
    float* yr = y + g.row_start(r);
    float m = xr[0];
    for (std::size_t c = s; c < n; c += s) m = xr[c] > m ? xr[c] : m;
    float sum = 0.f;
    if constexpr (Log) {
      for (std::size_t c = 0; c < n; c += s) sum += ::expf(xr[c] - m);
      const float shift = m + ::logf(sum);
      for (std::size_t c = 0; c < n; c += s) yr[c] = xr[c] - shift;
    } else {
      for (std::size_t c = 0; c < n; c += s) sum += (yr[c] = ::expf(xr[c] - m));
      const float inv = 1.f / sum;
      for (std::size_t c = 0; c < n; c += s) yr[c] *= inv;
    }
  }
};

/// The gradient of softmax_forward_op<Log> from its output, one row per index:
/// dx = y * (dy - sum(dy * y)) for softmax, dx = dy - exp(y) * sum(dy) for log-softmax.
template <bool Log>
struct softmax_backward_op {
  /// `g` the rows' layout; `y` the forward output, `dy` its gradient and `dx` the input
  /// gradient (overwritten), all g.outer * g.cols * g.inner.
  ///@{
  softmax_geometry g; const float* y; const float* dy; float* dx;
  ///@}
  /// The gradient of row r.
  LAMINA_HOST_DEVICE void operator()(std::size_t r) const {
    const std::size_t s = g.inner, n = g.cols * s, o = g.row_start(r);
    float sum = 0.f;
    if constexpr (Log) {
      for (std::size_t c = o; c < o + n; c += s) sum += dy[c];
      for (std::size_t c = o; c < o + n; c += s) dx[c] = dy[c] - ::expf(y[c]) * sum;
    } else {
      for (std::size_t c = o; c < o + n; c += s) sum += dy[c] * y[c];
      for (std::size_t c = o; c < o + n; c += s) dx[c] = y[c] * (dy[c] - sum);
    }
  }
};

}  // namespace device
}  // namespace lamina::kernels
