#pragma once
// Definitions for elementwise.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <cstring>

#include "elementwise.hpp"

namespace lamina::kernels {

LAMINA_INLINE void add_scalar(cpu, float* dst, std::size_t n, float value) {
  for (std::size_t i = 0; i < n; ++i) dst[i] += value;
}

LAMINA_INLINE void broadcast_rows(cpu, const float* row, float* y, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) std::memcpy(y + r * cols, row, cols * sizeof(float));
}

LAMINA_INLINE void add(cpu, const float* a, const float* b, float* out, std::size_t n) {
  detail::map(n, out, fn::add{}, a, b);
}

LAMINA_INLINE void relu_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n) {
  detail::map(n, dx, fn::relu_backward{}, y, dy);
}

}  // namespace lamina::kernels
