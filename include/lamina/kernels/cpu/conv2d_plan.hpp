#pragma once
// The CPU's convolution plans (common/conv_plan.hpp). Forward and weight gradient use the
// implicit-im2col GEMMs (conv2d_implicit_gemm.hpp) when the padded frame wastes little
// (conv_implicit_pays), else im2col + GEMM (conv2d_im2col_gemm.hpp). Conv2d's input gradient:
//   - implicit path: the convolution of dy with the rotated kernel as an implicit GEMM when dx is
//     a convolution (stride 1, P <= D(K-1)) and there are at least 4 input channels (fewer: the
//     dx GEMM would have too few rows), else GEMM + col2im. `same` padding (2P = D(K-1)) makes
//     dy's frame for dx and its frame for dW one buffer, shifted;
//   - im2col path: the convolution of dy (im2col + GEMM, k = Out*K*K) instead of GEMM (k = Out)
//     + col2im when it lowers less than col2im would scatter, i.e. In > Out (measured: 32->16 3x3
//     at 16x16 ~15% faster; 16->32 and 1->16 slower, the latter much: its GEMM would have one row).
// A following ReLU is fused on the implicit path where backward frames dy once, from the layer's
// own dy (col2im dx, or same padding).
#include <algorithm>
#include <cstddef>

#include "../../core/backend.hpp"
#include "../common/conv_frame.hpp"
#include "../common/conv_geometry.hpp"
#include "../common/conv_plan.hpp"

namespace lamina::kernels {

namespace detail {

// Per sample: x's frame (kept to backward), then the forward's staging [Out, T], or the
// backward's dy frame(s), dx staging and rotated weights (implicit dx), or dy's frame, dy
// channel-major and the col2im scratch.
constexpr std::size_t conv2d_implicit_workspace(const conv_geometry& g, std::size_t out, bool dx_implicit,
                                                bool same_padding) {
  const std::size_t fx = conv_implicit_frame_size(g), tx = conv_frame::of(g).size;
  std::size_t bwd = out * tx + out * g.positions() + g.col_size();
  if (dx_implicit) {
    const std::size_t td = conv_frame::of(conv_dx_geometry(g, out)).size;
    bwd = out * td + (same_padding ? 0 : out * tx) + g.channels * td + out * g.col_rows() / g.groups;
  }
  return fx + std::max(out * tx, bwd);
}

// ConvTranspose2d's implicit backward: dy's frame, x in that frame layout, dx staging.
constexpr std::size_t conv_transpose2d_implicit_workspace(const conv_geometry& g, std::size_t in) {
  return conv_implicit_frame_size(g) + 2 * in * conv_frame::of(g).size;
}

}  // namespace detail

/// The CPU's Conv2d plan: implicit GEMMs where conv_implicit_pays, else im2col + GEMM, with
/// the input-gradient algorithm and ReLU fusion that pay for g and out output channels.
template <>
constexpr conv2d_policy conv2d_plan<cpu>(const conv_geometry& g, std::size_t out) {
  const std::size_t in = g.channels;
  if (conv_implicit_pays(g)) {
    const bool dx_implicit = conv_dx_is_convolution(g) && in >= 4;
    const bool same = dx_implicit && 2 * g.padding == g.dilation * (g.kernel - 1);
    return {.algorithm = conv_algorithm::implicit_gemm,
            .dx = dx_implicit ? conv_dx_algorithm::implicit_convolution : conv_dx_algorithm::col2im,
            .same_padding = same,
            .relu_epilogue = same || !dx_implicit,
            .workspace = detail::conv2d_implicit_workspace(g, out, dx_implicit, same)};
  }
  const conv_dx_algorithm dx =
      conv_dx_is_convolution(g) && in > out ? conv_dx_algorithm::convolution : conv_dx_algorithm::col2im;
  return {.algorithm = conv_algorithm::im2col_gemm, .dx = dx, .same_padding = false, .relu_epilogue = false,
          .workspace = conv2d_im2col_layout::of(g, out, dx).total()};
}

/// The CPU's ConvTranspose2d plan for g (seen from the output) and `in` input channels.
/// Forward is always GEMM + col2im, whose workspace (the input channel-major) backward keeps only
/// on the im2col path; the implicit backward reframes x instead.
template <>
constexpr conv_transpose2d_policy conv_transpose2d_plan<cpu>(const conv_geometry& g, std::size_t in) {
  const std::size_t gemm = conv_transpose2d_im2col_layout::of(g, in).total();
  if (conv_implicit_pays(g))
    return {conv_algorithm::implicit_gemm, std::max(gemm, detail::conv_transpose2d_implicit_workspace(g, in))};
  return {conv_algorithm::im2col_gemm, gemm};
}

}  // namespace lamina::kernels
