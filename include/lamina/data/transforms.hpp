#pragma once
// Transforms of float image tensors: per-channel normalisation, u8 -> [0,1], noise for
// denoising (uniform +-a, Gaussian sigma, pixel drop-out), random crop, horizontal flip and
// flatten. The in-place functions take the generator explicitly, so a seed fixes the result;
// the transform:: factories wrap them as batch_transform hooks for the loaders (loader.hpp
// seeds each batch's generator from (seed, epoch, batch), so results do not depend on
// prefetching).
//
//   lm::rng gen(7);
//   lm::data::add_uniform_noise(faces.images.view(), 0.4f, gen);    // whole data set, in place
//   Tensor noisy = lm::data::with(faces.images, [&](TensorView x) { lm::data::pixel_dropout(x, 0.2f, gen); });
//   loader_options o{.batch_size = 32, .sample_shape = lm::make_dims(1, 64, 64),
//                    .transform = lm::data::transform::uniform_noise(0.4f)};   // per batch
//
// Layouts: noise, normalise and flip take [N, C, H, W] (normalise: [N, C, ...]); noise works on
// any shape. Values are clamped to [0, 1] after noise unless `clamp` is false.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../core/config.hpp"
#include "../core/rng.hpp"
#include "../core/tensor.hpp"

namespace lamina::data {

/// A shape-preserving, in-place transform of a batch [N, sample...] drawing from `gen`.
using batch_transform = std::function<void(TensorView batch, rng& gen)>;

/// A copy of `t` transformed by f(TensorView).
template <class F>
Tensor with(ConstTensorView t, F&& f) {
  Tensor out(t.shape);
  std::copy(t.begin(), t.end(), out.begin());
  std::forward<F>(f)(out.view());
  return out;
}
/// The same, for a tensor.
template <class F>
Tensor with(const Tensor& t, F&& f) { return with(t.view(), std::forward<F>(f)); }

// ---- conversion and layout --------------------------------------------------------------

/// 8-bit pixels -> floats in [0, 1] (p / 255, exact for 0 and 255).
LAMINA_INLINE void to_float(std::span<const std::uint8_t> src, std::span<float> dst);
/// The same into a new tensor of shape `shape`, which must hold src.size() values.
LAMINA_INLINE Tensor to_float(std::span<const std::uint8_t> src, dims shape);

/// [N, ...] viewed as [N, rest] (no copy).
template <class T>
basic_tensor_view<T> flatten(basic_tensor_view<T> t) {
  if (t.shape.rank == 0) throw std::invalid_argument("lamina::data::flatten: a scalar has no batch dimension");
  const std::size_t n = t.shape[0];
  return {t.data, make_dims(n, n ? t.size() / n : 0)};
}
/// The same, for a tensor.
inline ConstTensorView flatten(const Tensor& t) { return flatten(t.view()); }
/// The same, for a mutable tensor (the view can write to it).
inline TensorView flatten(Tensor& t) { return flatten(t.view()); }

// ---- normalisation ----------------------------------------------------------------------

/// Per-channel statistics from compute_channel_stats(), for normalize().
struct channel_stats {
  /// Mean and standard deviation of each channel (population: divided by the count, not count - 1).
  ///@{
  std::vector<float> mean, stddev;  // population statistics per channel
  ///@}
};

/// Mean and standard deviation of each channel of [N, C, ...] (in double).
LAMINA_INLINE channel_stats compute_channel_stats(ConstTensorView x);

/// Normalises each channel k of [N, C, ...] in place: x[:, k] = (x[:, k] - mean[k]) / stddev[k].
/// One mean or stddev applies to all channels; like torchvision's Normalize.
// x[:, k] = (x[:, k] - mean[k]) / stddev[k] for [N, C, ...]. One value each applies to all channels.
LAMINA_INLINE void normalize(TensorView x, std::span<const float> mean, std::span<const float> stddev);
/// Normalises with statistics from compute_channel_stats(), like torchvision's Normalize.
inline void normalize(TensorView x, const channel_stats& s) { normalize(x, s.mean, s.stddev); }

// ---- noise (denoising inputs) -------------------------------------------------------------

/// x += U(-amplitude, amplitude) per element.
LAMINA_INLINE void add_uniform_noise(TensorView x, float amplitude, rng& gen, bool clamp = true);
/// x += N(0, sigma^2) per element.
LAMINA_INLINE void add_gaussian_noise(TensorView x, float sigma, rng& gen, bool clamp = true);
/// Each pixel (all channels of one spatial position of [N, C, H, W]; each element for other
/// ranks) is set to `value` with probability p.
LAMINA_INLINE void pixel_dropout(TensorView x, float p, rng& gen, float value = 0.0f);

// ---- geometry ------------------------------------------------------------------------------

/// Mirrors every image of [N, C, H, W] left-right.
LAMINA_INLINE void hflip(TensorView x);
/// Mirrors each image with probability p (one draw per image).
LAMINA_INLINE void random_hflip(TensorView x, rng& gen, float p = 0.5f);

/// Crops each image of src [N, C, H, W] at its own random offset into dst [N, C, h, w]
/// (h <= H, w <= W; every window inside the image). `offsets`, when given, receives (top, left)
/// per image.
LAMINA_INLINE void random_crop(ConstTensorView src, TensorView dst, rng& gen,
                               std::vector<std::pair<std::size_t, std::size_t>>* offsets = nullptr);
/// The same into a new tensor [N, C, h, w].
LAMINA_INLINE Tensor random_crop(ConstTensorView src, std::size_t h, std::size_t w, rng& gen);

// ---- loader hooks -----------------------------------------------------------------------------

/// Factories of batch_transform hooks for loader_options::transform.
namespace transform {

/// A hook running add_uniform_noise() on each batch, e.g. for a denoising autoencoder.
LAMINA_INLINE batch_transform uniform_noise(float amplitude, bool clamp = true);
/// A hook running add_gaussian_noise() on each batch.
LAMINA_INLINE batch_transform gaussian_noise(float sigma, bool clamp = true);
/// A hook running pixel_dropout() on each batch.
LAMINA_INLINE batch_transform dropout(float p, float value = 0.0f);
/// A hook running random_hflip() on each batch, like torchvision's RandomHorizontalFlip(p).
LAMINA_INLINE batch_transform hflip(float p = 0.5f);
/// A hook running normalize() on each batch, like torchvision's Normalize(mean, std).
LAMINA_INLINE batch_transform normalize(std::vector<float> mean, std::vector<float> stddev);
/// Applies each in order, sharing the generator.
/// Like torchvision's Compose.
LAMINA_INLINE batch_transform compose(std::vector<batch_transform> steps);

}  // namespace transform

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "transforms-inl.hpp"
#endif
