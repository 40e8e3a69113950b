#pragma once
// Definitions for fashion_mnist.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "fashion_mnist.hpp"
#include "idx-inl.hpp"  // detail::idx_reader

namespace lamina::data {

LAMINA_INLINE std::filesystem::path fashion_mnist_default_dir() {
  if (const char* env = std::getenv("LAMINA_FASHION_MNIST_DIR"); env != nullptr && *env != '\0') return env;
  return "/usr/share/datasets/fashion-mnist";
}

LAMINA_INLINE void image_classification_set::keep_first(std::size_t n) {
  if (n == 0 || n >= size) return;
  size = n;
  images.resize(n * sample_size());
  labels.resize(n);
}

namespace detail {

// Prefer the .gz the distributions ship; accept an already-decompressed copy too.
LAMINA_INLINE std::filesystem::path fashion_mnist_file(const std::filesystem::path& dir, const std::string& stem) {
  std::error_code dir_ec;
  if (!std::filesystem::is_directory(dir, dir_ec)) {
    const char* env = std::getenv("LAMINA_FASHION_MNIST_DIR");
    const bool from_env = env != nullptr && *env != '\0' && dir == std::filesystem::path(env);
    throw format_error(dir, "Fashion-MNIST folder",
                       std::string(std::filesystem::exists(dir, dir_ec) ? "not a directory" : "does not exist") +
                           (from_env ? " (the value of $LAMINA_FASHION_MNIST_DIR)" : "") +
                           ", expected the folder holding " + stem + ".gz; install dataset-fashion-mnist or set "
                           "LAMINA_FASHION_MNIST_DIR");
  }
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
LAMINA_INLINE void u8_to_unit_float(const std::uint8_t* __restrict src, float* __restrict dst, std::size_t n) noexcept {
  constexpr std::size_t block = 64;
  std::size_t i = 0;
  for (; i + block <= n; i += block)
    for (std::size_t j = 0; j < block; ++j) dst[i + j] = static_cast<float>(src[i + j]) / 255.0f;
  for (; i < n; ++i) dst[i] = static_cast<float>(src[i]) / 255.0f;
}

}  // namespace detail

LAMINA_INLINE image_classification_set load_fashion_mnist(split s, const std::filesystem::path& dir) {
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
