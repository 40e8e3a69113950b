#pragma once
// Definitions for conv2d.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cassert>
#include <cstddef>

#include "../common/conv_frame.hpp"
#include "conv2d.hpp"
#include "conv2d_im2col_gemm.hpp"
#include "conv2d_implicit_gemm.hpp"

namespace lamina::kernels::detail {

// dW from x's frame (kept by forward) and dy framed like it; dx as the forward of the dx
// convolution (dy padded by D(K-1) - P, rotated weights), or GEMM + col2im.
LAMINA_INLINE void conv2d_implicit_backward(const conv2d_policy& plan, const conv_geometry& g, std::size_t out,
                                            const conv_backward_args& a) {
  const conv_frame fx = conv_frame::of(g);
  const std::size_t n = a.batch;
  const float* x_frame = a.workspace;
  float* scratch = a.workspace + n * conv_implicit_frame_size(g);
  if (plan.dx != conv_dx_algorithm::implicit_convolution) {
    float* dyx_frame = scratch;                         // dy in x's frame [Out, batch, T]
    float* dym = dyx_frame + n * out * fx.size;         // dy channel-major [Out, batch*P]
    float* col = dym + n * out * g.positions();         // col2im scratch
    conv_frame_batch(cpu{}, a.dy, out, g.out_h, g.out_w, dyx_frame, n, fx.size, fx.width, 0, 0, a.relu_mask);
    if (a.db && a.relu_mask) conv_channel_sums(cpu{}, dyx_frame, 1, out, n * fx.size, a.db);
    conv2d_implicit_backward_weights(cpu{}, g, out, dyx_frame, n * fx.size, x_frame, a.dw, n);
    if (!a.dx) return;
    conv_channel_major(cpu{}, a.dy, dym, n, out, g.positions(), a.relu_mask);
    conv2d_im2col_gemm_backward_data(cpu{}, g, out, dym, a.w, a.dx, col, n);
    return;
  }
  const conv_geometry gd = conv_dx_geometry(g, out);
  const conv_frame fd = conv_frame::of(gd);
  float* dy_frame = scratch;                          // [Out, batch, Td]
  float* dyx_frame = dy_frame + n * out * fd.size;    // dy in x's frame [Out, batch, T] (unless same)
  float* dx_tmp = dyx_frame + (plan.same_padding ? 0 : n * out * fx.size);  // [In, batch*Td]
  float* wf = dx_tmp + n * g.channels * fd.size;                            // [In, Out/G*K*K]
  if (plan.same_padding) {
    // dy at (P', P') of its frame is dy at (0, 0) of x's (same sizes); the borders are zero.
    conv_frame_batch(cpu{}, a.dy, out, g.out_h, g.out_w, dy_frame, n, fd.size, fd.width, fd.pad, fd.pad,
                     a.relu_mask);
    if (a.db && a.relu_mask) conv_channel_sums(cpu{}, dy_frame, 1, out, n * fd.size, a.db);
    conv2d_implicit_backward_weights(cpu{}, g, out, dy_frame + fd.pad * (fd.width + 1), n * fd.size, x_frame,
                                     a.dw, n);
  } else {
    assert(!a.relu_mask && "no fused ReLU without same padding (see conv2d_plan<cpu>)");
    conv_frame_batch(cpu{}, a.dy, out, g.out_h, g.out_w, dyx_frame, n, fx.size, fx.width, 0, 0);
    conv2d_implicit_backward_weights(cpu{}, g, out, dyx_frame, n * fx.size, x_frame, a.dw, n);
  }
  if (!a.dx) return;
  conv_flip_weights(cpu{}, a.w, wf, out, g.channels, g.kernel, g.groups);
  conv2d_implicit_forward(cpu{}, gd, g.channels, a.dy, wf, nullptr, a.dx, dy_frame, dx_tmp, n,
                          /*framed=*/plan.same_padding);
}

}  // namespace lamina::kernels::detail

namespace lamina::kernels {

LAMINA_INLINE void conv2d_forward(cpu, const conv2d_policy& plan, const conv_geometry& g, std::size_t out_channels,
                                  const conv_forward_args& a) {
  if (plan.algorithm == conv_algorithm::implicit_gemm) {
    float* fx = a.workspace;                                  // x's frame
    float* tmp = fx + a.batch * conv_implicit_frame_size(g);  // [Out, batch*T]
    conv2d_implicit_forward(cpu{}, g, out_channels, a.x, a.w, a.bias, a.y, fx, tmp, a.batch, /*framed=*/false,
                            a.relu);
    return;
  }
  assert(!a.relu && "a ReLU is fused only where the plan says so");
  float* col = a.workspace;                                                                    // [In*K*K, batch*P]
  float* tmp = col + a.batch * conv2d_im2col_layout::of(g, out_channels, plan.dx).col;       // [Out, batch*P]
  conv2d_im2col_gemm_forward(cpu{}, g, out_channels, a.x, a.w, a.bias, a.y, col, tmp, a.batch);
}

LAMINA_INLINE void conv2d_backward(cpu, const conv2d_policy& plan, const conv_geometry& g, std::size_t out_channels,
                                   const conv_backward_args& a) {
  const std::size_t P = g.positions();
  // (With a fused ReLU, the implicit path sums the masked dy it frames.)
  if (a.db && !a.relu_mask) conv_channel_sums(cpu{}, a.dy, a.batch, out_channels, P, a.db);
  if (plan.algorithm == conv_algorithm::implicit_gemm)
    return detail::conv2d_implicit_backward(plan, g, out_channels, a);
  assert(!a.relu_mask && "a ReLU is fused only where the plan says so");
  const conv2d_im2col_layout l = conv2d_im2col_layout::of(g, out_channels, plan.dx);
  float* col = a.workspace;                  // im2col(x), from forward
  float* dym = col + a.batch * l.col;        // dy channel-major [Out, batch*P]
  conv_channel_major(cpu{}, a.dy, dym, a.batch, out_channels, P);
  conv2d_im2col_gemm_backward_weights(cpu{}, g, out_channels, dym, col, a.dw, a.batch);
  if (!a.dx) return;
  if (plan.dx == conv_dx_algorithm::convolution) {
    float* wf = dym + a.batch * l.tmp;       // [In, Out/G*K*K]
    conv_flip_weights(cpu{}, a.w, wf, out_channels, g.channels, g.kernel, g.groups);
    conv2d_im2col_gemm_forward(cpu{}, conv_dx_geometry(g, out_channels), g.channels, a.dy, wf, nullptr, a.dx, col,
                               dym, a.batch);
  } else {
    conv2d_im2col_gemm_backward_data(cpu{}, g, out_channels, dym, a.w, a.dx, col, a.batch);
  }
}

}  // namespace lamina::kernels
