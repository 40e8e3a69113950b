#pragma once
// Fashion-MNIST (Zalando): 70,000 28x28 grey images in 10 classes, shipped as IDX files.
// Debian/Ubuntu: `apt install dataset-fashion-mnist` puts them in /usr/share/datasets/fashion-mnist.
#include <lamina/data/error.hpp>
#include <lamina/data/idx.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace lamina::data {

inline constexpr std::array<std::string_view, 10> fashion_mnist_classes = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

// $LAMINA_FASHION_MNIST_DIR if set (and non-empty), else the Debian package's location.
inline std::filesystem::path fashion_mnist_default_dir() {
  if (const char* env = std::getenv("LAMINA_FASHION_MNIST_DIR"); env != nullptr && *env != '\0') return env;
  return "/usr/share/datasets/fashion-mnist";
}

enum class split { train, test };

// images as float [N, C, H, W] in [0,1] (pixel/255), labels int32 [N]
struct image_classification_set {
  std::size_t size = 0, channels = 1, height = 28, width = 28;
  std::vector<float> images;         // [N, C, H, W]
  std::vector<std::int32_t> labels;  // [N]
  std::size_t sample_size() const { return channels * height * width; }
  // Keeps only the first n samples (quick runs on a subset); no-op when n is 0 or >= size.
  void keep_first(std::size_t n) {
    if (n == 0 || n >= size) return;
    size = n;
    images.resize(n * sample_size());
    labels.resize(n);
  }
};

namespace detail {

// Prefer the .gz the distributions ship; accept an already-decompressed copy too.
inline std::filesystem::path fashion_mnist_file(const std::filesystem::path& dir, const std::string& stem) {
  const auto gz = dir / (stem + ".gz");
  const auto raw = dir / stem;
  std::error_code ec;
  if (std::filesystem::exists(gz, ec)) return gz;
  if (std::filesystem::exists(raw, ec)) return raw;
  throw format_error(gz, "cannot open",
                     "No such file or directory (also tried " + raw.string() +
                         "); install dataset-fashion-mnist or set LAMINA_FASHION_MNIST_DIR");
}

// Exact pixel/255 (a division, not a reciprocal multiply, so 255 maps to exactly 1.0f).
// Fixed-size inner blocks over restrict pointers: GCC's -O2 "very cheap" vectoriser only
// takes loops with a known trip count and no alias checks.
inline void u8_to_unit_float(const std::uint8_t* __restrict src, float* __restrict dst, std::size_t n) noexcept {
  constexpr std::size_t block = 64;
  std::size_t i = 0;
  for (; i + block <= n; i += block)
    for (std::size_t j = 0; j < block; ++j) dst[i + j] = static_cast<float>(src[i + j]) / 255.0f;
  for (; i < n; ++i) dst[i] = static_cast<float>(src[i]) / 255.0f;
}

}  // namespace detail

inline image_classification_set load_fashion_mnist(split s, const std::filesystem::path& dir = fashion_mnist_default_dir()) {
  constexpr std::size_t side = 28;
  const std::string prefix = s == split::train ? "train" : "t10k";
  // Both headers are parsed before either payload, so shape mismatches fail fast.
  detail::idx_reader images(detail::fashion_mnist_file(dir, prefix + "-images-idx3-ubyte"));
  detail::idx_reader labels(detail::fashion_mnist_file(dir, prefix + "-labels-idx1-ubyte"));
  images.require(0x08, 3);
  labels.require(0x08, 1);
  const auto& idims = images.header().dims;
  if (idims[1] != side || idims[2] != side)
    images.fail("IDX header", "image shape: expected [N, 28, 28], got " + detail::dims_string(idims));
  const std::size_t n = idims[0];
  if (labels.header().dims[0] != n)
    labels.fail("IDX header", "sample count: label file has " + std::to_string(labels.header().dims[0]) +
                                  " entries but image file " + images.file().string() + " has " + std::to_string(n) +
                                  ", expected the same count");

  std::vector<std::uint8_t> label_bytes;
  labels.read_payload(label_bytes);
  image_classification_set set;
  set.size = n;
  set.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (label_bytes[i] >= fashion_mnist_classes.size())
      labels.fail("IDX data", "label at index " + std::to_string(i) + " is " + std::to_string(label_bytes[i]) +
                                  ", expected < " + std::to_string(fashion_mnist_classes.size()));
    set.labels[i] = label_bytes[i];
  }

  std::vector<std::uint8_t> pixels;
  images.read_payload(pixels);
  set.images.resize(pixels.size());
  detail::u8_to_unit_float(pixels.data(), set.images.data(), pixels.size());
  return set;
}

}  // namespace lamina::data
