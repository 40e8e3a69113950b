#pragma once
// 2-D convolution as an implicit-im2col GEMM (no lowered matrix).
//
// Pad each image plane by P on every side (Hp = H + 2P, Wp = W + 2P) and, for stride 1, number an
// output position by its top-left pixel in that padded plane, q = oh * Wp + ow. Then the lowered
// row r = (c, ki, kj) of im2col, at position q, is the padded plane c read at q + (ki * Wp + kj) * D:
// every lowered row is the padded image itself, shifted. The GEMMs take their B operand through
// a row table (gemm_rows_b), so they pack straight from the padded image, which is written once
// instead of K*K times. The price: Wp - OW dropped positions (ow >= OW) per output row. A stride
// S > 1 splits the padded planes into S*S phases first (see conv_frame), which are shifted again.
//
// The padded batch is a *frame*: per channel (and phase) and sample, T = (rows + 1) * width floats.
// The spare zero row keeps a sample's shifted reads (up to D(K-1)(width+1) past its last position)
// inside its own frame. Samples are T apart, so one GEMM can span several samples (positions in
// between are dropped), and the weight gradient is one GEMM whose k runs over the whole batch.
//
// Used by Conv2d (forward, weight gradient, and the input gradient as the convolution of dy
// with the rotated kernel) and ConvTranspose2d (backward). Threads as in conv2d_im2col_gemm.hpp;
// every sum has a fixed order, so results do not depend on the number of threads.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "../../core/backend.hpp"
#include "conv2d_im2col_gemm.hpp"
#include "elementwise.hpp"
#include "gemm.hpp"
#include "gemm_dot.hpp"
#include "im2col.hpp"

namespace lamina::kernels {

// The frame shape of a convolution's image side. With stride S > 1 each padded plane is split
// into its S*S phases (rows a, a + S, ...; columns b, b + S, ...): the lowered row (c, ki, kj)
// reads padded pixel (S*oh + ki*D, S*ow + kj*D), which is pixel (oh + u, ow + v) of phase (a, b)
// where ki*D = S*u + a and kj*D = S*v + b: again a shifted plane, now Wp/S wide (rounded up).
// Frame layout [C, S, S, batch, T], T = (phase rows + 1) * phase width.
struct conv_frame {
  std::size_t stride, pad, width, size;  // S, P, phase-plane width, T
  static constexpr conv_frame of(const conv_geometry& g) {
    const std::size_t s = g.stride, w = (g.width + 2 * g.padding + s - 1) / s;
    return {s, g.padding, w, ((g.height + 2 * g.padding + s - 1) / s + 1) * w};
  }
};

// Floats per sample of the frame.
constexpr std::size_t conv_implicit_frame_size(const conv_geometry& g) {
  const conv_frame f = conv_frame::of(g);
  return g.channels * f.stride * f.stride * f.size;
}

// Whether the implicit path pays: the frame's positions (spare row and dropped columns
// included) at most 1.5x the output's, so that the GEMMs do not grow much (small images: no).
constexpr bool conv_implicit_pays(const conv_geometry& g) { return 2 * conv_frame::of(g).size <= 3 * g.positions(); }

namespace detail {

// Row table of the lowered matrix over a frame of `batch` samples: row (c, ki, kj) starts at
// phase plane (c, a, b) + u * width + v (see conv_frame). Grows once per thread; valid until the
// next call.
inline const std::ptrdiff_t* conv_implicit_rows(const conv_geometry& g, std::size_t batch) {
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

}  // namespace detail

// Writes sample n of src [batch, C, h, w] into frame [C, batch, T] (rows of `width` floats), its
// pixel (0, 0) at row `top`, column `left`; the rest of the sample's frame is zero. With a
// relu_mask (like src: a fused ReLU's output), src is a gradient written where the mask is > 0
// (the ReLU's backward, done while framing).
inline void conv_frame_sample(cpu, const float* src, std::size_t C, std::size_t h, std::size_t w, float* frame,
                              std::size_t batch, std::size_t n, std::size_t T, std::size_t width,
                              std::size_t top, std::size_t left, const float* relu_mask = nullptr) {
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

// conv_frame_sample for every sample, in parallel.
inline void conv_frame_batch(cpu, const float* src, std::size_t C, std::size_t h, std::size_t w, float* frame,
                             std::size_t batch, std::size_t T, std::size_t width, std::size_t top,
                             std::size_t left, const float* relu_mask = nullptr) {
  detail::conv_for_samples(batch, [&](std::size_t n) {
    conv_frame_sample(cpu{}, src, C, h, w, frame, batch, n, T, width, top, left, relu_mask);
  });
}

// Writes sample n of image [batch, C, H, W] into its frame (padded, split into phases).
inline void conv_frame_image(cpu, const conv_geometry& g, const float* image, float* frame, std::size_t batch,
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

// conv_frame_image for every sample, in parallel.
inline void conv_frame_image_batch(cpu, const conv_geometry& g, const float* image, float* frame,
                                   std::size_t batch) {
  detail::conv_for_samples(batch, [&](std::size_t n) { conv_frame_image(cpu{}, g, image, frame, batch, n); });
}

// columns [batch, Ccol, OH, OW] = W x lowered(image) (+ bias), stride 1, then ReLU if `relu`
// (a fused epilogue). frame [C, batch, T]: the padded image, written here (and kept for the
// weight gradient) unless `framed` says it is there already. tmp: [Ccol, batch * T] staging.
inline void conv2d_implicit_forward(cpu, const conv_geometry& g, std::size_t col_channels, const float* image,
                                    const float* w, const float* bias, float* columns, float* frame, float* tmp,
                                    std::size_t batch, bool framed = false, bool relu = false) {
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

// Up to this many output channels (per group) the weight gradient is a dot-product GEMM
// (gemm_dot.hpp), reading both operands in place; wider, the packed GEMM's transposes pay for
// themselves over more rows (measured: 16-32 channels, dot 10-45 % faster; 64, 35 % slower).
inline constexpr std::size_t conv_dot_max_channels = 32;

// dW [Ccol, Cimg/G*K*K] = dy x lowered(image)^T summed over the batch: one GEMM per group, k
// running over every sample's positions. frame: the padded image (from the forward). dyf: dy in
// the image's frame layout, row ch at dyf + ch * ld: dy[n][ch][oh][ow] at n * T + oh * Wp + ow and
// zero at every dropped position (so what the lowered rows hold there does not count).
inline void conv2d_implicit_backward_weights(cpu, const conv_geometry& g, std::size_t col_channels,
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
