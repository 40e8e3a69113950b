#pragma once
// Fourier features y = [cos(2 pi p), sin(2 pi p)] of projections p [rows, m], and the gradient
// with respect to p, one projection per index (the GPU runs these; the CPU computes a row at a
// time with SIMD sincos, kernels/cpu/fourier_features.hpp).
#include <cmath>
#include <cstddef>

#include "../../core/config.hpp"

namespace lamina::kernels::device {

/// Fourier features over [rows, m] projections: i = r * m + k.
/// Row r of y [rows, 2 m] gets cos(2 pi p) in its first m columns, sin(2 pi p) in its last m.
struct fourier_features_forward_op {
  /// `proj` the projections p [rows, m], `y` the features [rows, 2 m], `m` projections per row.
  ///@{
  const float* proj; float* y; std::size_t m;
  ///@}
  /// The cosine and sine of projection i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t r = i / m, k = i % m;
    const float a = 6.28318530717958647692f * proj[i];  // 2 pi p, rounded as the CPU kernel
    y[r * 2 * m + k] = ::cosf(a);
    y[r * 2 * m + m + k] = ::sinf(a);
  }
};
/// The gradient of fourier_features_forward_op with respect to the projections, one per index:
/// dL/dp = 2 pi (cos(2 pi p) dL/dsin - sin(2 pi p) dL/dcos), with cos and sin read from y.
struct fourier_features_backward_op {
  /// `y` the forward output and `dy` its gradient [rows, 2 m]; `dproj` the gradient of the
  /// projections [rows, m], overwritten; `m` projections per row.
  ///@{
  const float* y; const float* dy; float* dproj; std::size_t m;
  ///@}
  /// The gradient of projection i = r * m + k.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t r = i / m, k = i % m;
    const float* yc = y + r * 2 * m;
    const float* dyc = dy + r * 2 * m;
    dproj[i] = 6.28318530717958647692f * (yc[k] * dyc[m + k] - yc[m + k] * dyc[k]);
  }
};

}  // namespace lamina::kernels::device
