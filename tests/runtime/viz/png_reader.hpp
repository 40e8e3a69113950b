#pragma once
// Test helper: reads a PNG back with stb_image (lamina's internal-linkage build of it, so any
// number of test translation units may include it), and small pixel queries on the result.
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include <lamina/data/detail/stb_image.hpp>  // stb_image with internal linkage, as lamina uses it
#include <lamina/viz/color.hpp>

namespace lamina_test {

struct png_image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;  // row-major, 3 bytes per pixel
  lamina::viz::rgb at(int x, int y) const {
    const std::size_t i = (std::size_t(y) * std::size_t(width) + std::size_t(x)) * 3;
    return {rgb[i], rgb[i + 1], rgb[i + 2]};
  }
  // Pixels of colour c in [x0, x1) x [y0, y1).
  std::size_t count(lamina::viz::rgb c, int x0, int y0, int x1, int y1) const {
    std::size_t n = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) n += at(x, y) == c;
    return n;
  }
  std::size_t count(lamina::viz::rgb c) const { return count(c, 0, 0, width, height); }
};

inline png_image read_png(const std::filesystem::path& path) {
  png_image out;
  int channels = 0;
  unsigned char* p = stbi_load(path.string().c_str(), &out.width, &out.height, &channels, 3);
  if (!p) throw std::runtime_error(path.string() + ": stb_image cannot read it: " + stbi_failure_reason());
  out.rgb.assign(p, p + std::size_t(out.width) * std::size_t(out.height) * 3);
  stbi_image_free(p);
  return out;
}

// A fresh, empty directory under the system temp dir.
inline std::filesystem::path fresh_dir(const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path d = fs::temp_directory_path() / ("lamina_viz_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace lamina_test
