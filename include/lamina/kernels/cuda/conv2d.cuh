#pragma once
// Conv2d's and ConvTranspose2d's passes on the CUDA backend, as its plan (conv2d_plan.hpp) says:
// one entry point per pass, the same contract as kernels/cpu/conv2d.hpp and
// kernels/cpu/conv_transpose2d.hpp, over the im2col + cuBLAS products (conv2d_im2col_gemm.cuh).
#include <cassert>
#include <cstddef>

#include "../../core/backend.hpp"
#include "../common/conv_geometry.hpp"
#include "../common/conv_plan.hpp"
#include "conv2d_im2col_gemm.cuh"
#include "conv2d_plan.hpp"

namespace lamina::kernels {

inline void conv2d_forward(cuda, const conv2d_policy& plan, const conv_geometry& g, std::size_t out_channels,
                           const conv_forward_args& a) {
  assert(plan.algorithm == conv_algorithm::im2col_gemm && !a.relu);
  float* col = a.workspace;                                                               // [In*K*K, batch*P]
  float* tmp = col + a.batch * conv2d_im2col_layout::of(g, out_channels, plan.dx).col;  // [Out, batch*P]
  conv2d_im2col_gemm_forward(cuda{}, g, out_channels, a.x, a.w, a.bias, a.y, col, tmp, a.batch);
}

inline void conv2d_backward(cuda, const conv2d_policy& plan, const conv_geometry& g, std::size_t out_channels,
                            const conv_backward_args& a) {
  assert(plan.algorithm == conv_algorithm::im2col_gemm && !a.relu_mask);
  const std::size_t P = g.positions();
  const conv2d_im2col_layout l = conv2d_im2col_layout::of(g, out_channels, plan.dx);
  if (a.db) conv_channel_sums(cuda{}, a.dy, a.batch, out_channels, P, a.db);
  float* col = a.workspace;            // im2col(x), from forward
  float* dym = col + a.batch * l.col;  // dy channel-major [Out, batch*P]
  conv_channel_major(cuda{}, a.dy, dym, a.batch, out_channels, P);
  conv2d_im2col_gemm_backward_weights(cuda{}, g, out_channels, dym, col, a.dw, a.batch);
  if (!a.dx) return;
  if (plan.dx == conv_dx_algorithm::convolution) {
    float* wf = dym + a.batch * l.tmp;  // [In, Out/G*K*K]
    conv_flip_weights(cuda{}, a.w, wf, out_channels, g.channels, g.kernel, g.groups);
    conv2d_im2col_gemm_forward(cuda{}, conv_dx_geometry(g, out_channels), g.channels, a.dy, wf, nullptr, a.dx, col,
                               dym, a.batch);
  } else {
    conv2d_im2col_gemm_backward_data(cuda{}, g, out_channels, dym, a.w, a.dx, col, a.batch);
  }
}

inline void conv_transpose2d_forward(cuda, const conv_transpose2d_policy&, const conv_geometry& g,
                                     std::size_t in_channels, const conv_forward_args& a) {
  float* col = a.workspace;                                                             // [Out*K*K, batch*P]
  float* xm = col + a.batch * conv_transpose2d_im2col_layout::of(g, in_channels).col;  // x channel-major
  conv_channel_major(cuda{}, a.x, xm, a.batch, in_channels, g.positions());
  conv2d_im2col_gemm_backward_data(cuda{}, g, in_channels, xm, a.w, a.y, col, a.batch);
  if (a.bias) conv_add_channel_bias(cuda{}, a.y, a.bias, a.batch, g.channels, g.height * g.width);
}

inline void conv_transpose2d_backward(cuda, const conv_transpose2d_policy& plan, const conv_geometry& g,
                                      std::size_t in_channels, const conv_backward_args& a) {
  assert(plan.algorithm == conv_algorithm::im2col_gemm);
  if (a.db) conv_channel_sums(cuda{}, a.dy, a.batch, g.channels, g.height * g.width, a.db);
  float* col = a.workspace;                                                             // im2col(dy)
  float* xm = col + a.batch * conv_transpose2d_im2col_layout::of(g, in_channels).col;  // x channel-major, from forward
  conv2d_im2col_batch(cuda{}, g, a.dy, col, a.batch);
  conv2d_im2col_gemm_backward_weights(cuda{}, g, in_channels, xm, col, a.dw, a.batch);
  if (a.dx)
    conv2d_im2col_gemm_forward(cuda{}, g, in_channels, a.dy, a.w, nullptr, a.dx, col, xm, a.batch, /*lowered=*/true);
}

}  // namespace lamina::kernels
