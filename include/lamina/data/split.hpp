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

#include "../core/rng.hpp"
#include "../core/tensor.hpp"
#include "fashion_mnist.hpp"

namespace lamina::data {

struct split_options {
  double validation = 0.0;  // fractions of the whole
  double test = 0.0;
  std::uint64_t seed = 0;
  bool shuffle = true;      // false: train, validation, test are consecutive blocks in order
};

struct index_split {
  std::vector<std::size_t> train, validation, test;
};

inline index_split split_indices(std::size_t n, const split_options& o) {
  if (!(o.validation >= 0 && o.test >= 0 && o.validation + o.test <= 1.0))
    throw std::invalid_argument("lamina::data::split_indices: fractions validation " + std::to_string(o.validation) +
                                " and test " + std::to_string(o.test) + " must be >= 0 and sum to <= 1");
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (o.shuffle) {
    rng gen(o.seed ^ 0x5eed5eed5eed5eedull);
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[gen.below(i)]);
  }
  const auto n_val = std::size_t(std::llround(o.validation * double(n)));
  const auto n_test = std::min(n - n_val, std::size_t(std::llround(o.test * double(n))));
  index_split s;
  s.train.assign(order.begin(), order.end() - std::ptrdiff_t(n_val + n_test));
  s.validation.assign(order.end() - std::ptrdiff_t(n_val + n_test), order.end() - std::ptrdiff_t(n_test));
  s.test.assign(order.end() - std::ptrdiff_t(n_test), order.end());
  for (auto* v : {&s.train, &s.validation, &s.test}) std::sort(v->begin(), v->end());
  return s;
}

// The rows `idx` of data laid out as rows of `row_size` elements.
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
template <class T>
std::vector<T> take_rows(const std::vector<T>& data, std::span<const std::size_t> idx, std::size_t row_size = 1) {
  return take_rows(std::span<const T>(data), idx, row_size);
}

// Samples `idx` (along the first dimension) of a tensor [N, ...], as a new tensor.
inline Tensor take_rows(ConstTensorView t, std::span<const std::size_t> idx) {
  if (t.shape.rank == 0) throw std::invalid_argument("lamina::data::take_rows: a scalar has no rows");
  const std::size_t row = t.shape[0] ? t.size() / t.shape[0] : 0;
  dims s = t.shape;
  s.d[0] = idx.size();
  Tensor out(s);
  const auto v = take_rows(std::span<const float>(t.data, t.size()), idx, row);
  std::copy(v.begin(), v.end(), out.begin());
  return out;
}

// The samples `idx` of an image classification set (e.g. a validation split of Fashion-MNIST).
inline image_classification_set subset(const image_classification_set& s, std::span<const std::size_t> idx) {
  image_classification_set out;
  out.size = idx.size();
  out.channels = s.channels, out.height = s.height, out.width = s.width;
  out.images = take_rows(std::span<const float>(s.images), idx, s.sample_size());
  out.labels = take_rows(std::span<const std::int32_t>(s.labels), idx);
  return out;
}

}  // namespace lamina::data
