#pragma once
// Definitions for image_quality.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>
#include <cstddef>
#include <vector>

#include "image_quality.hpp"

namespace lamina::metrics {

LAMINA_INLINE image_quality::image_quality(const ssim_options& o, bool with_ssim) : opts_(o), with_ssim_(with_ssim) {
  detail::check_data_range(o.data_range, "metrics::image_quality");
}

LAMINA_INLINE void image_quality::update(ConstTensorView prediction, ConstTensorView target) {
  const auto mse = mse_per_image(prediction, target);
  std::vector<double> ssim;
  if (with_ssim_) ssim = ssim_per_image(prediction, target, opts_);
  for (std::size_t i = 0; i < mse.size(); ++i) {
    mse_sum_ += mse[i];
    const double p = psnr_from_mse(mse[i], opts_.data_range);
    if (std::isinf(p)) ++exact_;
    psnr_sum_ += p;
    if (with_ssim_) ssim_sum_ += ssim[i];
  }
  count_ += mse.size();
}

}  // namespace lamina::metrics
