#pragma once
// How image grids map float values to 8-bit grey or RGB levels: per-image or global min-max
// (min -> 0, max -> 255), symmetric around zero (-m..m with m = max |v|, so 0 is mid grey:
// good for weights), or a fixed range with clamping (e.g. [0, 1] for images a sigmoid made).
// Only finite values count towards a min-max range; NaN pixels are drawn in the grid's
// nan_color, +inf and -inf clamp to the ends. A constant image (zero range) is mid grey.
//
//   opts.norm = lm::viz::normalize::per_image();        // default
//   opts.norm = lm::viz::normalize::global();           // one range for all images (compare rows)
//   opts.norm = lm::viz::normalize::range(0.f, 1.f);    // fixed, clamped
//   opts.norm = lm::viz::normalize::symmetric();        // per image, 0 -> grey
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "../core/config.hpp"

namespace lamina::viz {

/// Which values a min-max or symmetric range is taken over: `per_image` (each image its own
/// range, so that each uses the full grey scale) or `global` (one range over every image of a
/// grid, or of all rows, so that levels compare across images).
enum class scope { per_image, global };

/// How a grid maps float values to 8-bit levels (see above); build one with the factories.
struct normalize {
  /// The mapping: `min_max` (finite minimum -> 0, maximum -> 255), `symmetric` (-m..m with
  /// m = max |v|, so 0 is mid grey) or `fixed` ([lo, hi] -> [0, 255], clamped; `over` is not
  /// used).
  enum class method { min_max, symmetric, fixed };
  method how = method::min_max;  ///< The mapping.
  scope over = scope::per_image;  ///< What a min-max or symmetric range is taken over.
  /// The range of method::fixed (lo < hi, both finite; checked when a grid is drawn).
  ///@{
  float lo = 0.f, hi = 1.f;  // the range of method::fixed
  ///@}

  /// Min-max over each image on its own (the default).
  static constexpr normalize per_image() { return {method::min_max, scope::per_image}; }
  /// Min-max over all images together, so that rows and images compare.
  static constexpr normalize global() { return {method::min_max, scope::global}; }
  /// Symmetric around zero (0 is mid grey), per image by default; good for weights.
  static constexpr normalize symmetric(scope s = scope::per_image) { return {method::symmetric, s}; }
  /// The fixed range [lo, hi] with clamping, e.g. range(0.f, 1.f) for a sigmoid's output.
  static constexpr normalize range(float lo, float hi) { return {method::fixed, scope::global, lo, hi}; }
};

/// The range [lo, hi] that values map onto [0, 255].
struct value_range {
  /// Values at level 0 and level 255; hi <= lo (a constant image) gives mid grey everywhere.
  ///@{
  float lo = 0.f, hi = 1.f;
  ///@}

  /// Level of one finite or infinite value (NaN is the caller's business).
  std::uint8_t level(float v) const {
    if (!(hi > lo)) return 128;  // constant image
    const double t = (double(v) - lo) / (double(hi) - lo);
    return std::uint8_t(std::lround(std::clamp(t, 0.0, 1.0) * 255.0));
  }
};

/// Widens [lo, hi] by the finite values among v[0..n) (start from lo = +inf, hi = -inf).
LAMINA_INLINE void widen_by_finite(const float* v, std::size_t n, float& lo, float& hi);

/// The range a normalisation gives to values whose finite extremes are [lo, hi] (lo > hi: none).
LAMINA_INLINE value_range range_from(float lo, float hi, const normalize& norm);

/// Range of n values under a normalisation (for method::fixed, the fixed range).
LAMINA_INLINE value_range range_of(const float* v, std::size_t n, const normalize& norm);

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "normalize-inl.hpp"
#endif
