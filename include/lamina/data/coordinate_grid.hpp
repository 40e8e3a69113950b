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

#include "../core/tensor.hpp"

namespace lamina::data {

// The centres of an H x W pixel grid as [H*W, 2] rows (x, y), row-major (see above).
inline Tensor coordinate_grid(std::size_t height, std::size_t width) {
  if (height == 0 || width == 0) throw std::invalid_argument("lamina::data::coordinate_grid: empty grid");
  Tensor g(make_dims(height * width, 2));
  for (std::size_t r = 0; r < height; ++r) {
    const float y = float((double(r) + 0.5) / double(height));
    for (std::size_t c = 0; c < width; ++c) {
      float* p = g.data() + (r * width + c) * 2;
      p[0] = float((double(c) + 0.5) / double(width));
      p[1] = y;
    }
  }
  return g;
}

struct coordinate_set {
  Tensor coords;    // [H*W, 2]  (x, y) pixel centres in (0, 1)
  Tensor targets;   // [H*W, C]  pixel values
  std::size_t channels = 0, height = 0, width = 0;
};

// An image [C, H, W] as (coordinate, colour) pairs.
inline coordinate_set make_coordinate_set(ConstTensorView image) {
  if (image.shape.rank != 3)
    throw std::invalid_argument("lamina::data::make_coordinate_set: expected an image [C, H, W], got " +
                                to_string(image.shape));
  const std::size_t c = image.shape[0], h = image.shape[1], w = image.shape[2];
  coordinate_set s{coordinate_grid(h, w), Tensor(make_dims(h * w, c)), c, h, w};
  for (std::size_t k = 0; k < c; ++k)
    for (std::size_t i = 0; i < h * w; ++i) s.targets[i * c + k] = image.data[k * h * w + i];
  return s;
}
inline coordinate_set make_coordinate_set(const Tensor& image) { return make_coordinate_set(image.view()); }

// Per-pixel rows [H*W, C] (e.g. a network's predictions on coordinate_grid(H, W)) back to an
// image [C, H, W].
inline Tensor grid_to_image(ConstTensorView rows, std::size_t height, std::size_t width) {
  if (rows.shape.rank != 2 || rows.shape[0] != height * width)
    throw std::invalid_argument("lamina::data::grid_to_image: expected [" + std::to_string(height * width) +
                                ", C] rows for a " + std::to_string(height) + "x" + std::to_string(width) +
                                " grid, got " + to_string(rows.shape));
  const std::size_t c = rows.shape[1];
  Tensor img(make_dims(c, height, width));
  for (std::size_t k = 0; k < c; ++k)
    for (std::size_t i = 0; i < height * width; ++i) img[k * height * width + i] = rows.data[i * c + k];
  return img;
}

}  // namespace lamina::data
