#pragma once
// The frame of a convolution's image: the padded planes that an implicit-im2col GEMM reads in
// place (kernels/cpu/conv2d_implicit_gemm.hpp), and whether reading them pays.
#include <cstddef>

#include "conv_geometry.hpp"

namespace lamina::kernels {

/// The frame shape of a convolution's image side. With stride S > 1 each padded plane is split
/// into its S*S phases (rows a, a + S, ...; columns b, b + S, ...): the lowered row (c, ki, kj)
/// reads padded pixel (S*oh + ki*D, S*ow + kj*D), which is pixel (oh + u, ow + v) of phase (a, b)
/// where ki*D = S*u + a and kj*D = S*v + b: again a shifted plane, now Wp/S wide (rounded up).
/// Frame layout [C, S, S, batch, T], T = (phase rows + 1) * phase width.
struct conv_frame {
  /// Stride S, padding P, width of a phase plane (floats per row) and T, the floats of one
  /// sample's phase plane (spare row included).
  ///@{
  std::size_t stride, pad, width, size;  // S, P, phase-plane width, T
  ///@}
  /// The frame shape of g's image.
  static constexpr conv_frame of(const conv_geometry& g) {
    const std::size_t s = g.stride, w = (g.width + 2 * g.padding + s - 1) / s;
    return {s, g.padding, w, ((g.height + 2 * g.padding + s - 1) / s + 1) * w};
  }
};

/// Floats per sample of the frame.
constexpr std::size_t conv_implicit_frame_size(const conv_geometry& g) {
  const conv_frame f = conv_frame::of(g);
  return g.channels * f.stride * f.stride * f.size;
}

/// Whether the implicit path pays: the frame's positions (spare row and dropped columns
/// included) at most 1.5x the output's, so that the GEMMs do not grow much (small images: no).
constexpr bool conv_implicit_pays(const conv_geometry& g) { return 2 * conv_frame::of(g).size <= 3 * g.positions(); }

}  // namespace lamina::kernels
