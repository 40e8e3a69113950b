#pragma once
// Definitions for reduce.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>

#include "reduce.hpp"

namespace lamina::kernels {

LAMINA_INLINE void column_sum(cpu, const float* x, std::size_t rows, std::size_t cols, float* out) {
  using B = xsimd::batch<float>;
  const std::size_t vec_end = cols - cols % B::size;
  for (std::size_t c = 0; c < vec_end; c += B::size) {
    B acc(0.f);
    for (std::size_t r = 0; r < rows; ++r) acc += B::load_unaligned(x + r * cols + c);
    acc.store_unaligned(out + c);
  }
  for (std::size_t c = vec_end; c < cols; ++c) {
    float acc = 0.f;
    for (std::size_t r = 0; r < rows; ++r) acc += x[r * cols + c];
    out[c] = acc;
  }
}

LAMINA_INLINE double sum(cpu, const float* x, std::size_t n) {
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += x[i];
  return total;
}

LAMINA_INLINE bool all_finite(cpu, const float* x, std::size_t n) {
  // x * 0 is 0 for every finite x and NaN for NaN and +-inf, so the sum is 0 exactly when all
  // are finite: one vectorised pass with no compare per element.
  float probe = 0.f;
  LAMINA_OMP(omp simd reduction(+ : probe))
  for (std::size_t i = 0; i < n; ++i) probe += x[i] * 0.f;
  return probe == 0.f;
}

}  // namespace lamina::kernels
