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

class image_quality {
 public:
  explicit image_quality(double data_range = 1.0, bool with_ssim = true)
      : image_quality(ssim_options{.data_range = data_range}, with_ssim) {}
  explicit image_quality(const ssim_options& o, bool with_ssim = true);

  // Adds a batch of predictions and targets, [N, C, H, W] (or one image [C, H, W] / [H, W]).
  void update(ConstTensorView prediction, ConstTensorView target);

  std::size_t count() const { return count_; }       // images seen
  std::size_t exact_images() const { return exact_; } // images with MSE 0 (PSNR +infinity)
  double mse() const { return count_ ? mse_sum_ / double(count_) : 0.0; }
  // Mean per-image PSNR in dB; +infinity if any image was reproduced exactly.
  double psnr() const { return count_ ? psnr_sum_ / double(count_) : 0.0; }
  // PSNR of the mean MSE (torchmetrics' PeakSignalNoiseRatio over the same images).
  double pooled_psnr() const { return count_ ? psnr_from_mse(mse(), opts_.data_range) : 0.0; }
  double ssim() const { return count_ && with_ssim_ ? ssim_sum_ / double(count_) : 0.0; }
  double data_range() const { return opts_.data_range; }
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
