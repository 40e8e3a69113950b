#pragma once
// Per-class precision, recall, F1 and support, with accuracy, macro and weighted averages:
// sklearn.metrics.classification_report(y_true, y_pred, target_names=..., digits=...), whose
// text layout str() reproduces character for character (zero_division="warn": a 0/0 precision,
// recall or F1 is 0.0, as sklearn's default reports it; lamina prints no warning). The numbers
// are also available one by one, and as a Markdown table.
//
//   lm::metrics::confusion_matrix cm({"one ball", "two balls", "three balls"});
//   ... cm.update(logits, labels) per batch ...
//   lm::metrics::classification_report report(cm);       // all classes of the matrix
//   std::cout << report;                                  // sklearn's text
//   report.classes()[2].recall; report.accuracy(); report.macro_avg().f1;
//
//   // Or straight from labels, like sklearn:
//   lm::metrics::classification_report r(y_true, y_pred, {"one ball", "two balls", "three balls"});
//
// Which classes are listed (from labels): without names, the sorted values present in y_true or
// y_pred, named by their value (sklearn's unique_labels). With names, either one name per value
// present (sklearn's rule, names in sorted-value order), or, when every label lies in
// [0, names.size()), all classes 0 .. names.size()-1 (sklearn with labels=range(len(names))),
// so that a class that never occurs still gets its row.
//
// Averages are computed as sklearn does, with NumPy's pairwise summation, so that the printed
// digits agree even where a value sits on a rounding boundary.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../core/config.hpp"
#include "confusion_matrix.hpp"

namespace lamina::metrics {

namespace detail {
// numpy.sum of a float64 vector (pairwise summation, 8-way unrolled blocks of up to 128).
LAMINA_INLINE double numpy_sum(const double* a, std::size_t n);
LAMINA_INLINE double numpy_sum(const std::vector<double>& a);

LAMINA_INLINE std::string format_fixed(double v, int digits, int width = 9);
LAMINA_INLINE std::string pad_left(const std::string& s, std::size_t w);
}  // namespace detail

/// One row of a classification report: a class's scores, or an average over the classes.
struct class_scores {
  std::string name;  ///< The class name, or "macro avg" / "weighted avg" for the averages.
  /// Precision tp / (tp + fp), recall tp / (tp + fn) and F1 2 tp / (2 tp + fp + fn), each in
  /// [0, 1]; a 0/0 gives 0 (sklearn's zero_division default, without its warning).
  ///@{
  double precision = 0, recall = 0, f1 = 0;
  ///@}
  /// The number of samples whose true class this is; for the averages, all samples.
  std::int64_t support = 0;
};

/// sklearn.metrics.classification_report: per-class precision, recall, F1 and support, with
/// accuracy and macro and weighted averages, as numbers and as sklearn's text or Markdown.
class classification_report {
 public:
  /// Every class of the matrix, in order, with its names.
  explicit classification_report(const confusion_matrix& cm, int digits = 2);

  /// From true and predicted labels, like sklearn (see the header comment for the class list).
  classification_report(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                        std::vector<std::string> target_names = {}, int digits = 2);

  /// The per-class rows, in the order printed.
  const std::vector<class_scores>& classes() const { return classes_; }
  /// The row of the k-th listed class; throws std::out_of_range past the end.
  const class_scores& operator[](std::size_t k) const { return classes_.at(k); }
  /// The accuracy row: correct / total over the listed classes (micro-averaged F1), in [0, 1].
  double accuracy() const { return accuracy_; }  // micro-averaged F1 = correct / total
  /// The unweighted mean of the per-class scores ("macro avg"; support: all samples).
  const class_scores& macro_avg() const { return macro_; }
  /// The per-class scores averaged with the supports as weights ("weighted avg").
  const class_scores& weighted_avg() const { return weighted_; }
  /// Samples in the report, the sum of the per-class supports.
  std::int64_t total() const { return total_; }
  /// Digits after the decimal point in str() and markdown() (sklearn's digits, default 2).
  int digits() const { return digits_; }

  /// sklearn's text layout, exactly.
  std::string str() const;

  /// A Markdown table with the same rows and rounding.
  std::string markdown() const;

  /// Writes str() to `os`.
  friend std::ostream& operator<<(std::ostream& os, const classification_report& r) { return os << r.str(); }

 private:
  std::string row(const class_scores& c, std::size_t width) const;

  void build(const confusion_matrix& cm, const std::vector<std::size_t>& rows, const std::vector<std::string>& names);

  int digits_ = 2;
  std::vector<class_scores> classes_;
  class_scores macro_, weighted_;
  double accuracy_ = 0;
  std::int64_t total_ = 0;
};

}  // namespace lamina::metrics

#ifndef LAMINA_COMPILED_LIB
#include "classification_report-inl.hpp"
#endif
