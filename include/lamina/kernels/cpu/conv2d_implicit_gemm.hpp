#pragma once
// 2-D convolution as an implicit-im2col GEMM (no lowered matrix).
//
// Pad each image plane by P on every side (Hp = H + 2P, Wp = W + 2P) and, for stride 1, number an
// output position by its top-left pixel in that padded plane, q = oh * Wp + ow. Then the lowered
// row r = (c, ki, kj) of im2col, at position q, is the padded plane c read at q + (ki * Wp + kj) * D:
// every lowered row is the padded image itself, shifted. The GEMMs take their B operand through
// a row table (gemm_rows_b), so they read the padded image (written once instead of K*K times)
// in place, whole panels at a time; narrow weight gradients are dot products over it (gemm_dot).
// The price: Wp - OW dropped positions (ow >= OW) per output row. A stride S > 1 splits the
// padded planes into S*S phases first (see common/conv_frame.hpp), which are shifted again.
//
// The padded batch is a *frame*: per channel (and phase) and sample, T = (rows + 1) * width floats.
// The spare zero row keeps a sample's shifted reads (up to D(K-1)(width+1) past its last position)
// inside its own frame. Samples are T apart, so one GEMM can span several samples (positions in
// between are dropped), and the weight gradient is one GEMM whose k runs over the whole batch.
//
// Used where the CPU's plan (conv2d_plan.hpp) picks it: Conv2d's forward, weight gradient and input
// gradient as the convolution of dy with the rotated kernel (conv2d.hpp), ConvTranspose2d's
// backward (conv_transpose2d.hpp). Threads as in conv2d_im2col_gemm.hpp;
// every sum has a fixed order, so results do not depend on the number of threads.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/conv_frame.hpp"
#include "conv2d_im2col_gemm.hpp"
#include "elementwise.hpp"
#include "gemm.hpp"
#include "gemm_dot.hpp"
#include "im2col.hpp"

namespace lamina::kernels {

namespace detail {

// Row table of the lowered matrix over a frame of `batch` samples: row (c, ki, kj) starts at
// phase plane (c, a, b) + u * width + v (see conv_frame). Grows once per thread; valid until the
// next call.
LAMINA_INLINE const std::ptrdiff_t* conv_implicit_rows(const conv_geometry& g, std::size_t batch);

}  // namespace detail

/// Writes sample n of src [batch, C, h, w] into frame [C, batch, T] (rows of `width` floats), its
/// pixel (0, 0) at row `top`, column `left`; the rest of the sample's frame is zero. With a
/// relu_mask (like src: a fused ReLU's output), src is a gradient written where the mask is > 0
/// (the ReLU's backward, done while framing).
LAMINA_INLINE void conv_frame_sample(cpu, const float* src, std::size_t C, std::size_t h, std::size_t w, float* frame,
                                     std::size_t batch, std::size_t n, std::size_t T, std::size_t width,
                                     std::size_t top, std::size_t left, const float* relu_mask = nullptr);

/// conv_frame_sample for every sample, in parallel.
LAMINA_INLINE void conv_frame_batch(cpu, const float* src, std::size_t C, std::size_t h, std::size_t w, float* frame,
                                    std::size_t batch, std::size_t T, std::size_t width, std::size_t top,
                                    std::size_t left, const float* relu_mask = nullptr);

/// Writes sample n of image [batch, C, H, W] into its frame (padded, split into phases).
LAMINA_INLINE void conv_frame_image(cpu, const conv_geometry& g, const float* image, float* frame, std::size_t batch,
                                    std::size_t n);

/// conv_frame_image for every sample, in parallel.
LAMINA_INLINE void conv_frame_image_batch(cpu, const conv_geometry& g, const float* image, float* frame,
                                          std::size_t batch);

/// columns [batch, Ccol, OH, OW] = W x lowered(image) (+ bias), stride 1, then ReLU if `relu`
/// (a fused epilogue). frame [C, batch, T]: the padded image, written here (and kept for the
/// weight gradient) unless `framed` says it is there already. tmp: [Ccol, batch * T] staging.
LAMINA_INLINE void conv2d_implicit_forward(cpu, const conv_geometry& g, std::size_t col_channels, const float* image,
                                           const float* w, const float* bias, float* columns, float* frame, float* tmp,
                                           std::size_t batch, bool framed = false, bool relu = false);

/// Up to this many output channels (per group) the weight gradient is a dot-product GEMM
/// (gemm_dot.hpp), reading both operands in place; wider, the packed GEMM's transposes pay for
/// themselves over more rows (measured: 16-32 channels, dot 10-45 % faster; 64, 35 % slower).
inline constexpr std::size_t conv_dot_max_channels = 32;

/// dW [Ccol, Cimg/G*K*K] = dy x lowered(image)^T summed over the batch: one GEMM per group, k
/// running over every sample's positions. frame: the padded image (from the forward). dyf: dy in
/// the image's frame layout, row ch at dyf + ch * ld: dy[n][ch][oh][ow] at n * T + oh * Wp + ow and
/// zero at every dropped position (so what the lowered rows hold there does not count).
LAMINA_INLINE void conv2d_implicit_backward_weights(cpu, const conv_geometry& g, std::size_t col_channels,
                                                    const float* dyf, std::size_t ld, const float* frame, float* dw,
                                                    std::size_t batch);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "conv2d_implicit_gemm-inl.hpp"
#endif
