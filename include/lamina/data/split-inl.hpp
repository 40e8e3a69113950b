#pragma once
// Definitions for split.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "split.hpp"

namespace lamina::data {

LAMINA_INLINE index_split split_indices(std::size_t n, const split_options& o) {
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

LAMINA_INLINE Tensor take_rows(ConstTensorView t, std::span<const std::size_t> idx) {
  if (t.shape.rank == 0) throw std::invalid_argument("lamina::data::take_rows: a scalar has no rows");
  const std::size_t row = t.shape[0] ? t.size() / t.shape[0] : 0;
  dims s = t.shape;
  s.d[0] = idx.size();
  Tensor out(s);
  const auto v = take_rows(std::span<const float>(t.data, t.size()), idx, row);
  std::copy(v.begin(), v.end(), out.begin());
  return out;
}

LAMINA_INLINE image_classification_set subset(const image_classification_set& s, std::span<const std::size_t> idx) {
  image_classification_set out;
  out.size = idx.size();
  out.channels = s.channels, out.height = s.height, out.width = s.width;
  out.images = take_rows(std::span<const float>(s.images), idx, s.sample_size());
  out.labels = take_rows(std::span<const std::int32_t>(s.labels), idx);
  return out;
}

}  // namespace lamina::data
