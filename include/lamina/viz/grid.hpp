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

struct grid_options {
  std::size_t cols = 0;            // images per row; 0: about square (ceil(sqrt(N)))
  int padding = 4;                 // pixels around and between images
  int scale = 0;                   // nearest-neighbour upscaling; 0: auto (images at least 96 px)
  double font_size = 20;           // pixels per em of captions, labels and title (viz/text.hpp)
  normalize norm = normalize::per_image();
  std::size_t height = 0, width = 0;  // reshape of [N, D] rows; 0: D is a square
  std::vector<std::string> captions = {};  // one per image, under it (grid and feature_maps)
  std::string title = {};
  rgb background = colors::white;
  rgb text_color = colors::black;
  rgb nan_color = colors::magenta;
};

// One labelled row for rows(): images [N, ...] as for grid(), a label on the left.
struct row {
  std::string label;
  ConstTensorView images;
  std::vector<std::string> captions = {};
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

// A grid of the images in a tensor [N, C, H, W] / [N, H, W] / [N, D].
LAMINA_INLINE image grid(ConstTensorView images, const grid_options& o = {});

// Labelled rows, one per tensor (all with images of the same height and width), e.g. ground
// truth above prediction. With a global normalisation all rows share one range.
LAMINA_INLINE image rows(std::span<const row> rs, const grid_options& o = {});
LAMINA_INLINE image rows(std::initializer_list<row> rs, const grid_options& o = {});

// The channels of one sample's activations [C, H, W] (or [1, C, H, W]) as C grey maps, each
// normalised on its own unless the options say otherwise; captions default to channel numbers.
LAMINA_INLINE image feature_maps(ConstTensorView maps, grid_options o = {});

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "grid-inl.hpp"
#endif
