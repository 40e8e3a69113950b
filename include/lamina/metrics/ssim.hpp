#pragma once
// Structural similarity (Wang et al. 2004) exactly as
//   skimage.metrics.structural_similarity(im1, im2, data_range=R, gaussian_weights=True,
//       sigma=1.5, use_sample_covariance=False, channel_axis=0)
// computes it for one [C, H, W] image:
//   - local means, variances and covariance from a separable Gaussian filter (sigma 1.5,
//     truncated at 3.5 sigma: radius 5, an 11-tap window), scipy.ndimage's mode 'reflect'
//     (d c b a | a b c d | d c b a) at the borders;
//   - population covariances; C1 = (K1 R)^2, C2 = (K2 R)^2 with K1 = 0.01, K2 = 0.03;
//   - S = (2 ux uy + C1)(2 vxy + C2) / ((ux^2 + uy^2 + C1)(vx + vy + C2)), averaged over the
//     image without a border of (win - 1) / 2 = 5 pixels on each side (skimage's crop), then
//     over the channels.
// Everything is computed in double. Images must be at least win x win (11 x 11) in H and W,
// as skimage requires; smaller ones throw std::invalid_argument.
//
// Batches [N, C, H, W]: ssim() is the mean over images of the per-image SSIM (for equal-size
// images this is also the mean over all planes). Identical images give exactly 1.
// Planes (image, channel) are processed in parallel with OpenMP; each plane's sum has a fixed
// order, so the result does not depend on the number of threads.
//
//   double s = lm::metrics::ssim(prediction, target);                 // data range 1.0
//   auto per = lm::metrics::ssim_per_image(pred, target, {.data_range = 255.0});
//   lm::Tensor map = lm::metrics::ssim_map(pred, target);             // skimage's full=True image
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "image_pair.hpp"

namespace lamina::metrics {

/// SSIM settings, with skimage's defaults for gaussian_weights=True (window radius 5: 11 taps).
struct ssim_options {
  /// The images' value range, max - min (skimage's data_range); image_quality's PSNR uses it too.
  double data_range = 1.0;
  /// Standard deviation of the Gaussian window, in pixels.
  double sigma = 1.5;
  /// Window radius in sigmas: radius = int(truncate * sigma + 0.5).
  double truncate = 3.5;
  /// K1, which gives the stabilising constant C1 = (K1 * data_range)^2 of the means' term.
  double k1 = 0.01, k2 = 0.03;  ///< K2, for C2 = (K2 * data_range)^2 of the variances' term.
};

namespace detail {

// scipy.ndimage mode 'reflect' (half-sample symmetric), for any overshoot.
LAMINA_INLINE std::size_t reflect_index(std::ptrdiff_t i, std::size_t n);

// scipy.ndimage's _gaussian_kernel1d(sigma, order 0, radius).
LAMINA_INLINE std::vector<double> gaussian_taps(double sigma, std::size_t radius);

struct ssim_setup {
  std::vector<double> taps;
  std::size_t radius = 0, win = 0;
  double c1 = 0, c2 = 0;

  ssim_setup(const ssim_options& o, const image_layout& l, const char* who);
};

// Work buffers of one thread.
struct ssim_workspace {
  std::vector<double> vert;  // [5, rows, W]: vertically filtered x, y, xx, yy, xy
  std::vector<double> row;   // [5, W + 2r]: one row of them, reflect-padded
  std::vector<double> acc;   // [5, W]: horizontally filtered
};

// SSIM of one H x W plane: returns the mean over [r, H-r) x [r, W-r); with `map`, also writes
// the SSIM of every pixel (H x W).
LAMINA_INLINE double ssim_plane(const float* x, const float* y, std::size_t h, std::size_t w, const ssim_setup& s,
                                ssim_workspace& ws, float* map = nullptr);

// Mean SSIM of every (image, channel) plane, [N * C], in parallel; optionally the full maps.
LAMINA_INLINE std::vector<double> ssim_planes(ConstTensorView a, ConstTensorView b, const image_layout& l,
                                              const ssim_setup& s, float* maps = nullptr);

LAMINA_INLINE std::vector<double> per_image_means(const std::vector<double>& planes, const image_layout& l);

}  // namespace detail

/// SSIM of each image of the batch (mean over its channels).
LAMINA_INLINE std::vector<double> ssim_per_image(ConstTensorView a, ConstTensorView b, const ssim_options& o = {});
/// SSIM of each image of the batch, with the default window and the given data range.
LAMINA_INLINE std::vector<double> ssim_per_image(ConstTensorView a, ConstTensorView b, double data_range);

/// Mean SSIM over the images of the batch.
LAMINA_INLINE double ssim(ConstTensorView a, ConstTensorView b, const ssim_options& o = {});
/// Mean SSIM over the images of the batch, with the default window and the given data range.
LAMINA_INLINE double ssim(ConstTensorView a, ConstTensorView b, double data_range);

/// The SSIM of every pixel (skimage's `full=True` image S), same shape as the inputs; its
/// cropped mean per plane is what ssim() averages.
LAMINA_INLINE Tensor ssim_map(ConstTensorView a, ConstTensorView b, const ssim_options& o = {});

}  // namespace lamina::metrics

#ifndef LAMINA_COMPILED_LIB
#include "ssim-inl.hpp"
#endif
