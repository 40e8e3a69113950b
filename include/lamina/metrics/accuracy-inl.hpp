#pragma once
// Definitions for accuracy.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "accuracy.hpp"

namespace lamina::metrics {

namespace detail {
LAMINA_INLINE std::size_t logit_rows(ConstTensorView logits, std::size_t labels, const char* who) {
  if (logits.shape.rank == 0)
    throw std::invalid_argument(std::string(who) + ": logits must be [N, C], got a scalar");
  const std::size_t n = logits.shape[0];
  if (labels != n)
    throw std::invalid_argument(std::string(who) + ": logits " + to_string(logits.shape) + " have " +
                                std::to_string(n) + " rows but there are " + std::to_string(labels) +
                                " labels");
  return n;
}
}  // namespace detail

LAMINA_INLINE std::vector<std::int32_t> argmax(ConstTensorView logits) {
  if (logits.shape.rank == 0 || logits.shape[0] == 0) return {};
  const std::size_t n = logits.shape[0], c = logits.size() / n;
  std::vector<std::int32_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::int32_t(detail::argmax_row(logits.data + i * c, c));
  return out;
}

LAMINA_INLINE std::size_t correct(ConstTensorView logits, std::span<const std::int32_t> labels) {
  const std::size_t n = detail::logit_rows(logits, labels.size(), "metrics::correct");
  if (n == 0) return 0;
  const std::size_t c = logits.size() / n;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < n; ++i)
    hits += std::int32_t(detail::argmax_row(logits.data + i * c, c)) == labels[i];
  return hits;
}

LAMINA_INLINE std::size_t correct_top_k(ConstTensorView logits, std::span<const std::int32_t> labels, std::size_t k) {
  const std::size_t n = detail::logit_rows(logits, labels.size(), "metrics::correct_top_k");
  if (n == 0) return 0;
  const std::size_t c = logits.size() / n;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const float* row = logits.data + i * c;
    const std::int64_t y = labels[i];
    if (y < 0 || std::size_t(y) >= c) continue;
    std::size_t above = 0;  // classes ranked before the label
    for (std::size_t j = 0; j < c; ++j)
      above += row[j] > row[y] || (row[j] == row[y] && j < std::size_t(y));
    hits += above < k;
  }
  return hits;
}

LAMINA_INLINE double accuracy(ConstTensorView logits, std::span<const std::int32_t> labels) {
  return labels.empty() ? 0.0 : double(correct(logits, labels)) / double(labels.size());
}
LAMINA_INLINE double accuracy(std::span<const std::int32_t> predicted, std::span<const std::int32_t> labels) {
  if (predicted.size() != labels.size())
    throw std::invalid_argument("metrics::accuracy: " + std::to_string(predicted.size()) + " predictions but " +
                                std::to_string(labels.size()) + " labels");
  std::size_t hits = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) hits += predicted[i] == labels[i];
  return labels.empty() ? 0.0 : double(hits) / double(labels.size());
}

// ---- running_accuracy ----------------------------------------------------------------------
LAMINA_INLINE running_accuracy::running_accuracy(std::size_t top_k) : k_(top_k) {
  if (k_ == 0) throw std::invalid_argument("metrics::running_accuracy: top_k must be at least 1");
}

LAMINA_INLINE void running_accuracy::update(ConstTensorView logits, std::span<const std::int32_t> labels) {
  correct_ += k_ == 1 ? metrics::correct(logits, labels) : correct_top_k(logits, labels, k_);
  total_ += labels.size();
}
LAMINA_INLINE void running_accuracy::update(std::span<const std::int32_t> predicted,
                                            std::span<const std::int32_t> labels) {
  if (predicted.size() != labels.size())
    throw std::invalid_argument("metrics::running_accuracy::update: " + std::to_string(predicted.size()) +
                                " predictions but " + std::to_string(labels.size()) + " labels");
  for (std::size_t i = 0; i < labels.size(); ++i) correct_ += predicted[i] == labels[i];
  total_ += labels.size();
}
LAMINA_INLINE void running_accuracy::update(std::size_t correct, std::size_t total) {
  if (correct > total)
    throw std::invalid_argument("metrics::running_accuracy::update: correct > total");
  correct_ += correct;
  total_ += total;
}

}  // namespace lamina::metrics
