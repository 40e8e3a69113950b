#pragma once
// Definitions for conv_transpose2d.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>

#include "../common/conv_frame.hpp"
#include "conv2d_im2col_gemm.hpp"
#include "conv2d_implicit_gemm.hpp"
#include "conv_transpose2d.hpp"

namespace lamina::kernels {

LAMINA_INLINE void conv_transpose2d_forward(cpu, const conv_transpose2d_policy&, const conv_geometry& g,
                                            std::size_t in_channels, const conv_forward_args& a) {
  const std::size_t P = g.positions();
  float* col = a.workspace;                                                         // [Out*K*K, batch*P] scratch
  float* xm = col + a.batch * conv_transpose2d_im2col_layout::of(g, in_channels).col;  // x channel-major [In, batch*P]
  conv_channel_major(cpu{}, a.x, xm, a.batch, in_channels, P);
  conv2d_im2col_gemm_backward_data(cpu{}, g, in_channels, xm, a.w, a.y, col, a.batch);
  if (a.bias) conv_add_channel_bias(cpu{}, a.y, a.bias, a.batch, g.channels, g.height * g.width);
}

LAMINA_INLINE void conv_transpose2d_backward(cpu, const conv_transpose2d_policy& plan, const conv_geometry& g,
                                             std::size_t in_channels, const conv_backward_args& a) {
  const std::size_t n = a.batch;
  if (a.db) conv_channel_sums(cpu{}, a.dy, n, g.channels, g.height * g.width, a.db);
  if (plan.algorithm == conv_algorithm::implicit_gemm) {
    // dW = x x lowered(dy)^T and dx = W x lowered(dy), both from dy's frame.
    const conv_frame f = conv_frame::of(g);
    float* dy_frame = a.workspace;                                 // [Out, S, S, batch, T]
    float* x_frame = dy_frame + n * conv_implicit_frame_size(g);   // [In, batch, T], x at (0, 0)
    float* dx_tmp = x_frame + n * in_channels * f.size;            // [In, batch*T]
    conv_frame_image_batch(cpu{}, g, a.dy, dy_frame, n);
    conv_frame_batch(cpu{}, a.x, in_channels, g.out_h, g.out_w, x_frame, n, f.size, f.width, 0, 0);
    conv2d_implicit_backward_weights(cpu{}, g, in_channels, x_frame, n * f.size, dy_frame, a.dw, n);
    if (a.dx)
      conv2d_implicit_forward(cpu{}, g, in_channels, a.dy, a.w, nullptr, a.dx, dy_frame, dx_tmp, n, /*framed=*/true);
    return;
  }
  float* col = a.workspace;                                                     // im2col(dy)
  float* xm = col + n * conv_transpose2d_im2col_layout::of(g, in_channels).col;  // x channel-major, from forward
  conv2d_im2col_batch(cpu{}, g, a.dy, col, n);
  conv2d_im2col_gemm_backward_weights(cpu{}, g, in_channels, xm, col, a.dw, n);
  // dx = W x im2col(dy): the convolution's forward, on the lowered dy already in col
  // (xm is free now and serves as its scratch).
  if (a.dx) conv2d_im2col_gemm_forward(cpu{}, g, in_channels, a.dy, a.w, nullptr, a.dx, col, xm, n, /*lowered=*/true);
}

}  // namespace lamina::kernels
