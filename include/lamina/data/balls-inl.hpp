#pragma once
// Definitions for balls.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "balls.hpp"

namespace lamina::data {

namespace detail {

LAMINA_INLINE rng sample_rng(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  std::uint64_t z = seed ^ (stream * 0xd1b54a32d192ed03ull) ^ (index * 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ull;
  return rng(z ^ (z >> 29) ^ index);
}

}  // namespace detail

LAMINA_INLINE void render_balls(std::span<const ball> balls, TensorView image) {
  const std::size_t c = image.shape[0], h = image.shape[1], w = image.shape[2];
  std::fill(image.begin(), image.end(), 0.0f);
  for (const ball& b : balls) {
    const auto r0 = std::size_t(std::max(0.0f, std::floor(b.y - b.radius - 1)));
    const auto r1 = std::min(h, std::size_t(std::max(0.0f, std::ceil(b.y + b.radius + 1))));
    const auto c0 = std::size_t(std::max(0.0f, std::floor(b.x - b.radius - 1)));
    const auto c1 = std::min(w, std::size_t(std::max(0.0f, std::ceil(b.x + b.radius + 1))));
    for (std::size_t r = r0; r < r1; ++r)
      for (std::size_t col = c0; col < c1; ++col) {
        const float dx = float(col) + 0.5f - b.x, dy = float(r) + 0.5f - b.y;
        const float cover = std::clamp(b.radius + 0.5f - std::sqrt(dx * dx + dy * dy), 0.0f, 1.0f);
        if (cover <= 0) continue;
        for (std::size_t k = 0; k < c; ++k) {
          float& p = image.data[(k * h + r) * w + col];
          p = std::max(p, b.color[c == 1 ? 0 : k] * cover);
        }
      }
  }
}

namespace detail {

LAMINA_INLINE void check_balls_options(const balls_options& o) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("lamina::data::balls_options: " + what); };
  if (o.channels != 1 && o.channels != 3) fail("channels must be 1 or 3, got " + std::to_string(o.channels));
  if (o.min_balls == 0 || o.min_balls > o.max_balls) fail("need 1 <= min_balls <= max_balls");
  if (!(o.min_radius > 0 && o.min_radius <= o.max_radius)) fail("need 0 < min_radius <= max_radius");
  if (2 * o.max_radius + 2 > float(o.size)) fail("balls of radius max_radius do not fit in a size x size frame");
  if (!(o.min_level > 0 && o.min_level <= o.max_level && o.max_level <= 1)) fail("need 0 < min_level <= max_level <= 1");
}

LAMINA_INLINE void random_color(ball& b, std::size_t channels, float lo, float hi, rng& gen) {
  const float level = gen.uniform(lo, hi);
  if (channels == 1) {
    b.color[0] = b.color[1] = b.color[2] = level;
    return;
  }
  // A random hue at full saturation scaled by level, mixed a little towards grey.
  float rgb[3];
  for (float& v : rgb) v = gen.uniform(0.15f, 1.0f);
  rgb[gen.below(3)] = 1.0f;
  for (int k = 0; k < 3; ++k) b.color[k] = level * rgb[k];
}

LAMINA_INLINE std::vector<ball> place_balls(std::size_t n, const balls_options& o, rng& gen) {
  const float s = float(o.size);
  for (int attempt = 0;; ++attempt) {
    std::vector<ball> balls;
    for (std::size_t i = 0; i < n; ++i) {
      bool placed = false;
      for (int tries = 0; tries < 200 && !placed; ++tries) {
        ball b;
        b.radius = gen.uniform(o.min_radius, o.max_radius);
        b.x = gen.uniform(b.radius + 0.5f, s - b.radius - 0.5f);
        b.y = gen.uniform(b.radius + 0.5f, s - b.radius - 0.5f);
        placed = std::all_of(balls.begin(), balls.end(), [&](const ball& a) {
          return std::hypot(a.x - b.x, a.y - b.y) >= a.radius + b.radius + o.min_gap;
        });
        if (placed) {
          random_color(b, o.channels, o.min_level, o.max_level, gen);
          balls.push_back(b);
        }
      }
      if (!placed) break;
    }
    if (balls.size() == n) return balls;
    if (attempt == 100)
      throw std::invalid_argument("lamina::data::make_balls: cannot place " + std::to_string(n) + " balls of radius " +
                                  std::to_string(o.min_radius) + ".." + std::to_string(o.max_radius) + " with gap " +
                                  std::to_string(o.min_gap) + " in a " + std::to_string(o.size) + "^2 frame");
  }
}

}  // namespace detail

LAMINA_INLINE balls_set make_balls(const balls_options& o) {
  detail::check_balls_options(o);
  balls_set set;
  set.images = Tensor(make_dims(o.count, o.channels, o.size, o.size));
  set.labels.resize(o.count);
  set.balls.resize(o.count);
  const std::size_t per = o.channels * o.size * o.size;
  for (std::size_t i = 0; i < o.count; ++i) {
    rng gen = detail::sample_rng(o.seed, 1, i);
    const std::size_t n = o.min_balls + std::size_t(gen.below(o.max_balls - o.min_balls + 1));
    set.balls[i] = detail::place_balls(n, o, gen);
    set.labels[i] = std::int32_t(n - o.min_balls);
    TensorView img{set.images.data() + i * per, make_dims(o.channels, o.size, o.size)};
    render_balls(set.balls[i], img);
    if (o.noise > 0)
      for (float& p : img) p = std::clamp(p + o.noise * gen.normal(), 0.0f, 1.0f);
  }
  return set;
}

}  // namespace lamina::data
