#pragma once
// Mean squared error and peak signal-to-noise ratio of float images, as
// skimage.metrics.mean_squared_error and skimage.metrics.peak_signal_noise_ratio compute them
// for one image: MSE over all its pixels and channels, PSNR = 10 log10(data_range^2 / MSE).
// Accumulated in double.
//
// Images are [N, C, H, W], [C, H, W] or [H, W] (image_pair.hpp); both arguments the same shape.
//
// Batches: psnr() is the MEAN OF PER-IMAGE PSNRs, the way the course reports average PSNR over
// a validation set (and how skimage is used in a loop). This is not torchmetrics'
// PeakSignalNoiseRatio(), which pools the squared error of the whole batch first; that value is
// psnr_from_mse(mse(a, b)). The two differ whenever the images' MSEs differ (the mean of logs
// is at most the log of the mean: per-image averaging gives the higher number).
//
// Identical images have MSE 0 and PSNR +infinity (skimage returns inf too, with a warning); the
// mean over a batch containing one is +infinity. Filter with std::isfinite if that matters.
//
//   double p = lm::metrics::psnr(prediction, target);            // data range 1.0
//   auto per = lm::metrics::psnr_per_image(pred, target, 255.0); // one value per image
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "../core/config.hpp"
#include "image_pair.hpp"

namespace lamina::metrics {

// MSE of each image of the batch (over C*H*W values).
inline std::vector<double> mse_per_image(ConstTensorView a, ConstTensorView b) {
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

// MSE over every value of the batch (= the mean of the per-image MSEs: all images are the same size).
inline double mse(ConstTensorView a, ConstTensorView b) {
  const auto per = mse_per_image(a, b);
  double s = 0;
  for (double v : per) s += v;
  return per.empty() ? 0.0 : s / double(per.size());
}

// 10 log10(data_range^2 / mse); +infinity for mse == 0.
inline double psnr_from_mse(double mse, double data_range = 1.0) {
  detail::check_data_range(data_range, "metrics::psnr_from_mse");
  if (mse <= 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(data_range * data_range / mse);
}

// PSNR of each image of the batch, in dB.
inline std::vector<double> psnr_per_image(ConstTensorView a, ConstTensorView b, double data_range = 1.0) {
  detail::check_data_range(data_range, "metrics::psnr");
  auto v = mse_per_image(a, b);
  for (double& x : v) x = psnr_from_mse(x, data_range);
  return v;
}

// Mean of the per-image PSNRs, in dB (see the header comment; +infinity if any image is exact).
inline double psnr(ConstTensorView a, ConstTensorView b, double data_range = 1.0) {
  const auto per = psnr_per_image(a, b, data_range);
  double s = 0;
  for (double v : per) s += v;
  return per.empty() ? 0.0 : s / double(per.size());
}

}  // namespace lamina::metrics
