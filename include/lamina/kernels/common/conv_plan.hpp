#pragma once
// How a backend computes a convolution layer: its plan. Each backend chooses the algorithm of
// each pass and the workspace it needs, at compile time, by specialising
//
//   kernels::conv2d_plan<Backend>(geometry, out_channels)            -> conv2d_policy
//   kernels::conv_transpose2d_plan<Backend>(geometry, in_channels)   -> conv_transpose2d_policy
//
// (kernels/cpu/conv2d_plan.hpp, kernels/cuda/conv2d_plan.hpp), and carries it out in one entry
// point per pass, overloaded on the backend tag:
//
//   kernels::conv2d_forward(backend, plan, geometry, out_channels, conv_forward_args)
//   kernels::conv2d_backward(backend, plan, geometry, out_channels, conv_backward_args)
//   kernels::conv_transpose2d_forward / conv_transpose2d_backward(backend, plan, geometry, in_channels, ...)
//
// The geometry is the convolution's (common/conv_geometry.hpp): Conv2d's image is its input,
// ConvTranspose2d's its output.
#include <algorithm>
#include <cstddef>

#include "../../core/type_list.hpp"
#include "conv_geometry.hpp"

namespace lamina::kernels {

/// How the convolution's forward product (and the weight gradient beside it) reads the image.
enum class conv_algorithm : unsigned char {
  im2col_gemm,    ///< lowered into a matrix (im2col), then one GEMM; the lowered image kept to backward
  implicit_gemm,  ///< padded once and read in place by the GEMMs (a frame); the frame kept to backward
};

/// How Conv2d's input gradient is computed.
enum class conv_dx_algorithm : unsigned char {
  col2im,                ///< GEMM (k = out channels) then col2im
  convolution,           ///< dy convolved with the rotated kernel (conv_dx_geometry): im2col + GEMM
  implicit_convolution,  ///< the same convolution as an implicit GEMM
};

/// Conv2d's plan on one backend: the algorithm of each pass and the workspace it needs,
/// chosen at compile time by conv2d_plan.
struct conv2d_policy {
  conv_algorithm algorithm;  ///< forward and weight gradient
  conv_dx_algorithm dx;      ///< How the input gradient is computed.
  bool same_padding;         ///< implicit dx with 2P = D(K-1): dy's frames for dx and dW are one buffer
  bool relu_epilogue;        ///< forward applies a following ReLU, backward its gradient (fused epilogue)
  std::size_t workspace;     ///< floats per sample, kept from forward to backward
};

/// ConvTranspose2d's plan on one backend, chosen at compile time by conv_transpose2d_plan.
/// ConvTranspose2d's forward is a convolution's input gradient (GEMM + col2im) on every backend;
/// its backward is the convolution's forward over dy.
struct conv_transpose2d_policy {
  /// Algorithm of the backward pass (the forward is always GEMM + col2im).
  conv_algorithm algorithm;
  std::size_t workspace;     ///< floats per sample
};

/// Arguments of a convolution layer's passes; every pointer is backend memory.
/// These are the forward pass's (conv2d_forward, conv_transpose2d_forward).
struct conv_forward_args {
  const float* x;         ///< [batch, in channels, ...]
  /// The layer's weight: Conv2d's [Out, In/G, K, K], ConvTranspose2d's [In, Out/G, K, K].
  const float* w;
  /// Bias [out channels], or nullptr for none.
  const float* bias;
  float* y;               ///< [batch, out channels, ...]
  float* workspace;       ///< plan.workspace * batch floats, kept until backward
  std::size_t batch;      ///< Number of samples.
  bool relu = false;      ///< apply a ReLU to y (only where plan.relu_epilogue)
};
/// Arguments of a convolution layer's backward pass (conv2d_backward,
/// conv_transpose2d_backward); every pointer is backend memory.
struct conv_backward_args {
  const float* x;         ///< the forward input
  const float* dy;        ///< Gradient of the loss with respect to y, shaped like y.
  const float* w;         ///< The layer's weight, as in forward.
  /// Weight gradient, shaped like w: written, not accumulated.
  float* dw;
  /// Bias gradient [out channels], written; nullptr when the layer has no bias.
  float* db;
  /// Input gradient, shaped like x, written; nullptr when it is not needed.
  float* dx;
  float* workspace;       ///< as forward left it
  std::size_t batch;      ///< Number of samples.
  const float* relu_mask = nullptr;  ///< a fused ReLU's output: dy is then the ReLU's upstream gradient
};

/// The im2col + GEMM passes' workspace per sample, on every backend: the lowered image
/// [Cimg*K*K, P] (kept to backward; later dy lowered for dx), the columns channel-major [Ccol, P]
/// (later dx's staging), and the rotated weights (dx as a convolution).
struct conv2d_im2col_layout {
  /// Floats per sample of the lowered image (col), the columns channel-major (tmp) and the
  /// rotated weights (weights: zero unless dx is a convolution).
  ///@{
  std::size_t col, tmp, weights;
  ///@}
  /// Floats per sample in all.
  constexpr std::size_t total() const { return col + tmp + weights; }
  /// The layout for g with col_channels column-side channels and input-gradient algorithm dx.
  static constexpr conv2d_im2col_layout of(const conv_geometry& g, std::size_t col_channels, conv_dx_algorithm dx) {
    if (dx != conv_dx_algorithm::convolution) return {g.col_size(), col_channels * g.positions(), 0};
    return {std::max(g.col_size(), conv_dx_geometry(g, col_channels).col_size()),
            std::max(col_channels * g.positions(), g.image_size()), col_channels * g.col_rows() / g.groups};
  }
};
/// ConvTranspose2d's im2col + GEMM workspace per sample, on every backend.
/// ConvTranspose2d's: the lowered output [Cimg*K*K, P], then the input channel-major [Ccol, P]
/// (kept to backward, where it is the left factor of the weight gradient).
struct conv_transpose2d_im2col_layout {
  /// Floats per sample of the lowered output (col) and of the input channel-major (xm).
  ///@{
  std::size_t col, xm;
  ///@}
  constexpr std::size_t total() const { return col + xm; }  ///< Floats per sample in all.
  /// The layout for g with col_channels column-side (input) channels.
  static constexpr conv_transpose2d_im2col_layout of(const conv_geometry& g, std::size_t col_channels) {
    return {g.col_size(), col_channels * g.positions()};
  }
};

// The plans, specialised per backend; a backend without one says so here.
/// Conv2d's plan on Backend for a geometry (seen from the input) and a number of output
/// channels; each backend specialises it, and the primary template is a compile-time error.
template <class Backend>
constexpr conv2d_policy conv2d_plan(const conv_geometry&, std::size_t) {
  static_assert(::lamina::detail::always_false<Backend>,
                "lamina: no conv2d_plan for this backend in this translation unit. For lamina::cuda, "
                "compile the file as CUDA (nvcc, a .cu file) and include <lamina/lamina.hpp>.");
  return {};
}
/// ConvTranspose2d's plan on Backend for a geometry (seen from the output) and a number of
/// input channels; each backend specialises it, and the primary template is a compile-time
/// error.
template <class Backend>
constexpr conv_transpose2d_policy conv_transpose2d_plan(const conv_geometry&, std::size_t) {
  static_assert(::lamina::detail::always_false<Backend>,
                "lamina: no conv_transpose2d_plan for this backend in this translation unit. For "
                "lamina::cuda, compile the file as CUDA (nvcc, a .cu file) and include <lamina/lamina.hpp>.");
  return {};
}

}  // namespace lamina::kernels
