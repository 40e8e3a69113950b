#pragma once
// The bundled photographs and textures (scikit-image's sample data; public domain or CC0, see
// data/README.md), loaded by name as float [C, H, W] in [0, 1].
//
//   Tensor sky   = lm::data::load_photo("rocket");            // [3, 427, 640]
//   for (const auto& p : lm::data::photos) std::puts(p.file.data());  // the names
//   Tensor grass = lm::data::load_photo("grass.png");         // [1, 512, 512] (grey)
//   Tensor rgb   = lm::data::load_photo("grass", 3);          // [3, 512, 512] (grey replicated)
#include <algorithm>
#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "data_dir.hpp"
#include "error.hpp"
#include "image_io.hpp"

namespace lamina::data {

/// A bundled photo: its file, its size as stored and what it shows.
struct photo_info {
  std::string_view file;  ///< File name in data/images, e.g. "rocket.jpg".
  /// Shape [C, H, W] as stored: C is 1 (grey) or 3 (colour).
  ///@{
  std::size_t channels, height, width;
  ///@}
  std::string_view content;  ///< What the photo shows.
};

/// The photos in data/images, with their sizes as stored.
inline constexpr std::array<photo_info, 10> photos = {{
    {"astronaut.png", 3, 512, 512, "Eileen Collins, NASA"},
    {"coffee.png", 3, 400, 600, "cup of coffee"},
    {"chelsea.png", 3, 300, 451, "cat"},
    {"rocket.jpg", 3, 427, 640, "SpaceX launch, mostly sky (low frequencies)"},
    {"hubble_deep_field.jpg", 3, 872, 1000, "Hubble eXtreme Deep Field"},
    {"retina.jpg", 3, 1411, 1411, "fundus photograph"},
    {"grass.png", 1, 512, 512, "grass texture (high frequencies)"},
    {"brick.png", 1, 512, 512, "brick wall texture"},
    {"gravel.png", 1, 512, 512, "gravel texture"},
    {"camera.png", 1, 512, 512, "cameraman replacement"},
}};

/// "rocket" or "rocket.jpg" -> data/images/rocket.jpg; other names are taken as file names
/// under data/images (or as a path, when one with that name exists).
inline std::filesystem::path photo_path(std::string_view name) {
  for (const auto& p : photos) {
    const auto stem = p.file.substr(0, p.file.find('.'));
    if (name == p.file || name == stem) return data_path(std::filesystem::path("images") / std::string(p.file));
  }
  std::error_code ec;
  if (std::filesystem::is_regular_file(std::filesystem::path(name), ec)) return std::filesystem::path(name);
  return data_path(std::filesystem::path("images") / std::string(name));
}

/// Replicates a grey [1, H, W] image to [3, H, W]; [3, H, W] is returned unchanged.
LAMINA_INLINE Tensor to_rgb(Tensor image);

namespace detail {
// load_photo() once the file is found, compiled in lamina::compiled. photo_path() stays inline,
// in the caller's translation unit, where LAMINA_DATA_DIR_DEFAULT may be set.
LAMINA_INLINE Tensor load_photo_file(const std::filesystem::path& file, std::size_t channels);
}  // namespace detail

/// The photo as float [C, H, W] in [0, 1]. channels = 0 keeps the file's channels (1 for grey,
/// 3 for colour; an alpha channel is dropped); 3 replicates grey images to RGB; 1 converts
/// colour to grey (stb's luma, 77/150/29 per 256).
inline Tensor load_photo(std::string_view name, std::size_t channels = 0) {
  if (channels != 0 && channels != 1 && channels != 3)
    throw std::invalid_argument("lamina::data::load_photo: cannot give " + std::to_string(channels) +
                                " channels; ask for 0 (as stored), 1 (grey) or 3 (RGB)");
  return detail::load_photo_file(photo_path(name), channels);
}

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "photos-inl.hpp"
#endif
