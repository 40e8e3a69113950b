#pragma once
// Element-wise kernel bodies (fill, broadcasts, Fourier features) as functors of one
// flat index: see launch.hpp.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../../../core/config.hpp"
#include "../../common/index_math.hpp"

namespace lamina::kernels::device {

struct fill_op {
  float* y; float value;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = value; }
};
struct add_scalar_op {
  float* y; float value;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] += value; }
};
// y[r, c] = row[c] over [rows, cols].
struct broadcast_rows_op {
  const float* row; float* y; std::size_t cols;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = row[i % cols]; }
};

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
