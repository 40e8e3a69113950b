#pragma once
// 2-D convolution on the CUDA backend as im2col + cuBLAS GEMM, the same three products and the
// same workspace contract as kernels/cpu/conv2d_im2col_gemm.hpp (read its comment first):
//
//   conv2d_im2col_gemm_forward          columns[n] = W x im2col(image[n])   (+ bias)
//   conv2d_im2col_gemm_backward_data    image[n]   = col2im(W^T x columns[n])
//   conv2d_im2col_gemm_backward_weights dW         = sum_n columns[n] x im2col(image[n])^T
//
// On the GPU the whole batch is one chunk: `col` is one [Cimg*K*K, batch*P] matrix (ld =
// batch*P, sample n in columns [n*P, (n+1)*P)), so each product is one cuBLAS call (strided-
// batched over the groups). The lowered matrix written by forward / conv2d_im2col_batch is
// read back by backward_weights in the same layout; the layout is private to this backend
// (the CPU chunks its lowered matrix differently; both fit the layer's workspace).
// col2im is a gather (common/im2col_index.hpp): deterministic, no atomics. cuDNN is not used: for
// lamina's layer sizes im2col + SGEMM is simple and fast enough; a cuDNN path would go behind
// these same functions.
#include <cstddef>

#include "../../core/backend.hpp"
#include "../common/conv_geometry.hpp"
#include "../common/im2col_index.hpp"
#include "gemm.cuh"
#include "../common/segmented_sum.hpp"
#include "launch.cuh"

namespace lamina::kernels {

// dst [C, batch * P] <- src [batch, C, P].
inline void conv_channel_major(cuda, const float* src, float* dst, std::size_t batch, std::size_t C, std::size_t P) {
  parallel_for(cuda{}, batch * C * P, device::channel_major_op{src, dst, batch, C, P});
}

// out[c] = sum over samples and positions of y [batch, C, P] (bias gradients).
inline void conv_channel_sums(cuda, const float* y, std::size_t batch, std::size_t C, std::size_t P, float* out) {
  detail::segmented_sum<double>(cuda{}, C, batch * P, device::channel_term_double{y, C, P},
                                device::store_sum<double>{out});
}

// wf [In, Out/G*K*K] <- w [Out, In/G, K, K], kernels rotated by 180 degrees, per group.
inline void conv_flip_weights(cuda, const float* w, float* wf, std::size_t out, std::size_t in, std::size_t K,
                              std::size_t groups) {
  parallel_for(cuda{}, in * (out / groups) * K * K, device::flip_weights_op{w, wf, out, in, K * K, groups});
}

// y [batch, C, P] += bias [C].
inline void conv_add_channel_bias(cuda, float* y, const float* bias, std::size_t batch, std::size_t C, std::size_t P) {
  parallel_for(cuda{}, batch * C * P, device::add_channel_bias_op{y, bias, C, P});
}

// col [Cimg*K*K, batch*P] <- im2col of every sample of image [batch, Cimg, H, W].
inline void conv2d_im2col_batch(cuda, const conv_geometry& g, const float* image, float* col, std::size_t batch) {
  parallel_for(cuda{}, g.col_rows() * batch * g.positions(), device::im2col_op{g, image, col, batch});
}

// columns [batch, Ccol, P] = W x im2col(image) (+ bias). col: [Cimg*K*K, batch*P] (kept for
// backward_weights); tmp: [Ccol, batch*P] scratch. lowered: col already holds im2col(image).
inline void conv2d_im2col_gemm_forward(cuda, const conv_geometry& g, std::size_t col_channels, const float* image,
                                       const float* w, const float* bias, float* columns, float* col, float* tmp,
                                       std::size_t batch, bool lowered = false) {
  const std::size_t P = g.positions(), ld = batch * P, G = g.groups;
  const std::size_t rows_g = g.col_rows() / G, cc_g = col_channels / G;
  if (!lowered) conv2d_im2col_batch(cuda{}, g, image, col, batch);
  gemm_strided_batched(cuda{}, transpose::no, transpose::no, cc_g, ld, rows_g, 1.f, w, rows_g, cc_g * rows_g, col,
                       ld, rows_g * ld, 0.f, tmp, ld, cc_g * ld, G);
  parallel_for(cuda{}, batch * col_channels * P,
                       device::sample_major_op{tmp, columns, bias, batch, col_channels, P});
}

// image [batch, Cimg, H, W] = col2im(W^T x xm), xm: the columns channel-major [Ccol, batch*P].
// col: [Cimg*K*K, batch*P], overwritten.
inline void conv2d_im2col_gemm_backward_data(cuda, const conv_geometry& g, std::size_t col_channels, const float* xm,
                                             const float* w, float* image, float* col, std::size_t batch) {
  const std::size_t P = g.positions(), ld = batch * P, G = g.groups;
  const std::size_t rows_g = g.col_rows() / G, cc_g = col_channels / G;
  gemm_strided_batched(cuda{}, transpose::yes, transpose::no, rows_g, ld, cc_g, 1.f, w, rows_g, cc_g * rows_g, xm, ld,
                       cc_g * ld, 0.f, col, ld, rows_g * ld, G);
  parallel_for(cuda{}, batch * g.image_size(), device::col2im_op{g, col, image, batch});
}

// dW [Ccol, Cimg/G*K*K] = xm [Ccol, batch*P] x col^T, per group.
inline void conv2d_im2col_gemm_backward_weights(cuda, const conv_geometry& g, std::size_t col_channels,
                                                const float* xm, float* col, float* dw, std::size_t batch) {
  const std::size_t P = g.positions(), ld = batch * P, G = g.groups;
  const std::size_t rows_g = g.col_rows() / G, cc_g = col_channels / G;
  gemm_strided_batched(cuda{}, transpose::no, transpose::yes, cc_g, rows_g, ld, 1.f, xm, ld, cc_g * ld, col, ld,
                       rows_g * ld, 0.f, dw, rows_g, cc_g * rows_g, G);
}

}  // namespace lamina::kernels
