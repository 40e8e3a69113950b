#pragma once
// Definitions for softmax.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "softmax.hpp"

namespace lamina::kernels {

LAMINA_INLINE void softmax_forward(cpu, const float* x, float* y, std::size_t rows, std::size_t cols) {
  LAMINA_OMP(omp parallel for schedule(static) if (rows * cols > (1u << 16)))
  for (std::ptrdiff_t r = 0; r < std::ptrdiff_t(rows); ++r) {
    const float* xr = x + std::size_t(r) * cols;
    float* yr = y + std::size_t(r) * cols;
    const float m = *std::max_element(xr, xr + cols);
    float s = 0.f;
    for (std::size_t c = 0; c < cols; ++c) s += (yr[c] = std::exp(xr[c] - m));
    const float inv = 1.f / s;
    for (std::size_t c = 0; c < cols; ++c) yr[c] *= inv;
  }
}

LAMINA_INLINE void softmax_backward(cpu, const float* y, const float* dy, float* dx, std::size_t rows,
                                    std::size_t cols) {
  LAMINA_OMP(omp parallel for schedule(static) if (rows * cols > (1u << 16)))
  for (std::ptrdiff_t r = 0; r < std::ptrdiff_t(rows); ++r) {
    const std::size_t o = std::size_t(r) * cols;
    float dot = 0.f;
    for (std::size_t c = 0; c < cols; ++c) dot += dy[o + c] * y[o + c];
    for (std::size_t c = 0; c < cols; ++c) dx[o + c] = y[o + c] * (dy[o + c] - dot);
  }
}

LAMINA_INLINE float logsumexp(const float* x, std::size_t n) {
  const float m = *std::max_element(x, x + n);
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) s += std::exp(double(x[i] - m));
  return m + float(std::log(s));
}

}  // namespace lamina::kernels
