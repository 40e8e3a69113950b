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

/// MSE of each image of the batch (over C*H*W values).
LAMINA_INLINE std::vector<double> mse_per_image(ConstTensorView a, ConstTensorView b);

/// MSE over every value of the batch, which equals the mean of the per-image MSEs since all
/// images have the same size (torchmetrics' MeanSquaredError over the batch).
// MSE over every value of the batch (= the mean of the per-image MSEs: all images are the same size).
LAMINA_INLINE double mse(ConstTensorView a, ConstTensorView b);

/// 10 log10(data_range^2 / mse); +infinity for mse == 0.
LAMINA_INLINE double psnr_from_mse(double mse, double data_range = 1.0);

/// PSNR of each image of the batch, in dB.
LAMINA_INLINE std::vector<double> psnr_per_image(ConstTensorView a, ConstTensorView b, double data_range = 1.0);

/// Mean of the per-image PSNRs, in dB (see the header comment; +infinity if any image is exact).
LAMINA_INLINE double psnr(ConstTensorView a, ConstTensorView b, double data_range = 1.0);

}  // namespace lamina::metrics

#ifndef LAMINA_COMPILED_LIB
#include "psnr-inl.hpp"
#endif
