#pragma once
// Definitions for transforms.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
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

#include "transforms.hpp"

namespace lamina::data {

LAMINA_INLINE void to_float(std::span<const std::uint8_t> src, std::span<float> dst) {
  if (src.size() != dst.size())
    throw std::invalid_argument("lamina::data::to_float: " + std::to_string(src.size()) + " bytes into " +
                                std::to_string(dst.size()) + " floats");
  for (std::size_t i = 0; i < src.size(); ++i) dst[i] = float(src[i]) / 255.0f;
}

LAMINA_INLINE Tensor to_float(std::span<const std::uint8_t> src, dims shape) {
  if (shape.size() != src.size())
    throw std::invalid_argument("lamina::data::to_float: shape " + to_string(shape) + " does not hold " +
                                std::to_string(src.size()) + " values");
  Tensor t(shape);
  to_float(src, t.view().span());
  return t;
}

LAMINA_INLINE channel_stats compute_channel_stats(ConstTensorView x) {
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

LAMINA_INLINE void normalize(TensorView x, std::span<const float> mean, std::span<const float> stddev) {
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

namespace detail {
LAMINA_INLINE float clamp_unit(float v, bool clamp) { return clamp ? std::clamp(v, 0.0f, 1.0f) : v; }
}  // namespace detail

LAMINA_INLINE void add_uniform_noise(TensorView x, float amplitude, rng& gen, bool clamp) {
  for (float& v : x) v = detail::clamp_unit(v + gen.uniform(-amplitude, amplitude), clamp);
}

LAMINA_INLINE void add_gaussian_noise(TensorView x, float sigma, rng& gen, bool clamp) {
  for (float& v : x) v = detail::clamp_unit(v + sigma * gen.normal(), clamp);
}

LAMINA_INLINE void pixel_dropout(TensorView x, float p, rng& gen, float value) {
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

namespace detail {
LAMINA_INLINE void check_nchw(const dims& s, const char* who) {
  if (s.rank != 4) throw std::invalid_argument(std::string(who) + ": expected images [N, C, H, W], got " + to_string(s));
}
LAMINA_INLINE void flip_image(float* img, std::size_t c, std::size_t h, std::size_t w) {
  for (std::size_t r = 0; r < c * h; ++r) std::reverse(img + r * w, img + (r + 1) * w);
}
}  // namespace detail


LAMINA_INLINE void hflip(TensorView x) {
  detail::check_nchw(x.shape, "lamina::data::hflip");
  const std::size_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
  for (std::size_t i = 0; i < n; ++i) detail::flip_image(x.data + i * c * h * w, c, h, w);
}

LAMINA_INLINE void random_hflip(TensorView x, rng& gen, float p) {
  detail::check_nchw(x.shape, "lamina::data::random_hflip");
  const std::size_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
  for (std::size_t i = 0; i < n; ++i)
    if (gen.uniform() < p) detail::flip_image(x.data + i * c * h * w, c, h, w);
}

LAMINA_INLINE void random_crop(ConstTensorView src, TensorView dst, rng& gen,
                               std::vector<std::pair<std::size_t, std::size_t>>* offsets) {
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

LAMINA_INLINE Tensor random_crop(ConstTensorView src, std::size_t h, std::size_t w, rng& gen) {
  detail::check_nchw(src.shape, "lamina::data::random_crop");
  Tensor out(make_dims(src.shape[0], src.shape[1], h, w));
  random_crop(src, out.view(), gen);
  return out;
}

namespace transform {

LAMINA_INLINE batch_transform uniform_noise(float amplitude, bool clamp) {
  return [=](TensorView x, rng& gen) { add_uniform_noise(x, amplitude, gen, clamp); };
}

LAMINA_INLINE batch_transform gaussian_noise(float sigma, bool clamp) {
  return [=](TensorView x, rng& gen) { add_gaussian_noise(x, sigma, gen, clamp); };
}

LAMINA_INLINE batch_transform dropout(float p, float value) {
  return [=](TensorView x, rng& gen) { pixel_dropout(x, p, gen, value); };
}

LAMINA_INLINE batch_transform hflip(float p) {
  return [=](TensorView x, rng& gen) { random_hflip(x, gen, p); };
}

LAMINA_INLINE batch_transform normalize(std::vector<float> mean, std::vector<float> stddev) {
  return [mean = std::move(mean), stddev = std::move(stddev)](TensorView x, rng&) { data::normalize(x, mean, stddev); };
}

LAMINA_INLINE batch_transform compose(std::vector<batch_transform> steps) {
  return [steps = std::move(steps)](TensorView x, rng& gen) {
    for (const auto& s : steps) s(x, gen);
  };
}

}  // namespace transform

}  // namespace lamina::data
