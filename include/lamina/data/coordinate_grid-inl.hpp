#pragma once
// Definitions for coordinate_grid.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>
#include <stdexcept>
#include <string>

#include "coordinate_grid.hpp"

namespace lamina::data {

LAMINA_INLINE Tensor coordinate_grid(std::size_t height, std::size_t width) {
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

LAMINA_INLINE coordinate_set make_coordinate_set(ConstTensorView image) {
  if (image.shape.rank != 3)
    throw std::invalid_argument("lamina::data::make_coordinate_set: expected an image [C, H, W], got " +
                                to_string(image.shape));
  const std::size_t c = image.shape[0], h = image.shape[1], w = image.shape[2];
  coordinate_set s{coordinate_grid(h, w), Tensor(make_dims(h * w, c)), c, h, w};
  for (std::size_t k = 0; k < c; ++k)
    for (std::size_t i = 0; i < h * w; ++i) s.targets[i * c + k] = image.data[k * h * w + i];
  return s;
}

LAMINA_INLINE Tensor grid_to_image(ConstTensorView rows, std::size_t height, std::size_t width) {
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
