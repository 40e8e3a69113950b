#pragma once
// 2-D max and average pooling windows over [planes, H, W] (planes = batch * channels), for every
// backend. Forward: one output element per index (max: the first maximum in window order, as
// PyTorch picks it; padding acts as -inf; average: PyTorch's divisor, see avg_pool_divisor).
// Backward is a *gather*: one input element per index sums the gradients of the windows that
// cover it, in increasing output order, which is the order in which a scatter over the outputs
// adds them: the same sums, no atomics.
#include <cstddef>
#include <cstdint>

#include "../../core/config.hpp"
#include "index_math.hpp"
#include "pool_geometry.hpp"

namespace lamina::kernels::device {

/// Outputs o in [lo, hi) along one axis whose window (o*S - pad .. o*S - pad + K - 1) covers i.
LAMINA_HOST_DEVICE void pool_cover(std::size_t i, std::size_t S, std::size_t pad, std::size_t K, std::size_t n_out,
                                   std::ptrdiff_t& lo, std::ptrdiff_t& hi) {
  const std::ptrdiff_t ip = std::ptrdiff_t(i + pad);
  lo = max_diff(0, floor_div(ip - std::ptrdiff_t(K) + 1 + std::ptrdiff_t(S) - 1, std::ptrdiff_t(S)));
  hi = min_diff(std::ptrdiff_t(n_out), floor_div(ip, std::ptrdiff_t(S)) + 1);
}

/// Max pooling forward, one output element per index i over [planes, OH, OW]: the window's
/// maximum (the first in window order) and its flat index in the input plane.
struct max_pool2d_forward_op {
  /// Geometry, input [planes, H, W], output [planes, OH, OW] and arg-max (like the output).
  ///@{
  pool2d_geometry g; const float* x; float* y; std::int32_t* argmax;
  ///@}
  /// Computes output element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t op = g.out_height * g.out_width, p = i / op, o = i % op;
    const std::size_t oh = o / g.out_width, ow = o % g.out_width;
    const float* xp = x + p * g.height * g.width;
    float best = -__builtin_huge_valf();
    std::int32_t at = -1;
    for (std::size_t kh = 0; kh < g.kernel; ++kh) {
      const std::ptrdiff_t h = std::ptrdiff_t(oh * g.stride + kh * g.dilation) - std::ptrdiff_t(g.padding);
      if (h < 0 || h >= std::ptrdiff_t(g.height)) continue;
      for (std::size_t kw = 0; kw < g.kernel; ++kw) {
        const std::ptrdiff_t w = std::ptrdiff_t(ow * g.stride + kw * g.dilation) - std::ptrdiff_t(g.padding);
        if (w < 0 || w >= std::ptrdiff_t(g.width)) continue;
        const std::size_t k = std::size_t(h) * g.width + std::size_t(w);
        if (xp[k] > best || at < 0) {
          best = xp[k];
          at = std::int32_t(k);
        }
      }
    }
    y[i] = best;
    argmax[i] = at;
  }
};

/// Max pooling backward, one input element per index i over [planes, H, W]: the sum of the
/// output gradients of the windows whose maximum it was (the windows whose span covers it, a
/// dilated window's gaps included, filtered by the arg-max).
struct max_pool2d_backward_op {
  /// Geometry, output gradient [planes, OH, OW], the forward's arg-max and input gradient
  /// [planes, H, W].
  ///@{
  pool2d_geometry g; const float* dy; const std::int32_t* argmax; float* dx;
  ///@}
  /// Computes input gradient element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t ip = g.height * g.width, p = i / ip, k = i % ip, h = k / g.width, w = k % g.width;
    const std::size_t op = g.out_height * g.out_width;
    const float* dyp = dy + p * op;
    const std::int32_t* ap = argmax + p * op;
    std::ptrdiff_t h0, h1, w0, w1;
    pool_cover(h, g.stride, g.padding, g.extent(), g.out_height, h0, h1);
    pool_cover(w, g.stride, g.padding, g.extent(), g.out_width, w0, w1);
    float s = 0.f;
    for (std::ptrdiff_t oh = h0; oh < h1; ++oh)
      for (std::ptrdiff_t ow = w0; ow < w1; ++ow) {
        const std::size_t o = std::size_t(oh) * g.out_width + std::size_t(ow);
        if (ap[o] == std::int32_t(k)) s += dyp[o];
      }
    dx[i] = s;
  }
};

