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

#include "../core/rng.hpp"
#include "../core/tensor.hpp"

namespace lamina::data {

// A shape-preserving, in-place transform of a batch [N, sample...] drawing from `gen`.
using batch_transform = std::function<void(TensorView batch, rng& gen)>;

// A copy of `t` transformed by f(TensorView).
template <class F>
Tensor with(ConstTensorView t, F&& f) {
  Tensor out(t.shape);
  std::copy(t.begin(), t.end(), out.begin());
  std::forward<F>(f)(out.view());
  return out;
}
template <class F>
Tensor with(const Tensor& t, F&& f) { return with(t.view(), std::forward<F>(f)); }

// ---- conversion and layout --------------------------------------------------------------

// 8-bit pixels -> floats in [0, 1] (p / 255, exact for 0 and 255).
inline void to_float(std::span<const std::uint8_t> src, std::span<float> dst) {
  if (src.size() != dst.size())
    throw std::invalid_argument("lamina::data::to_float: " + std::to_string(src.size()) + " bytes into " +
                                std::to_string(dst.size()) + " floats");
  for (std::size_t i = 0; i < src.size(); ++i) dst[i] = float(src[i]) / 255.0f;
}
inline Tensor to_float(std::span<const std::uint8_t> src, dims shape) {
  if (shape.size() != src.size())
    throw std::invalid_argument("lamina::data::to_float: shape " + to_string(shape) + " does not hold " +
                                std::to_string(src.size()) + " values");
  Tensor t(shape);
  to_float(src, t.view().span());
  return t;
}

// [N, ...] viewed as [N, rest] (no copy).
template <class T>
basic_tensor_view<T> flatten(basic_tensor_view<T> t) {
  if (t.shape.rank == 0) throw std::invalid_argument("lamina::data::flatten: a scalar has no batch dimension");
  const std::size_t n = t.shape[0];
  return {t.data, make_dims(n, n ? t.size() / n : 0)};
}
inline ConstTensorView flatten(const Tensor& t) { return flatten(t.view()); }
inline TensorView flatten(Tensor& t) { return flatten(t.view()); }

// ---- normalisation ----------------------------------------------------------------------

struct channel_stats {
  std::vector<float> mean, stddev;  // population statistics per channel
};

// Mean and standard deviation of each channel of [N, C, ...] (in double).
inline channel_stats compute_channel_stats(ConstTensorView x) {
  if (x.shape.rank < 2) throw std::invalid_argument("lamina::data::compute_channel_stats: expected [N, C, ...], got " + to_string(x.shape));
  const std::size_t n = x.shape[0], c = x.shape[1], inner = x.size() / std::max<std::size_t>(n * c, 1);
  channel_stats s{std::vector<float>(c), std::vector<float>(c)};
  for (std::size_t k = 0; k < c; ++k) {
    double sum = 0, sq = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < inner; ++j) {
        const double v = x.data[(i * c + k) * inner + j];
        sum += v, sq += v * v;
      }
    const double m = sum / double(n * inner);
    s.mean[k] = float(m);
    s.stddev[k] = float(std::sqrt(std::max(0.0, sq / double(n * inner) - m * m)));
  }
  return s;
}

// x[:, k] = (x[:, k] - mean[k]) / stddev[k] for [N, C, ...]. One value each applies to all channels.
inline void normalize(TensorView x, std::span<const float> mean, std::span<const float> stddev) {
  if (x.shape.rank < 2) throw std::invalid_argument("lamina::data::normalize: expected [N, C, ...], got " + to_string(x.shape));
  const std::size_t n = x.shape[0], c = x.shape[1], inner = x.size() / std::max<std::size_t>(n * c, 1);
  auto fits = [&](std::size_t m) { return m == 1 || m == c; };
  if (!fits(mean.size()) || !fits(stddev.size()))
    throw std::invalid_argument("lamina::data::normalize: " + std::to_string(mean.size()) + " means and " +
                                std::to_string(stddev.size()) + " deviations for " + std::to_string(c) +
                                " channels; give 1 or " + std::to_string(c) + " of each");
  for (std::size_t k = 0; k < c; ++k) {
    const float m = mean[mean.size() == 1 ? 0 : k], inv = 1.0f / stddev[stddev.size() == 1 ? 0 : k];
    for (std::size_t i = 0; i < n; ++i) {
      float* p = x.data + (i * c + k) * inner;
      for (std::size_t j = 0; j < inner; ++j) p[j] = (p[j] - m) * inv;
    }
  }
}
inline void normalize(TensorView x, const channel_stats& s) { normalize(x, s.mean, s.stddev); }

// ---- noise (denoising inputs) -------------------------------------------------------------

namespace detail {
inline float clamp_unit(float v, bool clamp) { return clamp ? std::clamp(v, 0.0f, 1.0f) : v; }
}  // namespace detail

