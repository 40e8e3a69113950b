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
// Layout of the lowered matrix `col`: [Cimg * K * K, batch * P] (P = column-side positions), one
// block of P columns per sample, so that the weight gradient is a single GEMM with
// k = batch * P, and samples can be grouped into GEMMs at least `gemm_min_columns` wide when
// P is small. Both `col` and `tmp` ([Ccol, batch * P], the columns tensor channel-major) come
// from the layer's workspace: nothing is allocated here.
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

// Samples whose columns go into one GEMM: enough for about this many GEMM columns.
inline constexpr std::size_t conv_gemm_min_columns = 256;

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
      std::size_t i = 0;
      for (; i + 2 * B::size <= P; i += 2 * B::size) {
        acc0 += B::load_unaligned(r + i);
        acc1 += B::load_unaligned(r + i + B::size);
      }
      for (; i + B::size <= P; i += B::size) acc0 += B::load_unaligned(r + i);
      for (; i < P; ++i) tail += r[i];
    }
    out[c] = xsimd::hadd(acc0 + acc1) + tail;
  }
}

// columns [batch, Ccol, P] = W x im2col(image [batch, Cimg, H, W]) (+ bias [Ccol]).
// col: [Cimg*K*K, batch*P] (kept: backward_weights reuses it); tmp: [Ccol, batch*P] scratch.
// lowered: col already holds im2col(image) (ConvTranspose2d's backward), skip the lowering.
inline void conv2d_im2col_gemm_forward(cpu, const conv_geometry& g, std::size_t col_channels,
                                       const float* image, const float* w, const float* bias,
                                       float* columns, float* col, float* tmp, std::size_t batch,
                                       bool lowered = false) {
  const std::size_t P = g.positions(), ld = batch * P, G = g.groups;
  const std::size_t rows_g = g.col_rows() / G, cc_g = col_channels / G;
  const std::size_t cs = detail::conv_chunk_samples(P, batch), chunks = (batch + cs - 1) / cs;
  detail::conv_for_chunks(chunks, [&](std::size_t c) {
    const std::size_t n0 = c * cs, m = std::min(batch, n0 + cs) - n0;
    if (!lowered)
      for (std::size_t n = n0; n < n0 + m; ++n) im2col(cpu{}, g, image + n * g.image_size(), col + n * P, ld);
    if (m == 1) {  // straight into the sample's output
      float* y = columns + n0 * col_channels * P;
      if (bias)
        for (std::size_t ch = 0; ch < col_channels; ++ch) std::fill(y + ch * P, y + (ch + 1) * P, bias[ch]);
      for (std::size_t gi = 0; gi < G; ++gi)
        gemm(cpu{}, transpose::no, transpose::no, cc_g, P, rows_g, 1.f, w + gi * cc_g * rows_g, rows_g,
             col + gi * rows_g * ld + n0 * P, ld, bias ? 1.f : 0.f, y + gi * cc_g * P, P);
      return;
    }
    float* t = tmp + n0 * col_channels * P;  // [Ccol, m*P]
    for (std::size_t gi = 0; gi < G; ++gi)
      gemm(cpu{}, transpose::no, transpose::no, cc_g, m * P, rows_g, 1.f, w + gi * cc_g * rows_g, rows_g,
           col + gi * rows_g * ld + n0 * P, ld, 0.f, t + gi * cc_g * m * P, m * P);
    for (std::size_t n = 0; n < m; ++n)
      for (std::size_t ch = 0; ch < col_channels; ++ch) {
        const float* s = t + ch * m * P + n * P;
        float* d = columns + ((n0 + n) * col_channels + ch) * P;
        const float b = bias ? bias[ch] : 0.f;
        for (std::size_t p = 0; p < P; ++p) d[p] = s[p] + b;
      }
  });
}

// image [batch, Cimg, H, W] = col2im(W^T x columns), with the columns given channel-major:
// xm [Ccol, batch*P] (see conv_channel_major). col: [Cimg*K*K, batch*P] scratch, overwritten.
inline void conv2d_im2col_gemm_backward_data(cpu, const conv_geometry& g, std::size_t col_channels,
                                             const float* xm, const float* w, float* image, float* col,
                                             std::size_t batch) {
  const std::size_t P = g.positions(), ld = batch * P, G = g.groups;
  const std::size_t rows_g = g.col_rows() / G, cc_g = col_channels / G;
  const std::size_t cs = detail::conv_chunk_samples(P, batch), chunks = (batch + cs - 1) / cs;
  detail::conv_for_chunks(chunks, [&](std::size_t c) {
    const std::size_t n0 = c * cs, m = std::min(batch, n0 + cs) - n0;
    for (std::size_t gi = 0; gi < G; ++gi)
      gemm(cpu{}, transpose::yes, transpose::no, rows_g, m * P, cc_g, 1.f, w + gi * cc_g * rows_g, rows_g,
           xm + gi * cc_g * ld + n0 * P, ld, 0.f, col + gi * rows_g * ld + n0 * P, ld);
    for (std::size_t n = n0; n < n0 + m; ++n) col2im(cpu{}, g, col + n * P, ld, image + n * g.image_size());
  });
}

// col [Cimg*K*K, batch*P] <- im2col of every sample of image (for backward_weights when the
// forward did not leave it there).
inline void conv2d_im2col_batch(cpu, const conv_geometry& g, const float* image, float* col,
                                std::size_t batch) {
  const std::size_t P = g.positions();
  detail::conv_for_samples(batch, [&](std::size_t n) {
    im2col(cpu{}, g, image + n * g.image_size(), col + n * P, batch * P);
  });
}

// dW [Ccol, Cimg/G*K*K] = xm [Ccol, batch*P] x col^T, per group: one GEMM over k = batch*P
// (samples summed in order, whatever the thread count). col holds im2col of the image.
inline void conv2d_im2col_gemm_backward_weights(cpu, const conv_geometry& g, std::size_t col_channels,
                                                const float* xm, const float* col, float* dw,
                                                std::size_t batch) {
  const std::size_t P = g.positions(), ld = batch * P, G = g.groups;
  const std::size_t rows_g = g.col_rows() / G, cc_g = col_channels / G;
  for (std::size_t gi = 0; gi < G; ++gi)
    gemm(cpu{}, transpose::no, transpose::yes, cc_g, rows_g, ld, 1.f, xm + gi * cc_g * ld, ld,
         col + gi * rows_g * ld, ld, 0.f, dw + gi * cc_g * rows_g, rows_g);
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
