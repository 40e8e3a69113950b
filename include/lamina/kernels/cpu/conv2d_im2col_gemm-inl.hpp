#pragma once
// Definitions for conv2d_im2col_gemm.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <cstring>

#include "conv2d_im2col_gemm.hpp"
#include "elementwise.hpp"

namespace lamina::kernels::detail {

LAMINA_INLINE std::size_t conv_chunk_samples(std::size_t positions, std::size_t batch) {
  const std::size_t cs = positions >= conv_gemm_min_columns
                             ? 1
                             : (conv_gemm_min_columns + positions - 1) / positions;
  return std::max<std::size_t>(1, std::min(cs, batch));
}

LAMINA_INLINE int conv_threads() {
#ifdef _OPENMP
  return omp_in_parallel() ? 1 : omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace lamina::kernels::detail

namespace lamina::kernels {

LAMINA_INLINE void conv_channel_major(cpu, const float* src, float* dst, std::size_t batch, std::size_t C,
                                      std::size_t P, const float* relu_mask) {
  for (std::size_t n = 0; n < batch; ++n)
    for (std::size_t c = 0; c < C; ++c) {
      const std::size_t at = (n * C + c) * P;
      if (relu_mask) relu_backward(cpu{}, relu_mask + at, src + at, dst + c * batch * P + n * P, P);
      else std::memcpy(dst + c * batch * P + n * P, src + at, P * sizeof(float));
    }
}

LAMINA_INLINE void conv_channel_sums(cpu, const float* y, std::size_t batch, std::size_t C, std::size_t P,
                                     float* out) {
  using B = xsimd::batch<float>;
  for (std::size_t c = 0; c < C; ++c) {
    B acc0(0.f), acc1(0.f);
    float tail = 0.f;
    for (std::size_t n = 0; n < batch; ++n) {
      const float* r = y + (n * C + c) * P;
      // Loop bounds computed up front (GCC otherwise warns, falsely, about the scalar tail).
      const std::size_t pairs_end = P - P % (2 * B::size), vec_end = P - P % B::size;
      for (std::size_t i = 0; i < pairs_end; i += 2 * B::size) {
        acc0 += B::load_unaligned(r + i);
        acc1 += B::load_unaligned(r + i + B::size);
      }
      for (std::size_t i = pairs_end; i < vec_end; i += B::size) acc0 += B::load_unaligned(r + i);
      for (std::size_t i = vec_end; i < P; ++i) tail += r[i];
    }
    out[c] = xsimd::hadd(acc0 + acc1) + tail;
  }
}

LAMINA_INLINE conv_chunk conv_chunk_at(const conv_geometry& g, float* col, std::size_t c, std::size_t cs,
                                       std::size_t batch) {
  const std::size_t n0 = c * cs, m = std::min(batch, n0 + cs) - n0;
  return {n0, m, col + n0 * g.col_size(), m * g.positions()};
}

LAMINA_INLINE void conv2d_im2col_gemm_forward(cpu, const conv_geometry& g, std::size_t col_channels,
                                              const float* image, const float* w, const float* bias,
                                              float* columns, float* col, float* tmp, std::size_t batch,
                                              bool lowered) {
  const std::size_t P = g.positions(), G = g.groups;
  const std::size_t rows_g = g.col_rows() / G, cc_g = col_channels / G;
  const std::size_t cs = detail::conv_chunk_samples(P, batch), chunks = (batch + cs - 1) / cs;
  detail::conv_for_chunks(chunks, [&](std::size_t c) {
    const conv_chunk k = conv_chunk_at(g, col, c, cs, batch);
    if (!lowered)
      for (std::size_t i = 0; i < k.m; ++i)
        im2col(cpu{}, g, image + (k.n0 + i) * g.image_size(), k.block + i * P, k.ld);
    if (k.m == 1) {  // straight into the sample's output
      float* y = columns + k.n0 * col_channels * P;
      if (bias)
        for (std::size_t ch = 0; ch < col_channels; ++ch) std::fill(y + ch * P, y + (ch + 1) * P, bias[ch]);
      for (std::size_t gi = 0; gi < G; ++gi)
        gemm(cpu{}, transpose::no, transpose::no, cc_g, P, rows_g, 1.f, w + gi * cc_g * rows_g, rows_g,
             k.block + gi * rows_g * k.ld, k.ld, bias ? 1.f : 0.f, y + gi * cc_g * P, P);
      return;
    }
    float* t = tmp + k.n0 * col_channels * P;  // [Ccol, m*P]
    for (std::size_t gi = 0; gi < G; ++gi)
      gemm(cpu{}, transpose::no, transpose::no, cc_g, k.ld, rows_g, 1.f, w + gi * cc_g * rows_g, rows_g,
           k.block + gi * rows_g * k.ld, k.ld, 0.f, t + gi * cc_g * k.ld, k.ld);
    for (std::size_t i = 0; i < k.m; ++i)
      for (std::size_t ch = 0; ch < col_channels; ++ch) {
        const float* s = t + ch * k.ld + i * P;
        float* d = columns + ((k.n0 + i) * col_channels + ch) * P;
        const float b = bias ? bias[ch] : 0.f;
        for (std::size_t p = 0; p < P; ++p) d[p] = s[p] + b;
      }
  });
}

LAMINA_INLINE void conv2d_im2col_gemm_backward_data(cpu, const conv_geometry& g, std::size_t col_channels,
                                                    const float* xm, const float* w, float* image, float* col,
                                                    std::size_t batch) {
  const std::size_t P = g.positions(), ldx = batch * P, G = g.groups;
  const std::size_t rows_g = g.col_rows() / G, cc_g = col_channels / G;
  const std::size_t cs = detail::conv_chunk_samples(P, batch), chunks = (batch + cs - 1) / cs;
  detail::conv_for_chunks(chunks, [&](std::size_t c) {
    const conv_chunk k = conv_chunk_at(g, col, c, cs, batch);
    for (std::size_t gi = 0; gi < G; ++gi)
      gemm(cpu{}, transpose::yes, transpose::no, rows_g, k.ld, cc_g, 1.f, w + gi * cc_g * rows_g, rows_g,
           xm + gi * cc_g * ldx + k.n0 * P, ldx, 0.f, k.block + gi * rows_g * k.ld, k.ld);
    for (std::size_t i = 0; i < k.m; ++i)
      col2im(cpu{}, g, k.block + i * P, k.ld, image + (k.n0 + i) * g.image_size());
  });
}

LAMINA_INLINE void conv2d_im2col_batch(cpu, const conv_geometry& g, const float* image, float* col,
                                       std::size_t batch) {
  const std::size_t P = g.positions();
  const std::size_t cs = detail::conv_chunk_samples(P, batch);
  detail::conv_for_samples(batch, [&](std::size_t n) {
    const conv_chunk k = conv_chunk_at(g, col, n / cs, cs, batch);
    im2col(cpu{}, g, image + n * g.image_size(), k.block + (n - k.n0) * P, k.ld);
  });
}

LAMINA_INLINE void conv2d_im2col_gemm_backward_weights(cpu, const conv_geometry& g, std::size_t col_channels,
                                                       const float* xm, float* col, float* dw,
                                                       std::size_t batch) {
  const std::size_t P = g.positions(), ldx = batch * P, G = g.groups;
  const std::size_t rows_g = g.col_rows() / G, cc_g = col_channels / G;
  const std::size_t cs = detail::conv_chunk_samples(P, batch), chunks = (batch + cs - 1) / cs;
  for (std::size_t c = 0; c < chunks; ++c) {
    const conv_chunk k = conv_chunk_at(g, col, c, cs, batch);
    for (std::size_t gi = 0; gi < G; ++gi)
      gemm(cpu{}, transpose::no, transpose::yes, cc_g, rows_g, k.ld, 1.f, xm + gi * cc_g * ldx + k.n0 * P, ldx,
           k.block + gi * rows_g * k.ld, k.ld, c == 0 ? 0.f : 1.f, dw + gi * cc_g * rows_g, rows_g);
  }
}

LAMINA_INLINE void conv_flip_weights(cpu, const float* w, float* wf, std::size_t out, std::size_t in,
                                     std::size_t K, std::size_t groups) {
  const std::size_t og = out / groups, ig = in / groups, kk = K * K;
  for (std::size_t g = 0; g < groups; ++g)
    for (std::size_t i = 0; i < ig; ++i)
      for (std::size_t o = 0; o < og; ++o) {
        const float* src = w + ((g * og + o) * ig + i) * kk;
        float* dst = wf + ((g * ig + i) * og + o) * kk;
        for (std::size_t t = 0; t < kk; ++t) dst[t] = src[kk - 1 - t];
      }
}

LAMINA_INLINE void conv_add_channel_bias(cpu, float* y, const float* bias, std::size_t batch, std::size_t C,
                                         std::size_t P) {
  for (std::size_t n = 0; n < batch; ++n)
    for (std::size_t c = 0; c < C; ++c) {
      float* r = y + (n * C + c) * P;
      const float b = bias[c];
      for (std::size_t p = 0; p < P; ++p) r[p] += b;
    }
}

}  // namespace lamina::kernels
