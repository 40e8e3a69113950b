#pragma once
// Fashion-MNIST (Zalando): 70,000 28x28 grey images in 10 classes, shipped as IDX files.
// Debian/Ubuntu: `apt install dataset-fashion-mnist` puts them in /usr/share/datasets/fashion-mnist.
#include <lamina/core/config.hpp>
#include <lamina/data/error.hpp>
#include <lamina/data/idx.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lamina::data {

/// The class names, indexed by label (torchvision's FashionMNIST.classes).
inline constexpr std::array<std::string_view, 10> fashion_mnist_classes = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

/// $LAMINA_FASHION_MNIST_DIR if set (and non-empty), else the Debian package's location.
LAMINA_INLINE std::filesystem::path fashion_mnist_default_dir();

/// Which part of a data set to load: `train` (60,000 Fashion-MNIST images) or `test` (10,000),
/// like torchvision's train=True/False.
enum class split { train, test };

/// An image classification data set held in memory, as load_fashion_mnist() returns it:
/// images as float [N, C, H, W] in [0,1] (pixel/255), labels int32 [N]
struct image_classification_set {
  /// Number of samples N and each image's channels, height and width (28 x 28 grey by default).
  ///@{
  std::size_t size = 0, channels = 1, height = 28, width = 28;
  ///@}
  /// Pixels [N, C, H, W], row-major, values in [0, 1].
  std::vector<float> images;
  /// Class labels [N], 0..9 for Fashion-MNIST (names in fashion_mnist_classes).
  std::vector<std::int32_t> labels;
  /// Floats per image: C * H * W.
  std::size_t sample_size() const { return channels * height * width; }
  /// Keeps only the first n samples (quick runs on a subset); no-op when n is 0 or >= size.
  void keep_first(std::size_t n);
};

/// Loads the training or test set from the IDX files in `dir` (gzip-compressed or not), like
/// torchvision.datasets.FashionMNIST with ToTensor(); throws format_error for a missing or
/// corrupt file.
LAMINA_INLINE image_classification_set load_fashion_mnist(split s, const std::filesystem::path& dir = fashion_mnist_default_dir());

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "fashion_mnist-inl.hpp"
#endif
