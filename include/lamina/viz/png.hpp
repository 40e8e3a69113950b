#pragma once
// PNG encoding of a viz::image (stb_image_write, zlib deflate), written atomically: the bytes go
// to a temporary file beside the target that is then renamed over it.
//
//   lm::viz::save_png("grid.png", lm::viz::grid(images));
//   std::vector<unsigned char> bytes = lm::viz::encode_png(img);
#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../io/atomic_file.hpp"
#include "image.hpp"

namespace lamina::viz {

/// The bytes of a PNG file of the image (8-bit RGB); throws std::invalid_argument for an empty
/// image.
LAMINA_INLINE std::vector<unsigned char> encode_png(const image& img);

/// Writes the image to `path` as a PNG, atomically (see above); throws std::runtime_error
/// naming the file when it cannot be written.
LAMINA_INLINE void save_png(const std::filesystem::path& path, const image& img);

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "png-inl.hpp"
#endif
