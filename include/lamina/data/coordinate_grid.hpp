#pragma once
// Pixel coordinates -> colours, for implicit neural representations (an MLP that maps (x, y)
// in [0,1]^2 to a pixel's RGB, L335 regression tasks).
//
// Convention: sample k = row * W + col (row-major, the image's own pixel order) has
//   x = (col + 0.5) / W   (horizontal, left to right)
//   y = (row + 0.5) / H   (vertical, top to bottom)
// i.e. the centre of the pixel, in that order (x, y); targets are the pixel's C channel values.
//
//   Tensor img = lm::data::load_photo("rocket");           // [3, H, W]
//   auto set = lm::data::make_coordinate_set(img);          // coords [H*W, 2], targets [H*W, 3]
//   Tensor up = lm::data::coordinate_grid(4 * H, 4 * W);    // [16*H*W, 2]: a 4x denser grid
//   Tensor pred_img = lm::data::grid_to_image(prediction, 4 * H, 4 * W);  // [H*W*16, 3] -> [3, 4H, 4W]
#include <cstddef>
#include <stdexcept>
#include <string>

#include "../core/config.hpp"
#include "../core/tensor.hpp"

namespace lamina::data {

/// The centres of an H x W pixel grid as [H*W, 2] rows (x, y), row-major (see above).
/// Pixel (row, col) gives x = (col + 0.5) / W and y = (row + 0.5) / H, both in (0, 1).
LAMINA_INLINE Tensor coordinate_grid(std::size_t height, std::size_t width);

/// An image as (coordinate, colour) pairs for an implicit neural representation, made by
/// make_coordinate_set().
struct coordinate_set {
  /// Inputs [H*W, 2]: the (x, y) centre of each pixel in (0, 1), row-major.
  Tensor coords;
  /// Targets [H*W, C]: each pixel's channel values, in the order of coords.
  Tensor targets;
  /// The image's shape [C, H, W], for grid_to_image().
  ///@{
  std::size_t channels = 0, height = 0, width = 0;
  ///@}
};

/// An image [C, H, W] as (coordinate, colour) pairs.
LAMINA_INLINE coordinate_set make_coordinate_set(ConstTensorView image);
/// An image tensor [C, H, W] as (coordinate, colour) pairs.
inline coordinate_set make_coordinate_set(const Tensor& image) { return make_coordinate_set(image.view()); }

/// Per-pixel rows [H*W, C] (e.g. a network's predictions on coordinate_grid(H, W)) back to an
/// image [C, H, W].
LAMINA_INLINE Tensor grid_to_image(ConstTensorView rows, std::size_t height, std::size_t width);

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "coordinate_grid-inl.hpp"
#endif
