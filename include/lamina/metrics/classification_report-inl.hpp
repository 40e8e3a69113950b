#pragma once
// Definitions for classification_report.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "classification_report.hpp"

namespace lamina::metrics {

namespace detail {
LAMINA_INLINE double numpy_sum(const double* a, std::size_t n) {
  if (n < 8) {
    double r = 0.0;
    for (std::size_t i = 0; i < n; ++i) r += a[i];
    return r;
  }
  if (n <= 128) {
    double r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - n % 8; i += 8)
      for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return numpy_sum(a, n2) + numpy_sum(a + n2, n - n2);
}
LAMINA_INLINE double numpy_sum(const std::vector<double>& a) { return numpy_sum(a.data(), a.size()); }

LAMINA_INLINE std::string format_fixed(double v, int digits, int width) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%*.*f", width, digits, v);
  return buf;
}
LAMINA_INLINE std::string pad_left(const std::string& s, std::size_t w) {
  return s.size() >= w ? s : std::string(w - s.size(), ' ') + s;
}
}  // namespace detail

LAMINA_INLINE classification_report::classification_report(const confusion_matrix& cm, int digits) : digits_(digits) {
  std::vector<std::size_t> all(cm.num_classes());
  for (std::size_t k = 0; k < all.size(); ++k) all[k] = k;
  build(cm, all, cm.names());
}

LAMINA_INLINE classification_report::classification_report(std::span<const std::int32_t> y_true,
                                                           std::span<const std::int32_t> y_pred,
                                                           std::vector<std::string> target_names, int digits)
    : digits_(digits) {
  if (y_true.size() != y_pred.size())
    throw std::invalid_argument("metrics::classification_report: " + std::to_string(y_true.size()) +
                                " true labels but " + std::to_string(y_pred.size()) + " predictions");
  std::vector<std::int32_t> present(y_true.begin(), y_true.end());
  present.insert(present.end(), y_pred.begin(), y_pred.end());
  std::sort(present.begin(), present.end());
  present.erase(std::unique(present.begin(), present.end()), present.end());

  std::vector<std::int32_t> labels = present;  // report rows, in order
  if (!target_names.empty() && target_names.size() != present.size()) {
    const bool in_range = present.empty() || (present.front() >= 0 && std::size_t(present.back()) < target_names.size());
    if (!in_range)
      throw std::invalid_argument(
          "metrics::classification_report: " + std::to_string(target_names.size()) + " target names for " +
          std::to_string(present.size()) + " classes present in the labels (name either each class present, or "
          "classes 0 .. C-1 with every label in [0, C))");
    labels.resize(target_names.size());
    for (std::size_t k = 0; k < labels.size(); ++k) labels[k] = std::int32_t(k);
  }
  if (target_names.empty())
    for (auto l : labels) target_names.push_back(std::to_string(l));

  confusion_matrix cm(target_names);
  auto index = [&](std::int32_t v) {
    return std::size_t(std::lower_bound(labels.begin(), labels.end(), v) - labels.begin());
  };
  for (std::size_t i = 0; i < y_true.size(); ++i) cm.add(index(y_true[i]), index(y_pred[i]));
  std::vector<std::size_t> all(labels.size());
  for (std::size_t k = 0; k < all.size(); ++k) all[k] = k;
  build(cm, all, target_names);
}

LAMINA_INLINE std::string classification_report::str() const {
  std::size_t width = std::max<std::size_t>(std::string("weighted avg").size(), std::size_t(std::max(digits_, 0)));
  for (const auto& c : classes_) width = std::max(width, c.name.size());
  std::string out = std::string(width, ' ') + " ";
  for (const char* h : {"precision", "recall", "f1-score", "support"}) out += " " + detail::pad_left(h, 9);
  out += "\n\n";
  for (const auto& c : classes_) out += row(c, width);
  out += "\n";
  out += detail::pad_left("accuracy", width) + " " + " " + std::string(9, ' ') + " " + std::string(9, ' ') + " " +
         detail::format_fixed(accuracy_, digits_) + " " + detail::pad_left(std::to_string(total_), 9) + "\n";
  out += row(macro_, width);
  out += row(weighted_, width);
  return out;
}

LAMINA_INLINE std::string classification_report::markdown() const {
  auto f = [&](double v) { return detail::format_fixed(v, digits_, 0); };
  std::string out = "| | precision | recall | f1-score | support |\n|---|---:|---:|---:|---:|\n";
  auto line = [&](const class_scores& c) {
    out += "| " + c.name + " | " + f(c.precision) + " | " + f(c.recall) + " | " + f(c.f1) + " | " +
           std::to_string(c.support) + " |\n";
  };
  for (const auto& c : classes_) line(c);
  out += "| accuracy | | | " + f(accuracy_) + " | " + std::to_string(total_) + " |\n";
  line(macro_);
  line(weighted_);
  return out;
}

LAMINA_INLINE std::string classification_report::row(const class_scores& c, std::size_t width) const {
  return detail::pad_left(c.name, width) + " " + " " + detail::format_fixed(c.precision, digits_) + " " +
         detail::format_fixed(c.recall, digits_) + " " + detail::format_fixed(c.f1, digits_) + " " +
         detail::pad_left(std::to_string(c.support), 9) + "\n";
}

LAMINA_INLINE void classification_report::build(const confusion_matrix& cm, const std::vector<std::size_t>& rows,
                                                const std::vector<std::string>& names) {
  auto divide = [](double num, std::int64_t den) { return den == 0 ? 0.0 : num / double(den); };
  std::vector<double> p, r, f, w;
  std::int64_t tp_all = 0;
  total_ = 0;
  for (std::size_t k : rows) {
    const std::int64_t tp = cm.true_positives(k), pred = cm.predicted_count(k), sup = cm.support(k);
    // F1 as sklearn computes it: 2 tp / (2 tp + fp + fn) = 2 tp / (support + predicted).
    class_scores c{names[k], divide(double(tp), pred), divide(double(tp), sup),
                   divide(2.0 * double(tp), sup + pred), sup};
    p.push_back(c.precision);
    r.push_back(c.recall);
    f.push_back(c.f1);
    w.push_back(double(sup));
    classes_.push_back(std::move(c));
    tp_all += tp;
    total_ += sup;
  }
  // Micro average over the listed classes: sum tp / sum predicted (= correct / total when every
  // class is listed, which is sklearn's condition for printing the row as "accuracy").
  std::int64_t pred_all = 0;
  for (std::size_t k : rows) pred_all += cm.predicted_count(k);
  accuracy_ = (total_ + pred_all) == 0 ? 0.0 : 2.0 * double(tp_all) / (double(total_) + double(pred_all));

  const double n = rows.empty() ? 1.0 : double(rows.size());
  macro_ = {"macro avg", detail::numpy_sum(p) / n, detail::numpy_sum(r) / n, detail::numpy_sum(f) / n, total_};
  const double scale = detail::numpy_sum(w);
  auto weighted = [&](const std::vector<double>& v) {
    if (scale == 0.0) return detail::numpy_sum(v) / n;  // sklearn: all weights zero -> plain mean
    std::vector<double> vw(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) vw[i] = v[i] * w[i];
    return detail::numpy_sum(vw) / scale;
  };
  weighted_ = {"weighted avg", weighted(p), weighted(r), weighted(f), total_};
}

}  // namespace lamina::metrics
