#pragma once
// Conv2d's passes on the CPU, as its plan (conv2d_plan.hpp) says: one entry point per pass.
//
//   conv2d_forward   y = W * x (+ bias) (then ReLU, fused), leaving in the workspace what
//                    backward reads: x's frame (implicit path) or x lowered (im2col path)
//   conv2d_backward  dW, db and dx from dy and that workspace
#include <cstddef>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/conv_geometry.hpp"
#include "../common/conv_plan.hpp"
#include "conv2d_plan.hpp"

namespace lamina::kernels {

/// Conv2d's forward pass on the CPU (torch.nn.Conv2d), by the algorithm plan picked.
/// x [batch, In, H, W] -> y [batch, Out, OH, OW]; g: the convolution seen from x (image = x).
LAMINA_INLINE void conv2d_forward(cpu, const conv2d_policy& plan, const conv_geometry& g, std::size_t out_channels,
                                  const conv_forward_args& a);

/// Conv2d's backward pass on the CPU: dW, db and dx from dy and the workspace forward left.
/// With a.relu_mask (plan.relu_epilogue), dy is masked by it where the path reads dy.
LAMINA_INLINE void conv2d_backward(cpu, const conv2d_policy& plan, const conv_geometry& g, std::size_t out_channels,
                                   const conv_backward_args& a);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "conv2d-inl.hpp"
#endif
