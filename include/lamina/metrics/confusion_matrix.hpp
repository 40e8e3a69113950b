#pragma once
// A C x C confusion matrix accumulated over batches, sklearn's convention: rows are true
// classes, columns predicted classes (sklearn.metrics.confusion_matrix(y_true, y_pred,
// labels=range(C)); torchmetrics' MulticlassConfusionMatrix). Counts are int64.
//
//   lm::metrics::confusion_matrix cm({"one ball", "two balls", "three balls"});
//   for (auto& batch : test) cm.update(model.forward(batch.x, batch.size), batch.labels);  // logits [N, 3]
//   std::cout << cm;              // a text table; cm.markdown() for reports
//   cm(2, 1);                     // how many "three balls" were predicted as "two balls"
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../core/tensor.hpp"
#include "accuracy.hpp"

namespace lamina::metrics {

class confusion_matrix {
 public:
  // Classes named "0" .. "C-1".
  explicit confusion_matrix(std::size_t num_classes) : c_(num_classes), counts_(c_ * c_, 0) {
    if (c_ == 0) throw std::invalid_argument("metrics::confusion_matrix: needs at least one class");
    for (std::size_t i = 0; i < c_; ++i) names_.push_back(std::to_string(i));
  }
  explicit confusion_matrix(std::vector<std::string> class_names)
      : c_(class_names.size()), names_(std::move(class_names)), counts_(c_ * c_, 0) {
    if (c_ == 0) throw std::invalid_argument("metrics::confusion_matrix: needs at least one class");
  }

  // Adds a batch of logits [N, C] (arg-max per row) and its N labels in [0, C).
  void update(ConstTensorView logits, std::span<const std::int32_t> labels) {
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
  // Adds predicted labels and true labels, both in [0, C).
  void update(std::span<const std::int32_t> predicted, std::span<const std::int32_t> labels) {
    if (predicted.size() != labels.size())
      throw std::invalid_argument("metrics::confusion_matrix::update: " + std::to_string(predicted.size()) +
                                  " predictions but " + std::to_string(labels.size()) + " labels");
    check(labels, "label");
    check(predicted, "prediction");
    for (std::size_t i = 0; i < labels.size(); ++i) ++counts_[std::size_t(labels[i]) * c_ + std::size_t(predicted[i])];
  }
  // Adds `count` samples of class `truth` predicted as `predicted`.
  void add(std::size_t truth, std::size_t predicted, std::int64_t count = 1) {
    if (truth >= c_ || predicted >= c_) throw std::out_of_range("metrics::confusion_matrix::add: class out of range");
    counts_[truth * c_ + predicted] += count;
  }
  // Adds another matrix of the same size (e.g. one per thread or per shard).
  confusion_matrix& operator+=(const confusion_matrix& o) {
    if (o.c_ != c_)
      throw std::invalid_argument("metrics::confusion_matrix: adding a " + std::to_string(o.c_) + "-class matrix to a " +
                                  std::to_string(c_) + "-class one");
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
    return *this;
  }
  void reset() { std::fill(counts_.begin(), counts_.end(), 0); }

  std::size_t num_classes() const { return c_; }
  const std::vector<std::string>& names() const { return names_; }
  // Samples of true class `truth` predicted as `predicted`.
  std::int64_t operator()(std::size_t truth, std::size_t predicted) const {
    if (truth >= c_ || predicted >= c_) throw std::out_of_range("metrics::confusion_matrix: class out of range");
    return counts_[truth * c_ + predicted];
  }
  std::span<const std::int64_t> counts() const { return counts_; }  // [C, C], row = true class
  std::int64_t true_positives(std::size_t k) const { return (*this)(k, k); }
  std::int64_t support(std::size_t k) const {  // row sum: samples whose true class is k
    std::int64_t s = 0;
    for (std::size_t j = 0; j < c_; ++j) s += (*this)(k, j);
    return s;
  }
  std::int64_t predicted_count(std::size_t k) const {  // column sum: samples predicted as k
    std::int64_t s = 0;
    for (std::size_t i = 0; i < c_; ++i) s += (*this)(i, k);
    return s;
  }
  std::int64_t total() const {
    std::int64_t s = 0;
    for (auto v : counts_) s += v;
    return s;
  }
  std::int64_t correct() const {
    std::int64_t s = 0;
    for (std::size_t k = 0; k < c_; ++k) s += counts_[k * c_ + k];
    return s;
  }
  double accuracy() const { return total() ? double(correct()) / double(total()) : 0.0; }

  // Text table: rows are true classes, columns predicted, right-aligned counts, e.g.
  //   true \ predicted  one ball  two balls
  //           one ball         8          2
  //          two balls         3          9
  std::string str() const {
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
  // The same as a Markdown table.
  std::string markdown() const {
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
  friend std::ostream& operator<<(std::ostream& os, const confusion_matrix& m) { return os << m.str(); }

 private:
  static std::string pad(const std::string& s, std::size_t w) {
    return s.size() >= w ? s : std::string(w - s.size(), ' ') + s;
  }
  void check(std::span<const std::int32_t> v, const char* what) const {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (v[i] < 0 || std::size_t(v[i]) >= c_)
        throw std::invalid_argument("metrics::confusion_matrix::update: " + std::string(what) + " " +
                                    std::to_string(v[i]) + " at index " + std::to_string(i) + " is outside [0, " +
                                    std::to_string(c_) + ")");
  }

  std::size_t c_;
  std::vector<std::string> names_;
  std::vector<std::int64_t> counts_;  // [C, C]
};

}  // namespace lamina::metrics
