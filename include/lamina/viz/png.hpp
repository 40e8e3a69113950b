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

LAMINA_INLINE std::vector<unsigned char> encode_png(const image& img);

LAMINA_INLINE void save_png(const std::filesystem::path& path, const image& img);

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "png-inl.hpp"
#endif
