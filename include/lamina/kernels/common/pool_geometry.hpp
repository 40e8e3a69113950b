#pragma once
// The geometry of 2-D pooling over [planes, H, W] (planes = batch * channels), for every backend.
#include <cstddef>

namespace lamina::kernels {

struct pool2d_geometry {
  std::size_t planes, height, width, kernel, stride, padding, out_height, out_width;
  std::size_t in_plane() const { return height * width; }
  std::size_t out_plane() const { return out_height * out_width; }
};

}  // namespace lamina::kernels
