#pragma once
// Train / validation / test splits by fractions, seeded: index lists, and the rows they select.
//
//   auto s = lm::data::split_indices(60000, {.validation = 0.1, .seed = 3});   // 54000 / 6000 / 0
//   auto val = lm::data::subset(fashion_train, s.validation);                   // same type, 6000 samples
//   Tensor x = lm::data::take_rows(faces.images.view(), s.train);               // [n_train, 1, 64, 64]
//   auto y = lm::data::take_rows<std::int32_t>(faces.labels, s.train);
//
// Sizes: validation = round(f_val * n), test = round(f_test * n), train = the rest. Each list is
// sorted (samples keep their original order); which samples land where depends only on the seed.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../core/rng.hpp"
#include "../core/tensor.hpp"
#include "fashion_mnist.hpp"

namespace lamina::data {

/// Options of split_indices(): the validation and test fractions, and how samples are assigned.
struct split_options {
  /// Fraction of the samples for validation, in [0, 1].
  double validation = 0.0;
  double test = 0.0;  ///< Fraction of the samples for testing; validation + test <= 1.
  std::uint64_t seed = 0;  ///< Seeds the shuffle.
  /// Assign samples at random; false: train, validation and test are consecutive blocks.
  bool shuffle = true;
};

/// Sample indices of each part, as split_indices() returns them.
struct index_split {
  /// Indices of the training, validation and test samples, each in increasing order.
  ///@{
  std::vector<std::size_t> train, validation, test;
  ///@}
};

/// Splits the indices 0..n-1, like torch.utils.data.random_split with fractions: validation
/// gets round(validation * n), test round(test * n), train the rest. Throws
/// std::invalid_argument for negative fractions or fractions summing to more than 1.
LAMINA_INLINE index_split split_indices(std::size_t n, const split_options& o);

/// The rows `idx` of data laid out as rows of `row_size` elements.
template <class T>
std::vector<T> take_rows(std::span<const T> data, std::span<const std::size_t> idx, std::size_t row_size = 1) {
  std::vector<T> out(idx.size() * row_size);
  for (std::size_t i = 0; i < idx.size(); ++i) {
    if ((idx[i] + 1) * row_size > data.size())
      throw std::out_of_range("lamina::data::take_rows: row " + std::to_string(idx[i]) + " of " +
                              std::to_string(data.size() / std::max<std::size_t>(row_size, 1)));
    std::copy_n(data.data() + idx[i] * row_size, row_size, out.data() + i * row_size);
  }
  return out;
}
/// The same, for a vector.
template <class T>
std::vector<T> take_rows(const std::vector<T>& data, std::span<const std::size_t> idx, std::size_t row_size = 1) {
  return take_rows(std::span<const T>(data), idx, row_size);
}

/// Samples `idx` (along the first dimension) of a tensor [N, ...], as a new tensor.
LAMINA_INLINE Tensor take_rows(ConstTensorView t, std::span<const std::size_t> idx);

/// The samples `idx` of an image classification set (e.g. a validation split of Fashion-MNIST).
LAMINA_INLINE image_classification_set subset(const image_classification_set& s, std::span<const std::size_t> idx);

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "split-inl.hpp"
#endif
