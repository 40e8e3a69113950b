#pragma once
// The geometry of 2-D pooling over [planes, H, W] (planes = batch * channels), for every backend.
#include <cstddef>

#include "../../core/config.hpp"

namespace lamina::kernels {

/// The geometry of 2-D pooling with a square window over [planes, H, W] (planes = batch *
/// channels), as torch.nn.MaxPool2d and AvgPool2d see it.
struct pool2d_geometry {
  /// Planes, input height and width, window size K, stride, zero padding per side, and output
  /// height and width.
  ///@{
  std::size_t planes, height, width, kernel, stride, padding, out_height, out_width;
  ///@}
  std::size_t dilation = 1;  ///< Spacing of a window's taps (max pooling's dilation).
  /// Whether an average counts the padding (PyTorch's count_include_pad, true by default).
  bool count_include_pad = true;
  LAMINA_HOST_DEVICE std::size_t in_plane() const { return height * width; }  ///< Floats per input plane, H * W.
  /// Floats per output plane, OH * OW.
  LAMINA_HOST_DEVICE std::size_t out_plane() const { return out_height * out_width; }
  /// Input rows (or columns) a window spans, dilation (K - 1) + 1.
  LAMINA_HOST_DEVICE std::size_t extent() const { return dilation * (kernel - 1) + 1; }
  /// Whether every window lies within the padded input; ceil_mode's last windows may overhang it.
  LAMINA_HOST_DEVICE bool windows_inside() const {
    return (out_height - 1) * stride + extent() <= height + 2 * padding &&
           (out_width - 1) * stride + extent() <= width + 2 * padding;
  }
};

}  // namespace lamina::kernels
