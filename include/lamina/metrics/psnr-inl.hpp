#pragma once
// Definitions for psnr.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "psnr.hpp"

namespace lamina::metrics {

LAMINA_INLINE std::vector<double> mse_per_image(ConstTensorView a, ConstTensorView b) {
  const auto l = detail::image_pair_layout(a, b, "metrics::mse");
  const std::size_t m = l.image();
  std::vector<double> out(l.n);
  const std::ptrdiff_t n = std::ptrdiff_t(l.n);
  LAMINA_OMP(omp parallel for schedule(static) if (l.n * m > (1u << 16)))
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const float* x = a.data + std::size_t(i) * m;
    const float* y = b.data + std::size_t(i) * m;
    double s = 0;
    for (std::size_t k = 0; k < m; ++k) {
      const double d = double(x[k]) - double(y[k]);
      s += d * d;
    }
    out[std::size_t(i)] = s / double(m);
  }
  return out;
}

LAMINA_INLINE double mse(ConstTensorView a, ConstTensorView b) {
  const auto per = mse_per_image(a, b);
  double s = 0;
  for (double v : per) s += v;
  return per.empty() ? 0.0 : s / double(per.size());
}

LAMINA_INLINE double psnr_from_mse(double mse, double data_range) {
  detail::check_data_range(data_range, "metrics::psnr_from_mse");
  if (mse <= 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(data_range * data_range / mse);
}

LAMINA_INLINE std::vector<double> psnr_per_image(ConstTensorView a, ConstTensorView b, double data_range) {
  detail::check_data_range(data_range, "metrics::psnr");
  auto v = mse_per_image(a, b);
  for (double& x : v) x = psnr_from_mse(x, data_range);
  return v;
}

LAMINA_INLINE double psnr(ConstTensorView a, ConstTensorView b, double data_range) {
  const auto per = psnr_per_image(a, b, data_range);
  double s = 0;
  for (double v : per) s += v;
  return per.empty() ? 0.0 : s / double(per.size());
}

}  // namespace lamina::metrics
