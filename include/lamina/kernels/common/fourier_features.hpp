#pragma once
// Fourier features y = [cos(2 pi p), sin(2 pi p)] of projections p [rows, m], and the gradient
// with respect to p, one projection per index (the GPU runs these; the CPU computes a row at a
// time with SIMD sincos, kernels/cpu/fourier_features.hpp).
#include <cmath>
#include <cstddef>

#include "../../core/config.hpp"

namespace lamina::kernels::device {

// Fourier features over [rows, m] projections: i = r * m + k.
struct fourier_features_forward_op {
  const float* proj; float* y; std::size_t m;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t r = i / m, k = i % m;
    const float a = 6.28318530717958647692f * proj[i];  // 2 pi p, rounded as the CPU kernel
    y[r * 2 * m + k] = ::cosf(a);
    y[r * 2 * m + m + k] = ::sinf(a);
  }
};
struct fourier_features_backward_op {
  const float* y; const float* dy; float* dproj; std::size_t m;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t r = i / m, k = i % m;
    const float* yc = y + r * 2 * m;
    const float* dyc = dy + r * 2 * m;
    dproj[i] = 6.28318530717958647692f * (yc[k] * dyc[m + k] - yc[m + k] * dyc[k]);
  }
};

}  // namespace lamina::kernels::device
