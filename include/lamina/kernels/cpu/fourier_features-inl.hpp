#pragma once
// Definitions for fourier_features.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>
#include <cstddef>
#include <numbers>

#include "fourier_features.hpp"

namespace lamina::kernels {

LAMINA_INLINE void fourier_features_forward(cpu, const float* proj, float* y, std::size_t rows, std::size_t m) {
  using B = xsimd::batch<float>;
  const float two_pi = 2.0f * std::numbers::pi_v<float>;
  LAMINA_OMP(omp parallel for schedule(static) if (rows * m > (1u << 14)))
  for (std::ptrdiff_t r = 0; r < std::ptrdiff_t(rows); ++r) {
    const float* p = proj + std::size_t(r) * m;
    float* yc = y + std::size_t(r) * 2 * m;
    float* ys = yc + m;
    std::size_t i = 0;
    for (; i + B::size <= m; i += B::size) {
      const auto [s, c] = xsimd::sincos(B::load_unaligned(p + i) * two_pi);
      c.store_unaligned(yc + i);
      s.store_unaligned(ys + i);
    }
    for (; i < m; ++i) {
      yc[i] = std::cos(two_pi * p[i]);
      ys[i] = std::sin(two_pi * p[i]);
    }
  }
}

LAMINA_INLINE void fourier_features_backward(cpu, const float* y, const float* dy, float* dproj, std::size_t rows,
                                             std::size_t m) {
  const float two_pi = 2.0f * std::numbers::pi_v<float>;
  LAMINA_OMP(omp parallel for schedule(static) if (rows * m > (1u << 14)))
  for (std::ptrdiff_t r = 0; r < std::ptrdiff_t(rows); ++r) {
    const float* yc = y + std::size_t(r) * 2 * m;
    const float* dyc = dy + std::size_t(r) * 2 * m;
    float* d = dproj + std::size_t(r) * m;
    LAMINA_OMP(omp simd)
    for (std::size_t i = 0; i < m; ++i) d[i] = two_pi * (yc[i] * dyc[m + i] - yc[m + i] * dyc[i]);
  }
}

}  // namespace lamina::kernels
