#pragma once
// Running MSE / PSNR / SSIM over the batches of a validation set, the numbers the reports
// tabulate per epoch. Each is the mean over all images seen of the per-image value (psnr.hpp
// explains why PSNR is averaged per image); pooled_psnr() is torchmetrics' convention instead
// (PSNR of the mean MSE).
//
//   lm::metrics::image_quality q;                    // data range 1.0, SSIM on
//   for (auto& batch : val) q.update(model.forward(batch.x, batch.size), batch.target);
//   std::printf("MSE %.5f  PSNR %.2f dB  SSIM %.4f\n", q.mse(), q.psnr(), q.ssim());
#include <cmath>
#include <cstddef>
#include <vector>

#include "../core/config.hpp"
#include "psnr.hpp"
#include "ssim.hpp"

namespace lamina::metrics {

/// Running means of the per-image MSE, PSNR and SSIM over the batches of a validation set
/// (plus pooled_psnr(), torchmetrics' PSNR of the mean MSE). All are 0 before the first image.
class image_quality {
 public:
  /// For images whose values span `data_range` (max - min: 1 for [0, 1], 255 for 8-bit), with
  /// skimage's default SSIM window; with_ssim = false skips SSIM, the costly part.
  explicit image_quality(double data_range = 1.0, bool with_ssim = true)
      : image_quality(ssim_options{.data_range = data_range}, with_ssim) {}
  /// The same with every SSIM setting given (its data_range also serves PSNR).
  explicit image_quality(const ssim_options& o, bool with_ssim = true);

  /// Adds a batch of predictions and targets, [N, C, H, W] (or one image [C, H, W] / [H, W]).
  void update(ConstTensorView prediction, ConstTensorView target);

  /// Images seen since construction or reset().
  std::size_t count() const { return count_; }       // images seen
  /// Images reproduced exactly: MSE 0, so PSNR +infinity.
  std::size_t exact_images() const { return exact_; } // images with MSE 0 (PSNR +infinity)
  /// Mean per-image MSE, in squared data units.
  double mse() const { return count_ ? mse_sum_ / double(count_) : 0.0; }
  /// Mean per-image PSNR in dB; +infinity if any image was reproduced exactly.
  double psnr() const { return count_ ? psnr_sum_ / double(count_) : 0.0; }
  /// PSNR of the mean MSE (torchmetrics' PeakSignalNoiseRatio over the same images).
  double pooled_psnr() const { return count_ ? psnr_from_mse(mse(), opts_.data_range) : 0.0; }
  /// Mean per-image SSIM, at most 1 (0 when built with with_ssim = false).
  double ssim() const { return count_ && with_ssim_ ? ssim_sum_ / double(count_) : 0.0; }
  /// The value range of the images, as given at construction.
  double data_range() const { return opts_.data_range; }
  /// Forgets every image seen (e.g. at the start of an epoch); the settings are kept.
  void reset() {
    count_ = exact_ = 0;
    mse_sum_ = psnr_sum_ = ssim_sum_ = 0;
  }

 private:
  ssim_options opts_;
  bool with_ssim_ = true;
  std::size_t count_ = 0, exact_ = 0;
  double mse_sum_ = 0, psnr_sum_ = 0, ssim_sum_ = 0;
};

}  // namespace lamina::metrics

#ifndef LAMINA_COMPILED_LIB
#include "image_quality-inl.hpp"
#endif
