#pragma once
// Image grids: tensors of images laid out in a grid (with captions under images, a title),
// labelled rows of several tensors (clean / noisy / reconstructed; ground truth above
// prediction), and the feature maps of one sample. All return a viz::image; save it with
// viz::save_png (viz/png.hpp).
//
//   lm::viz::grid_options o;
//   o.cols = 8; o.title = "epoch 3"; o.height = o.width = 64;     // rows of W [n, 4096] as 64x64
//   lm::viz::save_png("weights.png", lm::viz::grid(model_weight, o));
//   lm::viz::save_png("denoise.png", lm::viz::rows({{"clean", x}, {"noisy", xn}, {"reconstructed", y}}));
//   lm::viz::save_png("conv1.png", lm::viz::feature_maps(activations /* [C, H, W] */));
//
// Accepted layouts: [N, C, H, W] with C = 1 or 3, [N, H, W], and [N, D] with D = H*W or 3*H*W
// for the (height, width) in the options (default: a square D).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "image.hpp"
#include "normalize.hpp"
#include "text.hpp"

namespace lamina::viz {

/// Layout and look of an image grid: the options of grid(), rows() and feature_maps().
struct grid_options {
  /// Images per row; 0 (the default): about square, ceil(sqrt(N)) columns.
  std::size_t cols = 0;
  /// Pixels of background around the grid and between images (default 4).
  int padding = 4;
  /// Whole-number nearest-neighbour upscaling of every image; 0 (the default) picks the smallest
  /// that makes images at least 96 pixels on their longer side (at most 16).
  int scale = 0;
  /// Text size in pixels per em for captions, row labels and the title (default 20).
  double font_size = 20;
  normalize norm = normalize::per_image();  ///< How values map to levels (viz/normalize.hpp).
  /// Image height and width in pixels that rows [N, D] are reshaped to (D = H*W grey or
  /// 3*H*W RGB); both 0 (the default): D must be a perfect square, images are sqrt(D) wide.
  ///@{
  std::size_t height = 0, width = 0;  // reshape of [N, D] rows; 0: D is a square
  ///@}
  /// Captions, one per image, drawn under it (grid and feature_maps); missing ones are blank.
  std::vector<std::string> captions = {};
  std::string title = {};  ///< Centred above the grid; empty: no title.
  rgb background = colors::white;  ///< Colour behind the images and text.
  rgb text_color = colors::black;  ///< Colour of the title, captions and row labels.
  rgb nan_color = colors::magenta;  ///< Colour of NaN pixels (any NaN channel, for RGB).
};

/// One labelled row for rows(): images [N, ...] as for grid(), a label on the left.
struct row {
  std::string label;  ///< Drawn to the left of the row, e.g. "clean" or "reconstructed".
  ConstTensorView images;  ///< Images [N, C, H, W], [N, H, W] or [N, D], as for grid().
  std::vector<std::string> captions = {};  ///< One per image, under it; may be empty.
};

namespace detail {
struct image_stack {  // a tensor read as n images of c x h x w
  const float* data = nullptr;
  std::size_t n = 0, c = 1, h = 0, w = 0;
  std::size_t image_size() const { return c * h * w; }
};

struct cell {
  image tile;
  std::string caption;
};
}  // namespace detail

/// A grid of the images in a tensor [N, C, H, W] / [N, H, W] / [N, D].
LAMINA_INLINE image grid(ConstTensorView images, const grid_options& o = {});

/// Labelled rows, one per tensor (all with images of the same height and width), e.g. ground
/// truth above prediction. With a global normalisation all rows share one range.
LAMINA_INLINE image rows(std::span<const row> rs, const grid_options& o = {});
/// Labelled rows from a braced list, e.g. rows({{"clean", x}, {"noisy", xn}}).
LAMINA_INLINE image rows(std::initializer_list<row> rs, const grid_options& o = {});

/// The channels of one sample's activations [C, H, W] (or [1, C, H, W]) as C grey maps, each
/// normalised on its own unless the options say otherwise; captions default to channel numbers.
LAMINA_INLINE image feature_maps(ConstTensorView maps, grid_options o = {});

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "grid-inl.hpp"
#endif
