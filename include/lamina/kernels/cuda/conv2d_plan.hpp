#pragma once
// The CUDA backend's convolution plans (common/conv_plan.hpp): im2col + cuBLAS GEMM for every
// pass (conv2d_im2col_gemm.cuh), Conv2d's input gradient as the convolution of dy where the CPU's
// im2col path takes it too (stride 1, P <= D(K-1), In > Out), else GEMM + col2im. No fused
// epilogue. Plain C++, so that host code can read the CUDA plan too.
#include <cstddef>

#include "../../core/backend.hpp"
#include "../common/conv_geometry.hpp"
#include "../common/conv_plan.hpp"

namespace lamina::kernels {

/// Conv2d on CUDA: im2col + cuBLAS GEMM, dx as a convolution of dy where that lowers less.
template <>
constexpr conv2d_policy conv2d_plan<cuda>(const conv_geometry& g, std::size_t out) {
  const conv_dx_algorithm dx =
      conv_dx_is_convolution(g) && g.channels > out ? conv_dx_algorithm::convolution : conv_dx_algorithm::col2im;
  return {.algorithm = conv_algorithm::im2col_gemm, .dx = dx, .same_padding = false, .relu_epilogue = false,
          .workspace = conv2d_im2col_layout::of(g, out, dx).total()};
}

/// ConvTranspose2d on CUDA: im2col + cuBLAS GEMM for every pass.
template <>
constexpr conv_transpose2d_policy conv_transpose2d_plan<cuda>(const conv_geometry& g, std::size_t in) {
  return {conv_algorithm::im2col_gemm, conv_transpose2d_im2col_layout::of(g, in).total()};
}

}  // namespace lamina::kernels
