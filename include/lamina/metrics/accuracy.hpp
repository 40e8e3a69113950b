#pragma once
// Top-1 accuracy bookkeeping over batches of logits.
#include <cstdint>
#include <span>

#include "../core/tensor.hpp"

namespace lamina::metrics {

// Number of rows of logits [N, C] whose arg-max equals the label.
inline std::size_t correct(ConstTensorView logits, std::span<const std::int32_t> labels) {
  const std::size_t n = logits.shape[0], c = logits.size() / n;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const float* row = logits.data + i * c;
    std::size_t best = 0;
    for (std::size_t k = 1; k < c; ++k)
      if (row[k] > row[best]) best = k;
    hits += std::int32_t(best) == labels[i];
  }
  return hits;
}

}  // namespace lamina::metrics
