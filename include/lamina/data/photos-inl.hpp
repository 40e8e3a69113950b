#pragma once
// Definitions for photos.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "image_io.hpp"
#include "photos.hpp"

namespace lamina::data {

LAMINA_INLINE Tensor to_rgb(Tensor image) {
  if (image.shape().rank != 3 || (image.shape()[0] != 1 && image.shape()[0] != 3))
    throw std::invalid_argument("lamina::data::to_rgb: expected an image [1 or 3, H, W], got " +
                                to_string(image.shape()));
  if (image.shape()[0] == 3) return image;
  const std::size_t plane = image.shape()[1] * image.shape()[2];
  Tensor rgb(make_dims(3, image.shape()[1], image.shape()[2]));
  for (std::size_t c = 0; c < 3; ++c) std::copy(image.begin(), image.begin() + plane, rgb.begin() + c * plane);
  return rgb;
}

namespace detail {

LAMINA_INLINE Tensor load_photo_file(const std::filesystem::path& file, std::size_t channels) {
  image_read_options opt;
  opt.channels = channels == 1 ? image_channels::gray : channels == 3 ? image_channels::rgb : image_channels::keep;
  float_image img = read_image(file, opt);
  const std::size_t c = img.channels == 4 ? 3 : img.channels;  // keep: drop alpha
  Tensor t(make_dims(c, img.height, img.width));
  std::copy_n(img.data.begin(), t.size(), t.begin());
  return t;
}

}  // namespace detail

}  // namespace lamina::data
