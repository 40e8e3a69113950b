#pragma once
// Top-1 (and top-k) accuracy of logits [N, C] against int32 labels, per batch and accumulated
// over batches (torchmetrics' MulticlassAccuracy(average="micro"): correct / total).
//
//   lm::metrics::running_accuracy acc;
//   for (auto& batch : val) { model.forward(batch.images); acc.update(model.output(), batch.labels); }
//   std::printf("val acc %.4f (%zu / %zu)\n", acc.value(), acc.correct(), acc.total());
//
// Arg-max ties go to the lowest class index (torch.argmax's rule); NaN logits never win.
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/tensor.hpp"

namespace lamina::metrics {

namespace detail {
// Rows and columns of logits [N, C] (any rank >= 1: N = shape[0], C = the rest).
inline std::size_t logit_rows(ConstTensorView logits, std::size_t labels, const char* who) {
  if (logits.shape.rank == 0)
    throw std::invalid_argument(std::string(who) + ": logits must be [N, C], got a scalar");
  const std::size_t n = logits.shape[0];
  if (labels != n)
    throw std::invalid_argument(std::string(who) + ": logits " + to_string(logits.shape) + " have " +
                                std::to_string(n) + " rows but there are " + std::to_string(labels) +
                                " labels");
  return n;
}

inline std::size_t argmax_row(const float* row, std::size_t c) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < c; ++k)
    if (row[k] > row[best] || (row[best] != row[best] && row[k] == row[k])) best = k;
  return best;
}
}  // namespace detail

// Predicted class per row of logits [N, C] (arg-max; ties -> lowest index).
inline std::vector<std::int32_t> argmax(ConstTensorView logits) {
  if (logits.shape.rank == 0 || logits.shape[0] == 0) return {};
  const std::size_t n = logits.shape[0], c = logits.size() / n;
  std::vector<std::int32_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::int32_t(detail::argmax_row(logits.data + i * c, c));
  return out;
}

// Number of rows of logits [N, C] whose arg-max equals the label.
inline std::size_t correct(ConstTensorView logits, std::span<const std::int32_t> labels) {
  const std::size_t n = detail::logit_rows(logits, labels.size(), "metrics::correct");
  if (n == 0) return 0;
  const std::size_t c = logits.size() / n;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < n; ++i)
    hits += std::int32_t(detail::argmax_row(logits.data + i * c, c)) == labels[i];
  return hits;
}

// Number of rows whose label is among the k largest logits (a tie with the k-th largest counts
// as a hit only if the label's index is lower: the same order as a stable descending sort).
inline std::size_t correct_top_k(ConstTensorView logits, std::span<const std::int32_t> labels, std::size_t k) {
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

// Top-1 accuracy of one batch, in [0, 1] (0 for an empty batch).
inline double accuracy(ConstTensorView logits, std::span<const std::int32_t> labels) {
  return labels.empty() ? 0.0 : double(correct(logits, labels)) / double(labels.size());
}
// Accuracy of predicted labels against true labels.
inline double accuracy(std::span<const std::int32_t> predicted, std::span<const std::int32_t> labels) {
  if (predicted.size() != labels.size())
    throw std::invalid_argument("metrics::accuracy: " + std::to_string(predicted.size()) + " predictions but " +
                                std::to_string(labels.size()) + " labels");
  std::size_t hits = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) hits += predicted[i] == labels[i];
  return labels.empty() ? 0.0 : double(hits) / double(labels.size());
}

// Correct / total over any number of batches (top-k with k > 1 if asked). Integer counts, so
// the result does not depend on how the data was batched.
class running_accuracy {
 public:
  explicit running_accuracy(std::size_t top_k = 1) : k_(top_k) {
    if (k_ == 0) throw std::invalid_argument("metrics::running_accuracy: top_k must be at least 1");
  }

  // Adds a batch of logits [N, C] and its N labels.
  void update(ConstTensorView logits, std::span<const std::int32_t> labels) {
    correct_ += k_ == 1 ? metrics::correct(logits, labels) : correct_top_k(logits, labels, k_);
    total_ += labels.size();
  }
  // Adds predicted labels (top-1 only).
  void update(std::span<const std::int32_t> predicted, std::span<const std::int32_t> labels) {
    if (predicted.size() != labels.size())
      throw std::invalid_argument("metrics::running_accuracy::update: " + std::to_string(predicted.size()) +
                                  " predictions but " + std::to_string(labels.size()) + " labels");
    for (std::size_t i = 0; i < labels.size(); ++i) correct_ += predicted[i] == labels[i];
    total_ += labels.size();
  }
  // Adds counts computed elsewhere (e.g. by metrics::correct on another thread's shard).
  void update(std::size_t correct, std::size_t total) {
    if (correct > total)
      throw std::invalid_argument("metrics::running_accuracy::update: correct > total");
    correct_ += correct;
    total_ += total;
  }

  double value() const { return total_ ? double(correct_) / double(total_) : 0.0; }
  std::size_t correct() const { return correct_; }
  std::size_t total() const { return total_; }
  std::size_t top_k() const { return k_; }
  void reset() { correct_ = total_ = 0; }

 private:
  std::size_t k_ = 1, correct_ = 0, total_ = 0;
};

}  // namespace lamina::metrics
