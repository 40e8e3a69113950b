#pragma once
// ConvTranspose2d's passes on the CPU, as its plan (conv2d_plan.hpp) says: one entry point per
// pass. It is the adjoint of a convolution whose image is the output (g: that convolution):
//
//   conv_transpose2d_forward   y = col2im(W^T x x) (+ bias), the convolution's input gradient;
//                              leaves x channel-major in the workspace
//   conv_transpose2d_backward  dW, db and dx: the convolution's forward over dy, by im2col + GEMM
//                              (reusing x channel-major) or implicit GEMMs from dy's frame
#include <cstddef>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/conv_geometry.hpp"
#include "../common/conv_plan.hpp"
#include "conv2d_plan.hpp"

namespace lamina::kernels {

/// ConvTranspose2d's forward pass on the CPU (torch.nn.ConvTranspose2d), by the algorithm
/// plan picked.
/// x [batch, In, h, w] -> y [batch, Out, H, W]; g.channels = Out, g.out_h x g.out_w = h x w.
LAMINA_INLINE void conv_transpose2d_forward(cpu, const conv_transpose2d_policy& plan, const conv_geometry& g,
                                            std::size_t in_channels, const conv_forward_args& a);

/// ConvTranspose2d's backward pass on the CPU: dW, db and dx from dy and the workspace
/// forward left (the convolution's forward over dy).
LAMINA_INLINE void conv_transpose2d_backward(cpu, const conv_transpose2d_policy& plan, const conv_geometry& g,
                                             std::size_t in_channels, const conv_backward_args& a);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "conv_transpose2d-inl.hpp"
#endif
