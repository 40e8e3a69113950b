#pragma once
// 2-D convolution as im2col + GEMM, the three products of training:
//
//   conv2d_im2col_gemm_forward         columns[n] = W x im2col(image[n])        (+ bias)
//   conv2d_im2col_gemm_backward_data   image[n]   = col2im(W^T x columns[n])
//   conv2d_im2col_gemm_backward_weights dW        = sum_n columns[n] x im2col(image[n])^T
//
// "image" is the tensor with the larger spatial size and "columns" the other one (see
// im2col.hpp): Conv2d's forward is the first product (image = x, columns = y), its input
// gradient the second; ConvTranspose2d's forward is the second (columns = x, image = y) and its
// input gradient the first. Both layers' weight, [columns channels, image channels / groups,
// K, K], is per group the row-major matrix W_g [Ccol/G, Cimg/G * K * K].
//
// Samples are processed in chunks of at least `conv_gemm_min_columns` GEMM columns (one sample
// when P is large, several when it is small, so that GEMMs stay wide). The lowered matrix of a
// chunk is one contiguous [Cimg * K * K, chunk * P] block, so im2col writes sequential memory.
// `col` (every chunk's block, batch * Cimg*K*K * P floats) and `tmp` ([Ccol, batch * P], the
// columns tensor channel-major) come from the layer's workspace: nothing is allocated here.
//
// Threads: chunks of samples run in parallel, each with a serial GEMM, when there are enough
// chunks for the threads; otherwise chunks run in turn and the GEMM itself is parallel. The
// chunking depends on shapes only and every sum has a fixed order, so results are the same
// for any number of threads.
#include <algorithm>
#include <cstddef>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "gemm.hpp"
#include "im2col.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lamina::kernels {

namespace detail {

// Samples whose columns go into one GEMM: enough for about this many GEMM columns. (A tuning
// macro for benchmarks; it changes the rounding of weight gradients, never correctness.)
#ifndef LAMINA_CONV_GEMM_MIN_COLUMNS
#define LAMINA_CONV_GEMM_MIN_COLUMNS 256
#endif
inline constexpr std::size_t conv_gemm_min_columns = LAMINA_CONV_GEMM_MIN_COLUMNS;

inline std::size_t conv_chunk_samples(std::size_t positions, std::size_t batch) {
  const std::size_t cs = positions >= conv_gemm_min_columns
                             ? 1
                             : (conv_gemm_min_columns + positions - 1) / positions;
  return std::max<std::size_t>(1, std::min(cs, batch));
}

inline int conv_threads() {
#ifdef _OPENMP
  return omp_in_parallel() ? 1 : omp_get_max_threads();
#else
  return 1;
#endif
}

// Runs body(chunk) for every chunk: in parallel (serial GEMMs inside) when the chunks spread
// evenly over the threads, else one after another (the GEMMs then use the threads).
template <class Body>
void conv_for_chunks(std::size_t chunks, Body&& body) {
  const auto nt = std::size_t(conv_threads());
  if (nt > 1 && chunks >= nt && (chunks % nt == 0 || chunks >= 4 * nt)) {
    LAMINA_OMP(omp parallel for schedule(static))
    for (std::ptrdiff_t c = 0; c < std::ptrdiff_t(chunks); ++c) body(std::size_t(c));
  } else {
    for (std::size_t c = 0; c < chunks; ++c) body(c);
  }
}

// Calls body(n) for n in [0, count), in parallel when there are enough iterations.
template <class Body>
void conv_for_samples(std::size_t count, Body&& body) {
  if (count > 1 && conv_threads() > 1) {
    LAMINA_OMP(omp parallel for schedule(static))
    for (std::ptrdiff_t n = 0; n < std::ptrdiff_t(count); ++n) body(std::size_t(n));
  } else {
    for (std::size_t n = 0; n < count; ++n) body(n);
  }
}

}  // namespace detail

