#pragma once
// The photo patches of the conv_autoencoder example (shared with unet_denoise): non-overlapping
// 64x64 RGB tiles of the photos in data/images, nearly flat tiles dropped (pixel standard
// deviation below 0.02: their reconstruction is trivial and would only inflate the PSNR), then a
// seeded split into exactly `train` and `val` patches. Also the per-image SSIM as a Trainer metric.
#include <lamina/lamina.hpp>
#include <lamina/train/trainer.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "networks.hpp"

namespace examples::conv_autoencoder {

constexpr float flat_std = 0.02f;  // tiles with a smaller pixel standard deviation are dropped

struct patch_data {
  lm::Tensor train, val;  // [n, 3, 64, 64] in [0, 1]
  std::size_t tiles = 0, flat = 0;
};

// `train` and `val` patches (the --train and --val options), split by `seed`.
inline patch_data load_patches(std::size_t train, std::size_t val, std::uint64_t seed) {
  std::vector<lm::Tensor> photos;
  for (const auto& p : lm::data::photos) photos.push_back(lm::data::load_photo(p.file, 3));
  const lm::Tensor tiles = lm::data::tiled_patches(photos, patch, patch, patch);
  patch_data d;
  d.tiles = tiles.shape()[0];
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < d.tiles; ++i) {
    const float* x = tiles.data() + i * patch_values;
    double s = 0, s2 = 0;
    for (std::size_t k = 0; k < patch_values; ++k) s += x[k], s2 += double(x[k]) * x[k];
    const double mean = s / patch_values, var = std::max(0.0, s2 / patch_values - mean * mean);
    if (std::sqrt(var) >= flat_std) kept.push_back(i);
  }
  d.flat = d.tiles - kept.size();
  const std::size_t n = kept.size();
  if (train + val > n)
    throw std::invalid_argument("--train " + std::to_string(train) + " plus --val " + std::to_string(val) +
                                " patches exceed the " + std::to_string(n) + " non-flat 64x64 tiles of data/images");
  // The unused tiles go to split_indices' "test" part, so train and validation get exact counts.
  const auto s = lm::data::split_indices(
      n, {.validation = double(val) / double(n), .test = double(n - train - val) / double(n), .seed = seed});
  if (s.train.size() != train || s.validation.size() != val)
    throw std::logic_error("patch split gave " + std::to_string(s.train.size()) + " / " +
                           std::to_string(s.validation.size()) + " patches");
  auto pick = [&](const std::vector<std::size_t>& idx) {
    std::vector<std::size_t> rows;
    for (auto i : idx) rows.push_back(kept[i]);
    return lm::data::take_rows(tiles.view(), rows);
  };
  d.train = pick(s.train);
  d.val = pick(s.validation);
  return d;
}

// A tensor's values, for the loaders.
inline std::span<const float> floats(const lm::Tensor& t) { return {t.data(), t.size()}; }

// SSIM summed over the images of a batch, as a Trainer metric (the epoch value is the mean per image).
inline lm::train::metric ssim_metric() {
  return {"ssim", [](lm::ConstTensorView out, const lm::train::batch_target& t) {
            double s = 0;
            for (double v : lm::metrics::ssim_per_image(out, t.values, 1.0)) s += v;
            return s;
          }};
}

}  // namespace examples::conv_autoencoder
