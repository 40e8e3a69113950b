#pragma once
// Definitions for confusion_matrix.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "confusion_matrix.hpp"

namespace lamina::metrics {

LAMINA_INLINE confusion_matrix::confusion_matrix(std::size_t num_classes) : c_(num_classes), counts_(c_ * c_, 0) {
  if (c_ == 0) throw std::invalid_argument("metrics::confusion_matrix: needs at least one class");
  for (std::size_t i = 0; i < c_; ++i) names_.push_back(std::to_string(i));
}
LAMINA_INLINE confusion_matrix::confusion_matrix(std::vector<std::string> class_names)
    : c_(class_names.size()), names_(std::move(class_names)), counts_(c_ * c_, 0) {
  if (c_ == 0) throw std::invalid_argument("metrics::confusion_matrix: needs at least one class");
}

LAMINA_INLINE void confusion_matrix::update(ConstTensorView logits, std::span<const std::int32_t> labels) {
  const std::size_t n = detail::logit_rows(logits, labels.size(), "metrics::confusion_matrix::update");
  if (n == 0) return;
  if (logits.size() / n != c_)
    throw std::invalid_argument("metrics::confusion_matrix::update: logits " + to_string(logits.shape) +
                                " have " + std::to_string(logits.size() / n) + " classes, the matrix has " +
                                std::to_string(c_));
  check(labels, "label");
  for (std::size_t i = 0; i < n; ++i)
    ++counts_[std::size_t(labels[i]) * c_ + detail::argmax_row(logits.data + i * c_, c_)];
}
LAMINA_INLINE void confusion_matrix::update(std::span<const std::int32_t> predicted,
                                            std::span<const std::int32_t> labels) {
  if (predicted.size() != labels.size())
    throw std::invalid_argument("metrics::confusion_matrix::update: " + std::to_string(predicted.size()) +
                                " predictions but " + std::to_string(labels.size()) + " labels");
  check(labels, "label");
  check(predicted, "prediction");
  for (std::size_t i = 0; i < labels.size(); ++i) ++counts_[std::size_t(labels[i]) * c_ + std::size_t(predicted[i])];
}

LAMINA_INLINE confusion_matrix& confusion_matrix::operator+=(const confusion_matrix& o) {
  if (o.c_ != c_)
    throw std::invalid_argument("metrics::confusion_matrix: adding a " + std::to_string(o.c_) + "-class matrix to a " +
                                std::to_string(c_) + "-class one");
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
  return *this;
}

LAMINA_INLINE std::int64_t confusion_matrix::support(std::size_t k) const {
  std::int64_t s = 0;
  for (std::size_t j = 0; j < c_; ++j) s += (*this)(k, j);
  return s;
}
LAMINA_INLINE std::int64_t confusion_matrix::predicted_count(std::size_t k) const {
  std::int64_t s = 0;
  for (std::size_t i = 0; i < c_; ++i) s += (*this)(i, k);
  return s;
}
LAMINA_INLINE std::int64_t confusion_matrix::total() const {
  std::int64_t s = 0;
  for (auto v : counts_) s += v;
  return s;
}
LAMINA_INLINE std::int64_t confusion_matrix::correct() const {
  std::int64_t s = 0;
  for (std::size_t k = 0; k < c_; ++k) s += counts_[k * c_ + k];
  return s;
}

LAMINA_INLINE std::string confusion_matrix::str() const {
  const std::string corner = "true \\ predicted";
  std::size_t w0 = corner.size();
  for (const auto& n : names_) w0 = std::max(w0, n.size());
  std::vector<std::size_t> w(c_);
  for (std::size_t j = 0; j < c_; ++j) {
    w[j] = std::max<std::size_t>(names_[j].size(), 1);
    for (std::size_t i = 0; i < c_; ++i) w[j] = std::max(w[j], std::to_string(counts_[i * c_ + j]).size());
  }
  std::string out = pad(corner, w0);
  for (std::size_t j = 0; j < c_; ++j) out += "  " + pad(names_[j], w[j]);
  out += '\n';
  for (std::size_t i = 0; i < c_; ++i) {
    out += pad(names_[i], w0);
    for (std::size_t j = 0; j < c_; ++j) out += "  " + pad(std::to_string(counts_[i * c_ + j]), w[j]);
    out += '\n';
  }
  return out;
}
LAMINA_INLINE std::string confusion_matrix::markdown() const {
  std::string out = "| true \\ predicted |";
  for (const auto& n : names_) out += " " + n + " |";
  out += "\n|---|";
  for (std::size_t j = 0; j < c_; ++j) out += "---:|";
  out += '\n';
  for (std::size_t i = 0; i < c_; ++i) {
    out += "| " + names_[i] + " |";
    for (std::size_t j = 0; j < c_; ++j) out += " " + std::to_string(counts_[i * c_ + j]) + " |";
    out += '\n';
  }
  return out;
}

LAMINA_INLINE std::string confusion_matrix::pad(const std::string& s, std::size_t w) {
  return s.size() >= w ? s : std::string(w - s.size(), ' ') + s;
}
LAMINA_INLINE void confusion_matrix::check(std::span<const std::int32_t> v, const char* what) const {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] < 0 || std::size_t(v[i]) >= c_)
      throw std::invalid_argument("metrics::confusion_matrix::update: " + std::string(what) + " " +
                                  std::to_string(v[i]) + " at index " + std::to_string(i) + " is outside [0, " +
                                  std::to_string(c_) + ")");
}

}  // namespace lamina::metrics
