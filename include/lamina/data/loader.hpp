#pragma once
// Mini-batches of a labelled data set: seeded shuffling per epoch, optional drop-last, and a
// gather into buffers owned by the loader, so iterating allocates nothing after the first batch.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/rng.hpp"
#include "../core/tensor.hpp"

namespace lamina::data {

struct loader_options {
  std::size_t batch_size = 64;
  bool shuffle = true;
  bool drop_last = false;
  std::uint64_t seed = 0;
};

struct labelled_batch {
  const float* x;                          // [size, sample...]
  std::span<const std::int32_t> labels;    // [size]
  std::size_t size;
};

class ClassificationLoader {
 public:
  // `samples` holds labels.size() samples of `sample_size` floats each; both must outlive the loader.
  ClassificationLoader(std::span<const float> samples, std::span<const std::int32_t> labels,
                       std::size_t sample_size, loader_options options)
      : samples_(samples), labels_(labels), sample_size_(sample_size), options_(options),
        order_(labels.size()), x_(options.batch_size * sample_size), y_(options.batch_size) {
    if (options.batch_size == 0) throw std::invalid_argument("lamina::data::ClassificationLoader: batch_size must be >= 1");
    if (sample_size == 0 || samples.size() != labels.size() * sample_size)
      throw std::invalid_argument("lamina::data::ClassificationLoader: " + std::to_string(samples.size()) +
                                  " floats do not hold " + std::to_string(labels.size()) + " samples of " +
                                  std::to_string(sample_size));
    std::iota(order_.begin(), order_.end(), std::size_t{0});
  }

  std::size_t size() const { return labels_.size(); }
  std::size_t batches() const {
    const std::size_t n = size(), b = options_.batch_size;
    return options_.drop_last ? n / b : (n + b - 1) / b;
  }

  // Reshuffles for `epoch` (a permutation that depends only on seed and epoch).
  void start_epoch(std::size_t epoch) {
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    if (!options_.shuffle) return;
    rng gen(options_.seed * 0x9e3779b97f4a7c15ull + epoch);
    for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[gen.below(i)]);
  }

  labelled_batch batch(std::size_t b) {
    if (b >= batches())
      throw std::out_of_range("lamina::data::ClassificationLoader: batch " + std::to_string(b) + " of " +
                              std::to_string(batches()));
    const std::size_t begin = b * options_.batch_size;
    const std::size_t n = std::min(options_.batch_size, size() - begin);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t s = order_[begin + i];
      std::memcpy(x_.data() + i * sample_size_, samples_.data() + s * sample_size_, sample_size_ * sizeof(float));
      y_[i] = labels_[s];
    }
    return {x_.data(), {y_.data(), n}, n};
  }

 private:
  std::span<const float> samples_;
  std::span<const std::int32_t> labels_;
  std::size_t sample_size_;
  loader_options options_;
  std::vector<std::size_t> order_;
  std::vector<float> x_;
  std::vector<std::int32_t> y_;
};

struct regression_batch {
  const float* x;           // [size, sample...]
  ConstTensorView targets;  // [size, target...]
  std::size_t size;
};

// Mini-batches of (input, target) float pairs, e.g. images and their clean versions, or
// coordinates and colours. Shuffling and buffers as in ClassificationLoader.
class RegressionLoader {
 public:
  // `samples`: N inputs of `sample_size` floats; `targets`: N targets of shape `target_shape`.
  RegressionLoader(std::span<const float> samples, std::span<const float> targets, std::size_t sample_size,
                   dims target_shape, loader_options options)
      : samples_(samples), targets_(targets), sample_size_(sample_size), target_shape_(target_shape),
        target_size_(target_shape.size()), options_(options), order_(sample_size ? samples.size() / sample_size : 0),
        x_(options.batch_size * sample_size), y_(options.batch_size * target_shape.size()) {
    if (options.batch_size == 0) throw std::invalid_argument("lamina::data::RegressionLoader: batch_size must be >= 1");
    if (sample_size == 0 || samples.size() % sample_size != 0 || targets.size() != order_.size() * target_size_)
      throw std::invalid_argument("lamina::data::RegressionLoader: " + std::to_string(samples.size()) + " input and " +
                                  std::to_string(targets.size()) + " target floats do not hold the same number of samples of " +
                                  std::to_string(sample_size) + " and " + std::to_string(target_size_) + " floats");
    std::iota(order_.begin(), order_.end(), std::size_t{0});
  }

  std::size_t size() const { return order_.size(); }
  std::size_t batches() const {
    const std::size_t n = size(), b = options_.batch_size;
    return options_.drop_last ? n / b : (n + b - 1) / b;
  }
  void start_epoch(std::size_t epoch) {
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    if (!options_.shuffle) return;
    rng gen(options_.seed * 0x9e3779b97f4a7c15ull + epoch);
    for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[gen.below(i)]);
  }
  regression_batch batch(std::size_t b) {
    if (b >= batches())
      throw std::out_of_range("lamina::data::RegressionLoader: batch " + std::to_string(b) + " of " +
                              std::to_string(batches()));
    const std::size_t begin = b * options_.batch_size;
    const std::size_t n = std::min(options_.batch_size, size() - begin);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t s = order_[begin + i];
      std::memcpy(x_.data() + i * sample_size_, samples_.data() + s * sample_size_, sample_size_ * sizeof(float));
      std::memcpy(y_.data() + i * target_size_, targets_.data() + s * target_size_, target_size_ * sizeof(float));
    }
    dims shape{};
    shape.rank = target_shape_.rank + 1;
    shape.d[0] = n;
    for (std::size_t i = 0; i < target_shape_.rank; ++i) shape.d[i + 1] = target_shape_[i];
    return {x_.data(), {y_.data(), shape}, n};
  }

 private:
  std::span<const float> samples_, targets_;
  std::size_t sample_size_;
  dims target_shape_;
  std::size_t target_size_;
  loader_options options_;
  std::vector<std::size_t> order_;
  std::vector<float> x_, y_;
};

}  // namespace lamina::data
