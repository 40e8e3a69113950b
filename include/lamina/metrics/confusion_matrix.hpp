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

#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "accuracy.hpp"

namespace lamina::metrics {

/// A C x C matrix of int64 counts, rows the true classes and columns the predicted ones
/// (sklearn.metrics.confusion_matrix's layout), accumulated over batches and printable as a
/// text or Markdown table.
class confusion_matrix {
 public:
  /// An all-zero matrix of `num_classes` (at least 1) classes.
  /// Classes named "0" .. "C-1".
  explicit confusion_matrix(std::size_t num_classes);
  /// An all-zero matrix with one class per name (at least one), used as row and column labels.
  explicit confusion_matrix(std::vector<std::string> class_names);

  /// Adds a batch of logits [N, C] (arg-max per row) and its N labels in [0, C).
  void update(ConstTensorView logits, std::span<const std::int32_t> labels);
  /// Adds predicted labels and true labels, both in [0, C).
  void update(std::span<const std::int32_t> predicted, std::span<const std::int32_t> labels);
  /// Adds `count` samples of class `truth` predicted as `predicted`.
  void add(std::size_t truth, std::size_t predicted, std::int64_t count = 1) {
    if (truth >= c_ || predicted >= c_) throw std::out_of_range("metrics::confusion_matrix::add: class out of range");
    counts_[truth * c_ + predicted] += count;
  }
  /// Adds another matrix of the same size (e.g. one per thread or per shard).
  confusion_matrix& operator+=(const confusion_matrix& o);
  /// Sets every count to 0, keeping the classes and their names.
  void reset() { std::fill(counts_.begin(), counts_.end(), 0); }

  /// C, the number of classes.
  std::size_t num_classes() const { return c_; }
  /// The C class names, in class order ("0" .. "C-1" unless named at construction).
  const std::vector<std::string>& names() const { return names_; }
  /// Samples of true class `truth` predicted as `predicted`.
  std::int64_t operator()(std::size_t truth, std::size_t predicted) const {
    if (truth >= c_ || predicted >= c_) throw std::out_of_range("metrics::confusion_matrix: class out of range");
    return counts_[truth * c_ + predicted];
  }
  /// All counts, row-major [C, C]: counts()[truth * C + predicted].
  std::span<const std::int64_t> counts() const { return counts_; }  // [C, C], row = true class
  /// Samples of class k predicted as k (the diagonal entry).
  std::int64_t true_positives(std::size_t k) const { return (*this)(k, k); }
  /// Row sum: samples whose true class is k (sklearn's support).
  std::int64_t support(std::size_t k) const;
  /// Column sum: samples predicted as class k.
  std::int64_t predicted_count(std::size_t k) const;
  /// Samples counted, the sum of all entries.
  std::int64_t total() const;
  /// Samples predicted correctly, the sum of the diagonal.
  std::int64_t correct() const;
  /// correct() / total(), in [0, 1] (0 for an empty matrix).
  double accuracy() const { return total() ? double(correct()) / double(total()) : 0.0; }

  // Text table: rows are true classes, columns predicted, right-aligned counts, e.g.
  //   true \ predicted  one ball  two balls
  //           one ball         8          2
  //          two balls         3          9
  /// The matrix as a text table: a header line of predicted-class names, then a line per true
  /// class with its name and right-aligned counts.
  std::string str() const;
  /// The same as a Markdown table.
  std::string markdown() const;
  /// Writes str() to `os`.
  friend std::ostream& operator<<(std::ostream& os, const confusion_matrix& m) { return os << m.str(); }

 private:
  static std::string pad(const std::string& s, std::size_t w);
  void check(std::span<const std::int32_t> v, const char* what) const;

  std::size_t c_;
  std::vector<std::string> names_;
  std::vector<std::int64_t> counts_;  // [C, C]
};

}  // namespace lamina::metrics

#ifndef LAMINA_COMPILED_LIB
#include "confusion_matrix-inl.hpp"
#endif
