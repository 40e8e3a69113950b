#pragma once
// Definitions for conv2d_implicit_gemm.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <vector>

#include "conv2d_implicit_gemm.hpp"

namespace lamina::kernels::detail {

LAMINA_INLINE const std::ptrdiff_t* conv_implicit_rows(const conv_geometry& g, std::size_t batch) {
  thread_local std::vector<std::ptrdiff_t> rows;
  const conv_frame f = conv_frame::of(g);
  const std::size_t K = g.kernel, S = f.stride;
  rows.resize(g.col_rows());
  for (std::size_t c = 0; c < g.channels; ++c)
    for (std::size_t ki = 0; ki < K; ++ki)
      for (std::size_t kj = 0; kj < K; ++kj) {
        const std::size_t y = ki * g.dilation, x = kj * g.dilation;
        const std::size_t plane = (c * S + y % S) * S + x % S;
        rows[(c * K + ki) * K + kj] = std::ptrdiff_t(plane * batch * f.size + y / S * f.width + x / S);
      }
  return rows.data();
}

}  // namespace lamina::kernels::detail

namespace lamina::kernels {

LAMINA_INLINE void conv_frame_sample(cpu, const float* src, std::size_t C, std::size_t h, std::size_t w, float* frame,
                                     std::size_t batch, std::size_t n, std::size_t T, std::size_t width,
                                     std::size_t top, std::size_t left, const float* relu_mask) {
  for (std::size_t c = 0; c < C; ++c) {
    const std::size_t at = (n * C + c) * h * w;
    const float* s = src + at;
    const float* m = relu_mask ? relu_mask + at : nullptr;
    float* d = frame + (c * batch + n) * T;
    float* const end = d + T;
    d = std::fill_n(d, top * width + left, 0.f);
    for (std::size_t i = 0; i < h; ++i, s += w) {
      if (m) {
        relu_backward(cpu{}, m, s, d, w);
        d += w;
        m += w;
      } else {
        d = std::copy_n(s, w, d);
      }
      d = std::fill_n(d, width - w, 0.f);  // right border, then the next row's left border
    }
    std::fill(d, end, 0.f);
  }
}

LAMINA_INLINE void conv_frame_batch(cpu, const float* src, std::size_t C, std::size_t h, std::size_t w, float* frame,
                                    std::size_t batch, std::size_t T, std::size_t width, std::size_t top,
                                    std::size_t left, const float* relu_mask) {
  detail::conv_for_samples(batch, [&](std::size_t n) {
    conv_frame_sample(cpu{}, src, C, h, w, frame, batch, n, T, width, top, left, relu_mask);
  });
}

LAMINA_INLINE void conv_frame_image(cpu, const conv_geometry& g, const float* image, float* frame, std::size_t batch,
                                    std::size_t n) {
  const conv_frame f = conv_frame::of(g);
  if (f.stride == 1)
    return conv_frame_sample(cpu{}, image, g.channels, g.height, g.width, frame, batch, n, f.size, f.width, f.pad,
                             f.pad);
  const std::size_t S = f.stride, H = g.height, W = g.width, P = f.pad;
  for (std::size_t c = 0; c < g.channels; ++c) {
    const float* plane = image + (n * g.channels + c) * H * W;
    for (std::size_t a = 0; a < S; ++a)
      for (std::size_t b = 0; b < S; ++b) {
        float* d = frame + (((c * S + a) * S + b) * batch + n) * f.size;
        for (std::size_t i = 0; i < f.size / f.width; ++i, d += f.width) {
          const std::size_t y = S * i + a;  // padded row
          if (y < P || y >= P + H) {
            std::fill_n(d, f.width, 0.f);
            continue;
          }
          const float* s = plane + (y - P) * W;
          for (std::size_t j = 0; j < f.width; ++j) {
            const std::size_t x = S * j + b;
            d[j] = x >= P && x < P + W ? s[x - P] : 0.f;
          }
        }
      }
  }
}

LAMINA_INLINE void conv_frame_image_batch(cpu, const conv_geometry& g, const float* image, float* frame,
                                          std::size_t batch) {
  detail::conv_for_samples(batch, [&](std::size_t n) { conv_frame_image(cpu{}, g, image, frame, batch, n); });
}

LAMINA_INLINE void conv2d_implicit_forward(cpu, const conv_geometry& g, std::size_t col_channels, const float* image,
                                           const float* w, const float* bias, float* columns, float* frame, float* tmp,
                                           std::size_t batch, bool framed, bool relu) {
  const conv_frame f = conv_frame::of(g);
  const std::size_t OH = g.out_h, OW = g.out_w, G = g.groups, span = OH * f.width;
  const std::size_t rows_g = g.col_rows() / G, cc_g = col_channels / G;
  const std::ptrdiff_t* rows = detail::conv_implicit_rows(g, batch);
  const std::size_t cs = detail::conv_chunk_samples(span, batch), chunks = (batch + cs - 1) / cs;
  detail::conv_for_chunks(chunks, [&](std::size_t c) {
    const std::size_t n0 = c * cs, m = std::min(batch, n0 + cs) - n0, ld = m * f.size;
    if (!framed)
      for (std::size_t n = n0; n < n0 + m; ++n)
        conv_frame_image(cpu{}, g, image, frame, batch, n);
    float* t = tmp + n0 * col_channels * f.size;  // [Ccol, m * T]
    for (std::size_t gi = 0; gi < G; ++gi)
      gemm_rows_b(cpu{}, transpose::no, transpose::no, cc_g, (m - 1) * f.size + span, rows_g, 1.f,
                  w + gi * cc_g * rows_g, rows_g, frame + n0 * f.size, rows + gi * rows_g, 0.f, t + gi * cc_g * ld,
                  ld);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t ch = 0; ch < col_channels; ++ch) {
        const float b = bias ? bias[ch] : 0.f;
        float* d = columns + ((n0 + i) * col_channels + ch) * OH * OW;
        for (std::size_t oh = 0; oh < OH; ++oh, d += OW) {
          const float* s = t + ch * ld + i * f.size + oh * f.width;
          if (relu)
            for (std::size_t ow = 0; ow < OW; ++ow) d[ow] = std::max(s[ow] + b, 0.f);
          else
            for (std::size_t ow = 0; ow < OW; ++ow) d[ow] = s[ow] + b;
        }
      }
  });
}

LAMINA_INLINE void conv2d_implicit_backward_weights(cpu, const conv_geometry& g, std::size_t col_channels,
                                                    const float* dyf, std::size_t ld, const float* frame, float* dw,
                                                    std::size_t batch) {
  const conv_frame f = conv_frame::of(g);
  const std::size_t G = g.groups, rows_g = g.col_rows() / G, cc_g = col_channels / G;
  const std::ptrdiff_t* rows = detail::conv_implicit_rows(g, batch);
  const std::size_t k = (batch - 1) * f.size + g.out_h * f.width;  // the last sample's tail is not read
  for (std::size_t gi = 0; gi < G; ++gi)
    if (cc_g <= conv_dot_max_channels)
      gemm_dot_rows(cpu{}, cc_g, rows_g, k, dyf + gi * cc_g * ld, ld, frame, rows + gi * rows_g,
                    dw + gi * cc_g * rows_g, rows_g);
    else
      gemm_rows_b(cpu{}, transpose::no, transpose::yes, cc_g, rows_g, k, 1.f, dyf + gi * cc_g * ld, ld, frame,
                  rows + gi * rows_g, 0.f, dw + gi * cc_g * rows_g, rows_g);
}

}  // namespace lamina::kernels
