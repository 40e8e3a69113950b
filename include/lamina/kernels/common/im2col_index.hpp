#pragma once
// im2col / col2im and the layout changes around them, as bodies of one index over a whole batch
// (LAMINA_HOST_DEVICE: a GPU backend launches them, the host can run them in a loop). The
// lowered matrix is [C*K*K, batch * P] with sample n in columns [n*P, (n+1)*P) (one "chunk"
// holding every sample; ld = batch * P). im2col: one column entry per index. col2im is a
// *gather*: one image pixel per index sums the entries that map to it in (ki, kj) order, the
// order in which the CPU kernel adds them, so no atomics are needed and the sums are the CPU's.
#include <cstddef>

#include "../../core/config.hpp"
#include "conv_geometry.hpp"
#include "index_math.hpp"

namespace lamina::kernels::device {

/// im2col over a batch: one entry of the lowered matrix [C*K*K, batch * P] per index (zero
/// where the window leaves the image).
/// i = row * (batch * P) + n * P + p, row = (c * K + ki) * K + kj.
struct im2col_op {
  /// Geometry, image [batch, C, H, W], lowered matrix [C*K*K, batch * P] and batch size.
  ///@{
  conv_geometry g; const float* image; float* col; std::size_t batch;
  ///@}
  /// Writes lowered entry i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t P = g.out_h * g.out_w, ld = batch * P;
    const std::size_t row = i / ld, rest = i % ld, n = rest / P, p = rest % P;
    const std::size_t K = g.kernel, kj = row % K, ki = (row / K) % K, c = row / (K * K);
    const std::size_t oh = p / g.out_w, ow = p % g.out_w;
    const std::ptrdiff_t h = std::ptrdiff_t(oh * g.stride + ki * g.dilation) - std::ptrdiff_t(g.padding);
    const std::ptrdiff_t w = std::ptrdiff_t(ow * g.stride + kj * g.dilation) - std::ptrdiff_t(g.padding);
    float v = 0.f;
    if (h >= 0 && h < std::ptrdiff_t(g.height) && w >= 0 && w < std::ptrdiff_t(g.width))
      v = image[((n * g.channels + c) * g.height + std::size_t(h)) * g.width + std::size_t(w)];
    col[i] = v;
  }
};

/// col2im over a batch: one image pixel per index, the sum of the lowered entries that map
/// to it (a gather, in (ki, kj) order).
/// i = ((n * C + c) * H + h) * W + w.
struct col2im_op {
  /// Geometry, lowered matrix [C*K*K, batch * P], image [batch, C, H, W] (overwritten) and
  /// batch size.
  ///@{
  conv_geometry g; const float* col; float* image; std::size_t batch;
  ///@}
  /// Writes image pixel i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t P = g.out_h * g.out_w, ld = batch * P, K = g.kernel;
    const std::size_t w = i % g.width, h = (i / g.width) % g.height, c = (i / (g.width * g.height)) % g.channels;
    const std::size_t n = i / (g.width * g.height * g.channels);
    const std::ptrdiff_t S = std::ptrdiff_t(g.stride);
    float s = 0.f;
    for (std::size_t ki = 0; ki < K; ++ki) {
      const std::ptrdiff_t th = std::ptrdiff_t(h + g.padding) - std::ptrdiff_t(ki * g.dilation);  // oh * S
      if (th < 0 || th % S != 0 || th / S >= std::ptrdiff_t(g.out_h)) continue;
      const std::size_t oh = std::size_t(th / S);
      for (std::size_t kj = 0; kj < K; ++kj) {
        const std::ptrdiff_t tw = std::ptrdiff_t(w + g.padding) - std::ptrdiff_t(kj * g.dilation);
        if (tw < 0 || tw % S != 0 || tw / S >= std::ptrdiff_t(g.out_w)) continue;
        const std::size_t ow = std::size_t(tw / S), row = (c * K + ki) * K + kj;
        s += col[row * ld + n * P + oh * g.out_w + ow];
      }
    }
    image[i] = s;
  }
};

/// dst [C, batch * P] <- src [batch, C, P]; i indexes dst.
struct channel_major_op {
  /// Source [batch, C, P], destination [C, batch * P], and the sizes batch, C and P.
  ///@{
  const float* src; float* dst; std::size_t batch, C, P;
  ///@}
  /// Writes destination element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t c = i / (batch * P), rest = i % (batch * P), n = rest / P, p = rest % P;
    dst[i] = src[(n * C + c) * P + p];
  }
};
/// dst [batch, C, P] <- src [C, batch * P] (+ bias[c]); i indexes dst.
struct sample_major_op {
  /// Source [C, batch * P], destination [batch, C, P], optional bias [C] (nullptr: none),
  /// and the sizes batch, C and P.
  ///@{
  const float* src; float* dst; const float* bias; std::size_t batch, C, P;
  ///@}
  /// Writes destination element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t n = i / (C * P), c = (i / P) % C, p = i % P;
    dst[i] = src[c * batch * P + n * P + p] + (bias ? bias[c] : 0.f);
  }
};
/// wf [In, Out/G * K * K] <- w [Out, In/G, K, K] rotated by 180 degrees per group, as
/// kernels::conv_flip_weights(cpu, ...); i indexes wf.
struct flip_weights_op {
  /// Weights w [Out, In/G, K, K], rotated weights wf [In, Out/G * K * K], channel counts Out
  /// and In, K * K, and the groups G.
  ///@{
  const float* w; float* wf; std::size_t out, in, kk, groups;
  ///@}
  /// Writes rotated weight i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t og = out / groups, ig = in / groups;
    const std::size_t t = i % kk, o = (i / kk) % og, ii = (i / (kk * og)) % ig, g = i / (kk * og * ig);
    wf[i] = w[((g * og + o) * ig + ii) * kk + (kk - 1 - t)];
  }
};
/// y [batch, C, P] += bias [C].
struct add_channel_bias_op {
  /// Output [batch, C, P] (updated in place), bias [C], channels C and positions P.
  ///@{
  float* y; const float* bias; std::size_t C, P;
  ///@}
  /// Adds the bias to element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] += bias[(i / P) % C]; }
};

}  // namespace lamina::kernels::device
