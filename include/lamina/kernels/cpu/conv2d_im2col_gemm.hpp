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

LAMINA_INLINE std::size_t conv_chunk_samples(std::size_t positions, std::size_t batch);

LAMINA_INLINE int conv_threads();

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

/// dst [C, batch * P] <- src [batch, C, P] (the columns tensor, channel-major). With a relu_mask
/// (like src: a fused ReLU's output), src is a gradient kept where the mask is > 0 (conv_frame_sample).
LAMINA_INLINE void conv_channel_major(cpu, const float* src, float* dst, std::size_t batch, std::size_t C,
                                      std::size_t P, const float* relu_mask = nullptr);

/// out[c] = sum over samples n (in order) and positions of y [batch, C, P]: bias gradients.
LAMINA_INLINE void conv_channel_sums(cpu, const float* y, std::size_t batch, std::size_t C, std::size_t P,
                                     float* out);

/// The lowered matrix of chunk c (samples [n0, n0 + m)): a [Cimg*K*K, m*P] block at
/// col + n0 * col_size, sample n in columns [(n - n0) * P, (n - n0 + 1) * P). Chunks are
/// contiguous so that im2col writes, and the GEMMs read, sequential memory.
struct conv_chunk {
  /// First sample n0 of the chunk and its number of samples m.
  ///@{
  std::size_t n0, m;
  ///@}
  float* block;  ///< The chunk's lowered matrix [Cimg*K*K, m * P].
  /// Leading dimension of block (floats from one row to the next).
  std::size_t ld;
};
/// Chunk c of a batch split into chunks of cs samples (the last may be shorter), within col.
LAMINA_INLINE conv_chunk conv_chunk_at(const conv_geometry& g, float* col, std::size_t c, std::size_t cs,
                                       std::size_t batch);

/// columns [batch, Ccol, P] = W x im2col(image [batch, Cimg, H, W]) (+ bias [Ccol]).
/// col: [batch * Cimg*K*K * P] in chunk blocks (kept: backward_weights reuses it); tmp:
/// [Ccol, batch*P] scratch. lowered: col already holds im2col(image), skip the lowering.
LAMINA_INLINE void conv2d_im2col_gemm_forward(cpu, const conv_geometry& g, std::size_t col_channels,
                                              const float* image, const float* w, const float* bias,
                                              float* columns, float* col, float* tmp, std::size_t batch,
                                              bool lowered = false);

/// image [batch, Cimg, H, W] = col2im(W^T x columns), with the columns given channel-major:
/// xm [Ccol, batch*P] (see conv_channel_major). col: chunk blocks as above, overwritten.
LAMINA_INLINE void conv2d_im2col_gemm_backward_data(cpu, const conv_geometry& g, std::size_t col_channels,
                                                    const float* xm, const float* w, float* image, float* col,
                                                    std::size_t batch);

/// col <- im2col of every sample of image, in chunk blocks (for backward_weights when the
/// forward did not leave it there).
LAMINA_INLINE void conv2d_im2col_batch(cpu, const conv_geometry& g, const float* image, float* col,
                                       std::size_t batch);

/// dW [Ccol, Cimg/G*K*K] = sum over chunks (in order) of xm[:, chunk] x block^T, per group: GEMMs
/// with k = chunk columns, each parallel over dW. col holds im2col of the image in chunk blocks.
LAMINA_INLINE void conv2d_im2col_gemm_backward_weights(cpu, const conv_geometry& g, std::size_t col_channels,
                                                       const float* xm, float* col, float* dw,
                                                       std::size_t batch);

/// wf [In, Out/G * K * K] <- w [Out, In/G, K, K] with the kernel rotated by 180 degrees, per group
/// (group g: rows g*In/G.., wf[i][o][ki][kj] = w[g*Out/G + o][i][K-1-ki][K-1-kj]): the weights of
/// the convolution that maps dy to dx when the stride is 1.
LAMINA_INLINE void conv_flip_weights(cpu, const float* w, float* wf, std::size_t out, std::size_t in,
                                     std::size_t K, std::size_t groups);

/// y [batch, C, P] += bias [C], per channel (ConvTranspose2d's bias after col2im).
LAMINA_INLINE void conv_add_channel_bias(cpu, float* y, const float* bias, std::size_t batch, std::size_t C,
                                         std::size_t P);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "conv2d_im2col_gemm-inl.hpp"
#endif
