#pragma once
// Definitions for png.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../io/atomic_file.hpp"
#include "detail/stb_image_write.hpp"
#include "png.hpp"

namespace lamina::viz {

LAMINA_INLINE std::vector<unsigned char> encode_png(const image& img) {
  if (img.empty()) throw std::invalid_argument("viz::encode_png: the image is empty");
  std::vector<unsigned char> bytes;
  auto append = [](void* ctx, void* data, int size) {
    auto* out = static_cast<std::vector<unsigned char>*>(ctx);
    const auto* p = static_cast<const unsigned char*>(data);
    out->insert(out->end(), p, p + size);
  };
  if (!stbi_write_png_to_func(append, &bytes, img.width(), img.height(), 3, img.data(), img.width() * 3))
    throw std::runtime_error("viz::encode_png: stb_image_write failed to encode a " +
                             std::to_string(img.width()) + "x" + std::to_string(img.height()) + " image");
  return bytes;
}

LAMINA_INLINE void save_png(const std::filesystem::path& path, const image& img) {
  const std::vector<unsigned char> bytes = encode_png(img);
  io::write_atomically(path, [&](std::ostream& out) {
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  });
}

}  // namespace lamina::viz
