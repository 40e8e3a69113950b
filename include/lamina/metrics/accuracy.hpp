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

#include "../core/config.hpp"
#include "../core/tensor.hpp"

namespace lamina::metrics {

namespace detail {
// Rows and columns of logits [N, C] (any rank >= 1: N = shape[0], C = the rest).
LAMINA_INLINE std::size_t logit_rows(ConstTensorView logits, std::size_t labels, const char* who);

inline std::size_t argmax_row(const float* row, std::size_t c) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < c; ++k)
    if (row[k] > row[best] || (row[best] != row[best] && row[k] == row[k])) best = k;
  return best;
}
}  // namespace detail

/// Predicted class per row of logits [N, C] (arg-max; ties -> lowest index).
LAMINA_INLINE std::vector<std::int32_t> argmax(ConstTensorView logits);

/// Number of rows of logits [N, C] whose arg-max equals the label.
LAMINA_INLINE std::size_t correct(ConstTensorView logits, std::span<const std::int32_t> labels);

/// Number of rows whose label is among the k largest logits (a tie with the k-th largest counts
/// as a hit only if the label's index is lower: the same order as a stable descending sort).
LAMINA_INLINE std::size_t correct_top_k(ConstTensorView logits, std::span<const std::int32_t> labels, std::size_t k);

/// Top-1 accuracy of one batch, in [0, 1] (0 for an empty batch).
LAMINA_INLINE double accuracy(ConstTensorView logits, std::span<const std::int32_t> labels);
/// Accuracy of predicted labels against true labels.
LAMINA_INLINE double accuracy(std::span<const std::int32_t> predicted, std::span<const std::int32_t> labels);

/// Correct / total over any number of batches (top-k with k > 1 if asked). Integer counts, so
/// the result does not depend on how the data was batched.
class running_accuracy {
 public:
  /// Counts a sample as correct when its label is among the `top_k` largest logits (>= 1;
  /// torchmetrics' top_k); 1 is plain arg-max accuracy.
  explicit running_accuracy(std::size_t top_k = 1);

  /// Adds a batch of logits [N, C] and its N labels.
  void update(ConstTensorView logits, std::span<const std::int32_t> labels);
  /// Adds predicted labels (top-1 only).
  void update(std::span<const std::int32_t> predicted, std::span<const std::int32_t> labels);
  /// Adds counts computed elsewhere (e.g. by metrics::correct on another thread's shard).
  void update(std::size_t correct, std::size_t total);

  /// The accuracy so far, correct() / total(), in [0, 1] (0 before any sample).
  double value() const { return total_ ? double(correct_) / double(total_) : 0.0; }
  /// Samples counted as correct since construction or reset().
  std::size_t correct() const { return correct_; }
  /// Samples seen since construction or reset().
  std::size_t total() const { return total_; }
  /// The k of top-k accuracy given at construction.
  std::size_t top_k() const { return k_; }
  /// Forgets every sample (e.g. at the start of an epoch); top_k is kept.
  void reset() { correct_ = total_ = 0; }

 private:
  std::size_t k_ = 1, correct_ = 0, total_ = 0;
};

}  // namespace lamina::metrics

#ifndef LAMINA_COMPILED_LIB
#include "accuracy-inl.hpp"
#endif
