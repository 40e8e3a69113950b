#pragma once
// Definitions for reduce.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>

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
  // The largest exponent field: all ones exactly when some value is NaN or infinite (see
  // is_finite). One vectorised pass of integer ops, which -ffast-math leaves alone.
  // Split across threads from 64 Ki values on (a large network's gradients, every step).
  std::uint32_t top = 0;
  const std::ptrdiff_t count = std::ptrdiff_t(n);
  LAMINA_OMP(omp parallel for simd reduction(max : top) schedule(static) if (n >= (std::size_t{1} << 16)))
  for (std::ptrdiff_t i = 0; i < count; ++i) top = std::max(top, std::bit_cast<std::uint32_t>(x[i]) & 0x7f800000u);
  return top != 0x7f800000u;
}

}  // namespace lamina::kernels
