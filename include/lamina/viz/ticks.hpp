#pragma once
// Axis ranges and ticks as matplotlib draws them: an axis spans its data plus a margin (5 % of
// the data range at each end that the caller does not fix), and ticks sit at "nice" numbers
// inside it: linear axes step by 1, 2, 2.5 or 5 times a power of ten, log axes tick at powers
// of ten (plus 2 and 5 times them over a few decades, every multiple within about one). Empty,
// constant and non-finite ranges are made drawable.
//
//   lm::viz::axis_scale s = lm::viz::linear_scale(0.13, 0.87);  // [0.093, 0.907]: 0.2, 0.4, 0.6, 0.8
//   s.ticks[0].label == "0.2";  s.to_unit(0.5) == 0.5;
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "../core/config.hpp"

namespace lamina::viz {

/// One tick mark of an axis and its label.
struct tick {
  double value;  ///< Data value where the tick sits.
  std::string label;  ///< Text drawn at it, e.g. "0.25", "1e-4" (as few digits as the step needs).
};

/// The range of a plotted axis (margins included) and its ticks: what linear_scale and log_scale
/// give and what the plot renderers map data through.
struct axis_scale {
  /// Data values at the two ends of the axis (lo < hi; both positive on a log axis).
  ///@{
  double lo = 0, hi = 1;  // data values at the ends of the axis
  ///@}
  bool log = false;  ///< Log10 scale: positions go with log10 of the value.
  std::vector<tick> ticks;  ///< Ticks inside [lo, hi], in increasing order.

  /// Position of a value along the axis, 0 at lo and 1 at hi; NaN where it cannot be shown
  /// (NaN/inf, or <= 0 on a log axis).
  double to_unit(double v) const {
    if (!std::isfinite(v) || (log && v <= 0)) return std::nan("");
    return log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
  }
};

/// A linear axis over data in [lo, hi] (lo > hi or non-finite: no data, gives [0, 1]). Ends the
/// caller fixes (fixed_lo / fixed_hi) are kept; the others move out by `margin` times the range.
LAMINA_INLINE axis_scale linear_scale(double lo, double hi, std::optional<double> fixed_lo = {},
                                      std::optional<double> fixed_hi = {}, double margin = 0.05);

/// A log10 axis over positive data in [lo, hi] (no positive data: [1, 10]); the margin is a
/// fraction of the range in decades.
LAMINA_INLINE axis_scale log_scale(double lo, double hi, std::optional<double> fixed_lo = {},
                                   std::optional<double> fixed_hi = {}, double margin = 0.05);

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "ticks-inl.hpp"
#endif