// dst [C, batch * P] <- src [batch, C, P] (the columns tensor, channel-major).
inline void conv_channel_major(cpu, const float* src, float* dst, std::size_t batch, std::size_t C,
                               std::size_t P) {
  for (std::size_t n = 0; n < batch; ++n)
    for (std::size_t c = 0; c < C; ++c)
      std::memcpy(dst + c * batch * P + n * P, src + (n * C + c) * P, P * sizeof(float));
}

// out[c] = sum over samples n (in order) and positions of y [batch, C, P]: bias gradients.
inline void conv_channel_sums(cpu, const float* y, std::size_t batch, std::size_t C, std::size_t P,
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

// The lowered matrix of chunk c (samples [n0, n0 + m)): a [Cimg*K*K, m*P] block at
// col + n0 * col_size, sample n in columns [(n - n0) * P, (n - n0 + 1) * P). Chunks are
// contiguous so that im2col writes, and the GEMMs read, sequential memory.
struct conv_chunk {
  std::size_t n0, m;
  float* block;
  std::size_t ld;  // m * P
};
inline conv_chunk conv_chunk_at(const conv_geometry& g, float* col, std::size_t c, std::size_t cs,
                                std::size_t batch) {
  const std::size_t n0 = c * cs, m = std::min(batch, n0 + cs) - n0;
  return {n0, m, col + n0 * g.col_size(), m * g.positions()};
}

// columns [batch, Ccol, P] = W x im2col(image [batch, Cimg, H, W]) (+ bias [Ccol]).
// col: [batch * Cimg*K*K * P] in chunk blocks (kept: backward_weights reuses it); tmp:
// [Ccol, batch*P] scratch. lowered: col already holds im2col(image), skip the lowering.
inline void conv2d_im2col_gemm_forward(cpu, const conv_geometry& g, std::size_t col_channels,
                                       const float* image, const float* w, const float* bias,
                                       float* columns, float* col, float* tmp, std::size_t batch,
                                       bool lowered = false) {
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

// image [batch, Cimg, H, W] = col2im(W^T x columns), with the columns given channel-major:
// xm [Ccol, batch*P] (see conv_channel_major). col: chunk blocks as above, overwritten.
inline void conv2d_im2col_gemm_backward_data(cpu, const conv_geometry& g, std::size_t col_channels,
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

// col <- im2col of every sample of image, in chunk blocks (for backward_weights when the
// forward did not leave it there).
inline void conv2d_im2col_batch(cpu, const conv_geometry& g, const float* image, float* col,
                                std::size_t batch) {
  const std::size_t P = g.positions();
  const std::size_t cs = detail::conv_chunk_samples(P, batch);
  detail::conv_for_samples(batch, [&](std::size_t n) {
    const conv_chunk k = conv_chunk_at(g, col, n / cs, cs, batch);
    im2col(cpu{}, g, image + n * g.image_size(), k.block + (n - k.n0) * P, k.ld);
  });
}

// dW [Ccol, Cimg/G*K*K] = sum over chunks (in order) of xm[:, chunk] x block^T, per group: GEMMs
// with k = chunk columns, each parallel over dW. col holds im2col of the image in chunk blocks.
inline void conv2d_im2col_gemm_backward_weights(cpu, const conv_geometry& g, std::size_t col_channels,
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

// wf [In, Out/G * K * K] <- w [Out, In/G, K, K] with the kernel rotated by 180 degrees, per group
// (group g: rows g*In/G.., wf[i][o][ki][kj] = w[g*Out/G + o][i][K-1-ki][K-1-kj]): the weights of
// the convolution that maps dy to dx when the stride is 1.
inline void conv_flip_weights(cpu, const float* w, float* wf, std::size_t out, std::size_t in,
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

// y [batch, C, P] += bias [C], per channel (ConvTranspose2d's bias after col2im).
inline void conv_add_channel_bias(cpu, float* y, const float* bias, std::size_t batch, std::size_t C,
                                  std::size_t P) {
  for (std::size_t n = 0; n < batch; ++n)
    for (std::size_t c = 0; c < C; ++c) {
      float* r = y + (n * C + c) * P;
      const float b = bias[c];
      for (std::size_t p = 0; p < P; ++p) r[p] += b;
    }
}

}  // namespace lamina::kernels