// x += U(-amplitude, amplitude) per element.
inline void add_uniform_noise(TensorView x, float amplitude, rng& gen, bool clamp = true) {
  for (float& v : x) v = detail::clamp_unit(v + gen.uniform(-amplitude, amplitude), clamp);
}
// x += N(0, sigma^2) per element.
inline void add_gaussian_noise(TensorView x, float sigma, rng& gen, bool clamp = true) {
  for (float& v : x) v = detail::clamp_unit(v + sigma * gen.normal(), clamp);
}
// Each pixel (all channels of one spatial position of [N, C, H, W]; each element for other
// ranks) is set to `value` with probability p.
inline void pixel_dropout(TensorView x, float p, rng& gen, float value = 0.0f) {
  if (x.shape.rank == 4) {
    const std::size_t n = x.shape[0], c = x.shape[1], hw = x.shape[2] * x.shape[3];
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < hw; ++j)
        if (gen.uniform() < p)
          for (std::size_t k = 0; k < c; ++k) x.data[(i * c + k) * hw + j] = value;
    return;
  }
  for (float& v : x)
    if (gen.uniform() < p) v = value;
}

// ---- geometry ------------------------------------------------------------------------------

namespace detail {
inline void check_nchw(const dims& s, const char* who) {
  if (s.rank != 4) throw std::invalid_argument(std::string(who) + ": expected images [N, C, H, W], got " + to_string(s));
}
inline void flip_image(float* img, std::size_t c, std::size_t h, std::size_t w) {
  for (std::size_t r = 0; r < c * h; ++r) std::reverse(img + r * w, img + (r + 1) * w);
}
}  // namespace detail

// Mirrors every image of [N, C, H, W] left-right.
inline void hflip(TensorView x) {
  detail::check_nchw(x.shape, "lamina::data::hflip");
  const std::size_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
  for (std::size_t i = 0; i < n; ++i) detail::flip_image(x.data + i * c * h * w, c, h, w);
}
// Mirrors each image with probability p (one draw per image).
inline void random_hflip(TensorView x, rng& gen, float p = 0.5f) {
  detail::check_nchw(x.shape, "lamina::data::random_hflip");
  const std::size_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
  for (std::size_t i = 0; i < n; ++i)
    if (gen.uniform() < p) detail::flip_image(x.data + i * c * h * w, c, h, w);
}

// Crops each image of src [N, C, H, W] at its own random offset into dst [N, C, h, w]
// (h <= H, w <= W; every window inside the image). `offsets`, when given, receives (top, left)
// per image.
inline void random_crop(ConstTensorView src, TensorView dst, rng& gen,
                        std::vector<std::pair<std::size_t, std::size_t>>* offsets = nullptr) {
  detail::check_nchw(src.shape, "lamina::data::random_crop");
  detail::check_nchw(dst.shape, "lamina::data::random_crop");
  const std::size_t n = src.shape[0], c = src.shape[1], H = src.shape[2], W = src.shape[3];
  const std::size_t h = dst.shape[2], w = dst.shape[3];
  if (dst.shape[0] != n || dst.shape[1] != c || h > H || w > W)
    throw std::invalid_argument("lamina::data::random_crop: cannot crop " + to_string(src.shape) + " to " +
                                to_string(dst.shape));
  if (offsets) offsets->resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t top = gen.below(H - h + 1), left = gen.below(W - w + 1);
    if (offsets) (*offsets)[i] = {top, left};
    for (std::size_t k = 0; k < c; ++k)
      for (std::size_t y = 0; y < h; ++y)
        std::copy_n(src.data + ((i * c + k) * H + top + y) * W + left, w, dst.data + ((i * c + k) * h + y) * w);
  }
}
inline Tensor random_crop(ConstTensorView src, std::size_t h, std::size_t w, rng& gen) {
  detail::check_nchw(src.shape, "lamina::data::random_crop");
  Tensor out(make_dims(src.shape[0], src.shape[1], h, w));
  random_crop(src, out.view(), gen);
  return out;
}

// ---- loader hooks -----------------------------------------------------------------------------

namespace transform {

inline batch_transform uniform_noise(float amplitude, bool clamp = true) {
  return [=](TensorView x, rng& gen) { add_uniform_noise(x, amplitude, gen, clamp); };
}
inline batch_transform gaussian_noise(float sigma, bool clamp = true) {
  return [=](TensorView x, rng& gen) { add_gaussian_noise(x, sigma, gen, clamp); };
}
inline batch_transform dropout(float p, float value = 0.0f) {
  return [=](TensorView x, rng& gen) { pixel_dropout(x, p, gen, value); };
}
inline batch_transform hflip(float p = 0.5f) {
  return [=](TensorView x, rng& gen) { random_hflip(x, gen, p); };
}
inline batch_transform normalize(std::vector<float> mean, std::vector<float> stddev) {
  return [mean = std::move(mean), stddev = std::move(stddev)](TensorView x, rng&) { data::normalize(x, mean, stddev); };
}
// Applies each in order, sharing the generator.
inline batch_transform compose(std::vector<batch_transform> steps) {
  return [steps = std::move(steps)](TensorView x, rng& gen) {
    for (const auto& s : steps) s(x, gen);
  };
}

}  // namespace transform

}  // namespace lamina::data
