#pragma once
// The geometry of 2-D pooling over [planes, H, W] (planes = batch * channels), for every backend.
#include <cstddef>

namespace lamina::kernels {

/// The geometry of 2-D pooling with a square window over [planes, H, W] (planes = batch *
/// channels), as torch.nn.MaxPool2d and AvgPool2d see it.
struct pool2d_geometry {
  /// Planes, input height and width, window size K, stride, zero padding per side, and output
  /// height and width.
  ///@{
  std::size_t planes, height, width, kernel, stride, padding, out_height, out_width;
  ///@}
  std::size_t in_plane() const { return height * width; }  ///< Floats per input plane, H * W.
  /// Floats per output plane, OH * OW.
  std::size_t out_plane() const { return out_height * out_width; }
};

}  // namespace lamina::kernels
