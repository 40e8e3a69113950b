#pragma once
// Shared by the image metrics (psnr.hpp, ssim.hpp, image_quality.hpp): how a pair of float image
// tensors is read. Accepted layouts, both tensors the same shape:
//   [N, C, H, W]  a batch of N images      [C, H, W]  one image      [H, W]  one grey image
// A shape mismatch throws std::invalid_argument naming both shapes.
#include <cstddef>
#include <stdexcept>
#include <string>

#include "../core/config.hpp"
#include "../core/tensor.hpp"

namespace lamina::metrics::detail {

struct image_layout {
  std::size_t n = 1, c = 1, h = 0, w = 0;
  std::size_t plane() const { return h * w; }
  std::size_t image() const { return c * h * w; }
  std::size_t planes() const { return n * c; }
};

LAMINA_INLINE image_layout image_pair_layout(ConstTensorView a, ConstTensorView b, const char* who);

LAMINA_INLINE void check_data_range(double data_range, const char* who);

}  // namespace lamina::metrics::detail

#ifndef LAMINA_COMPILED_LIB
#include "image_pair-inl.hpp"
#endif
