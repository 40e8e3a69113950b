#pragma once
// Synthetic "count the balls" images (CSIT6000M task 1): 1x32x32 grey (or 3-channel colour)
// images with 1..3 anti-aliased balls on black, labelled by count (class = count - 1).
// Counts are drawn uniformly, so the classes are balanced in expectation.
//
//   auto train = lm::data::make_balls({.count = 3000, .seed = 1});      // images [3000, 1, 32, 32]
//   auto test  = lm::data::make_balls(lm::data::balls_options::harder({.count = 600, .seed = 3}));
//   lm::data::ClassificationLoader loader(train.images, train.labels, train.sample_size(), {...});
//
// Image i depends only on (seed, i): a larger data set with the same seed starts with the
// same images. By default balls keep a gap of min_gap pixels (they never touch, so every ball
// is a separate blob); harder() allows touching and slightly overlapping, smaller and dimmer
// balls and adds noise.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../core/rng.hpp"
#include "../core/tensor.hpp"

namespace lamina::data {

struct ball {
  float x = 0, y = 0;          // centre in pixels; pixel (row r, col c) has its centre at (c + 0.5, r + 0.5)
  float radius = 1;
  float color[3] = {1, 1, 1};  // grey level in color[0] for 1-channel images
};

namespace detail {

// Each sample's own generator: depends only on (seed, stream, index).
LAMINA_INLINE rng sample_rng(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

}  // namespace detail

// Draws balls into `image` [C, H, W] (C = 1 or 3), each pixel's value the maximum over balls of
// colour * coverage, coverage = clamp(r + 0.5 - d, 0, 1) with d the distance from the pixel
// centre to the ball centre (a one-pixel linear ramp: anti-aliased edges).
LAMINA_INLINE void render_balls(std::span<const ball> balls, TensorView image);

struct balls_options {
  std::size_t count = 1000;               // images
  std::size_t size = 32;                  // height = width
  std::size_t channels = 1;               // 1 (grey levels) or 3 (colours)
  std::size_t min_balls = 1, max_balls = 3;
  float min_radius = 3.0f, max_radius = 6.0f;
  float min_level = 0.5f, max_level = 1.0f;  // grey level, or brightest channel of a colour
  float min_gap = 2.0f;                   // pixels between ball edges; negative: overlap allowed
  float noise = 0.0f;                     // Gaussian sigma added to every pixel, then clamped to [0,1]
  std::uint64_t seed = 0;

  // A harder test set from `base` (its count, size, channels, seed): touching and slightly
  // overlapping balls, smaller radii, dimmer levels and pixel noise.
  static balls_options harder(balls_options base) {
    base.min_radius = 2.0f;
    base.max_radius = 4.5f;
    base.min_level = 0.3f;
    base.min_gap = -1.0f;
    base.noise = 0.05f;
    return base;
  }
  static balls_options harder();
};
inline balls_options balls_options::harder() { return harder(balls_options{}); }

struct balls_set {
  Tensor images;                              // [N, C, size, size] in [0, 1]
  std::vector<std::int32_t> labels;           // [N]: number of balls - min_balls (0, 1, 2)
  std::vector<std::vector<ball>> balls;       // the balls of each image
  std::size_t size() const { return labels.size(); }
  std::size_t sample_size() const { return size() ? images.size() / size() : 0; }
};

namespace detail {

LAMINA_INLINE void check_balls_options(const balls_options& o);

// Places n non-overlapping (up to min_gap) balls fully inside a size x size frame.
LAMINA_INLINE std::vector<ball> place_balls(std::size_t n, const balls_options& o, rng& gen);

}  // namespace detail

LAMINA_INLINE balls_set make_balls(const balls_options& o);

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "balls-inl.hpp"
#endif
