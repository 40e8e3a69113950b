#pragma once
// Element-wise kernel bodies (activations, sums, products, broadcasts, dropout, Fourier
// features) as functors of one flat index: see launch.hpp.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../../../core/config.hpp"
#include "../../cpu/dropout.hpp"  // detail::coin_bits: the same hash on every backend
#include "launch.hpp"

namespace lamina::kernels::device {

struct fill_op {
  float* y; float value;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = value; }
};
struct add_scalar_op {
  float* y; float value;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] += value; }
};
struct add_op {
  const float* a; const float* b; float* out;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { out[i] = a[i] + b[i]; }
};
struct multiply_op {
  const float* a; const float* b; float* out;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { out[i] = a[i] * b[i]; }
};
// y[r, c] = row[c] over [rows, cols].
struct broadcast_rows_op {
  const float* row; float* y; std::size_t cols;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = row[i % cols]; }
};

struct relu_forward_op {
  const float* x; float* y;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = x[i] > 0.f ? x[i] : 0.f; }
};
struct relu_backward_op {  // from the output, as the CPU kernel
  const float* y; const float* dy; float* dx;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { dx[i] = y[i] > 0.f ? dy[i] : 0.f; }
};
struct leaky_relu_forward_op {
  const float* x; float* y; float slope;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = x[i] > 0.f ? x[i] : x[i] * slope; }
};
struct leaky_relu_backward_op {
  const float* x; const float* dy; float* dx; float slope;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { dx[i] = x[i] > 0.f ? dy[i] : dy[i] * slope; }
};
struct sigmoid_forward_op {
  const float* x; float* y;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = 1.f / (1.f + ::expf(-x[i])); }
};
struct sigmoid_backward_op {
  const float* y; const float* dy; float* dx;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { dx[i] = dy[i] * y[i] * (1.f - y[i]); }
};
struct tanh_forward_op {
  const float* x; float* y;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = ::tanhf(x[i]); }
};
struct tanh_backward_op {
  const float* y; const float* dy; float* dx;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { dx[i] = dy[i] * (1.f - y[i] * y[i]); }
};

// Inverted dropout with the CPU kernel's counter-based coin: identical masks on every backend.
struct dropout_forward_op {
  const float* x; float* y; float* mask; std::uint64_t seed; std::uint32_t threshold; float keep_scale;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const float m = detail::coin_bits(seed, i) >= threshold ? keep_scale : 0.f;
    mask[i] = m;
    y[i] = x[i] * m;
  }
};
// The CPU kernel's threshold and scale for drop probability p.
struct dropout_constants {
  std::uint32_t threshold; float keep_scale;
};
inline dropout_constants dropout_constants_for(float p) {
  return {std::uint32_t(double(p) * double(1u << 24)), p < 1.f ? 1.f / (1.f - p) : 0.f};
}

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
