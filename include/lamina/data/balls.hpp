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

/// One ball of a synthetic image: where it is, its size and its colour.
struct ball {
  /// Centre in pixels, x across the columns and y down the rows, from the top-left corner.
  ///@{
  float x = 0, y = 0;          // centre in pixels; pixel (row r, col c) has its centre at (c + 0.5, r + 0.5)
  ///@}
  float radius = 1;  ///< Radius in pixels; the edge is anti-aliased over one pixel.
  /// Level of each channel (R, G, B) in [0, 1]; 1-channel images use color[0] only.
  float color[3] = {1, 1, 1};
};

namespace detail {

// Each sample's own generator: depends only on (seed, stream, index).
LAMINA_INLINE rng sample_rng(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

}  // namespace detail

/// Draws balls into `image` [C, H, W] (C = 1 or 3), each pixel's value the maximum over balls of
/// colour * coverage, coverage = clamp(r + 0.5 - d, 0, 1) with d the distance from the pixel
/// centre to the ball centre (a one-pixel linear ramp: anti-aliased edges).
LAMINA_INLINE void render_balls(std::span<const ball> balls, TensorView image);

/// Options of make_balls(): the number and size of the images, and how the balls are drawn.
/// The defaults give well-separated balls; harder() gives the harder test set.
struct balls_options {
  /// Number of images N.
  std::size_t count = 1000;
  /// Side of the square images in pixels (height = width).
  std::size_t size = 32;
  /// Channels C: 1 (grey levels) or 3 (colours); other values are rejected.
  std::size_t channels = 1;
  /// Balls per image, drawn uniformly from [min_balls, max_balls]; label = balls - min_balls.
  ///@{
  std::size_t min_balls = 1, max_balls = 3;
  ///@}
  /// Radius range in pixels, drawn uniformly; a ball of max_radius must fit in the frame.
  ///@{
  float min_radius = 3.0f, max_radius = 6.0f;
  ///@}
  /// Brightness range in (0, 1], drawn uniformly: the grey level, or a colour's brightest
  /// channel.
  ///@{
  float min_level = 0.5f, max_level = 1.0f;  // grey level, or brightest channel of a colour
  ///@}
  /// Least distance in pixels between two balls' edges; a negative gap lets balls overlap.
  float min_gap = 2.0f;
  /// Standard deviation of Gaussian pixel noise (0: none); pixels are clamped to [0, 1] after.
  float noise = 0.0f;
  std::uint64_t seed = 0;  ///< Seed: image i depends only on (seed, i).

  /// A harder test set from `base` (its count, size, channels, seed): touching and slightly
  /// overlapping balls, smaller radii, dimmer levels and pixel noise.
  static balls_options harder(balls_options base) {
    base.min_radius = 2.0f;
    base.max_radius = 4.5f;
    base.min_level = 0.3f;
    base.min_gap = -1.0f;
    base.noise = 0.05f;
    return base;
  }
  /// The harder options from the defaults: harder(balls_options{}).
  static balls_options harder();
};
inline balls_options balls_options::harder() { return harder(balls_options{}); }

/// A data set made by make_balls(): images, their labels (ball counts) and the balls drawn.
struct balls_set {
  /// Images [N, C, size, size], values in [0, 1].
  Tensor images;
  /// Class labels [N]: number of balls - min_balls (0, 1, 2 with the defaults).
  std::vector<std::int32_t> labels;
  /// The balls of each image as rendered: ground truth for positions, sizes and colours.
  std::vector<std::vector<ball>> balls;
  /// Number of images N.
  std::size_t size() const { return labels.size(); }
  /// Floats per image: C * size * size (0 for an empty set).
  std::size_t sample_size() const { return size() ? images.size() / size() : 0; }
};

namespace detail {

LAMINA_INLINE void check_balls_options(const balls_options& o);

// Places n non-overlapping (up to min_gap) balls fully inside a size x size frame.
LAMINA_INLINE std::vector<ball> place_balls(std::size_t n, const balls_options& o, rng& gen);

}  // namespace detail

/// Generates a "count the balls" data set in memory; throws std::invalid_argument for
/// inconsistent options or balls that cannot be placed.
LAMINA_INLINE balls_set make_balls(const balls_options& o);

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "balls-inl.hpp"
#endif