/// The divisor of output (oh, ow)'s average, as PyTorch's avg_pool2d: the window clipped to the
/// padded input (K * K unless a ceil_mode window overhangs it) with count_include_pad, else
/// clipped to the input itself.
LAMINA_HOST_DEVICE float avg_pool_divisor(const pool2d_geometry& g, std::size_t oh, std::size_t ow) {
  const std::ptrdiff_t p = std::ptrdiff_t(g.padding), k = std::ptrdiff_t(g.kernel);
  const std::ptrdiff_t h0 = std::ptrdiff_t(oh * g.stride) - p, w0 = std::ptrdiff_t(ow * g.stride) - p;
  const std::ptrdiff_t h1 = min_diff(h0 + k, std::ptrdiff_t(g.height) + p);
  const std::ptrdiff_t w1 = min_diff(w0 + k, std::ptrdiff_t(g.width) + p);
  if (g.count_include_pad) return float((h1 - h0) * (w1 - w0));
  const std::ptrdiff_t rows = min_diff(h1, std::ptrdiff_t(g.height)) - max_diff(h0, 0);
  const std::ptrdiff_t cols = min_diff(w1, std::ptrdiff_t(g.width)) - max_diff(w0, 0);
  return float(rows * cols);
}

/// Average pooling forward, one output element per index i over [planes, OH, OW]: the
/// window's sum divided by avg_pool_divisor (K * K by default).
struct avg_pool2d_forward_op {
  /// Geometry, input [planes, H, W] and output [planes, OH, OW].
  ///@{
  pool2d_geometry g; const float* x; float* y;
  ///@}
  /// Computes output element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t op = g.out_height * g.out_width, p = i / op, o = i % op;
    const std::size_t oh = o / g.out_width, ow = o % g.out_width;
    const float* xp = x + p * g.height * g.width;
    float s = 0.f;
    for (std::size_t kh = 0; kh < g.kernel; ++kh) {
      const std::ptrdiff_t h = std::ptrdiff_t(oh * g.stride + kh) - std::ptrdiff_t(g.padding);
      if (h < 0 || h >= std::ptrdiff_t(g.height)) continue;
      for (std::size_t kw = 0; kw < g.kernel; ++kw) {
        const std::ptrdiff_t w = std::ptrdiff_t(ow * g.stride + kw) - std::ptrdiff_t(g.padding);
        if (w >= 0 && w < std::ptrdiff_t(g.width)) s += xp[std::size_t(h) * g.width + std::size_t(w)];
      }
    }
    y[i] = s * (1.0f / avg_pool_divisor(g, oh, ow));
  }
};

/// Average pooling backward, one input element per index i over [planes, H, W]: the sum of
/// dy / divisor over the windows that cover it.
struct avg_pool2d_backward_op {
  /// Geometry, output gradient [planes, OH, OW] and input gradient [planes, H, W].
  ///@{
  pool2d_geometry g; const float* dy; float* dx;
  ///@}
  /// Computes input gradient element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t ip = g.height * g.width, p = i / ip, k = i % ip, h = k / g.width, w = k % g.width;
    const float* dyp = dy + p * g.out_height * g.out_width;
    std::ptrdiff_t h0, h1, w0, w1;
    pool_cover(h, g.stride, g.padding, g.kernel, g.out_height, h0, h1);
    pool_cover(w, g.stride, g.padding, g.kernel, g.out_width, w0, w1);
    float s = 0.f;
    for (std::ptrdiff_t oh = h0; oh < h1; ++oh)
      for (std::ptrdiff_t ow = w0; ow < w1; ++ow)
        s += dyp[std::size_t(oh) * g.out_width + std::size_t(ow)] *
             (1.0f / avg_pool_divisor(g, std::size_t(oh), std::size_t(ow)));
    dx[i] = s;
  }
};

}  // namespace lamina::kernels::device
