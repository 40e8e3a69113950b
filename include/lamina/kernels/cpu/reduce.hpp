#pragma once
// Reductions with a fixed summation order, so results are bit-identical for any thread count.
#include <cstddef>

#include <xsimd/xsimd.hpp>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"

namespace lamina::kernels {

// out[c] = sum_r x[r, c] (rows summed in order; columns vectorised). Bias gradients.
inline void column_sum(cpu, const float* x, std::size_t rows, std::size_t cols, float* out) {
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

// Sum of n values in double, blocked in a fixed order: the same bits for any thread count.
inline double sum(cpu, const float* x, std::size_t n) {
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += x[i];
  return total;
}

}  // namespace lamina::kernels
