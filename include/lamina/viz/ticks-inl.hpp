#pragma once
// Definitions for ticks.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "ticks.hpp"

namespace lamina::viz {

namespace detail {
// 1, 2, 2.5 or 5 times a power of ten, about range / target (matplotlib's steps).
LAMINA_INLINE double nice_step(double range, int target) {
  const double raw = range / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f <= 1.0 + 1e-9 ? 1.0 : f <= 2.0 + 1e-9 ? 2.0 : f <= 2.5 + 1e-9 ? 2.5 : f <= 5.0 + 1e-9 ? 5.0 : 10.0) * mag;
}

LAMINA_INLINE std::string format_number(double v, double step) {
  char buf[64];
  if (std::abs(v) < step * 1e-6) v = 0;  // no "-0" or 1e-17
  const double big = std::max(std::abs(v), step);
  if (big >= 1e6 || step < 1e-4) {
    const int digits = std::clamp(int(std::floor(std::log10(big)) - std::floor(std::log10(step))) + 2, 1, 12);
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  } else {
    int decimals = 0;  // as many as the step needs (0.25: 2)
    while (decimals < 12 && std::abs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6)
      ++decimals;
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  }
  return buf;
}

LAMINA_INLINE std::string format_power(double v) {
  char buf[64];
  if (v >= 1e-3 && v < 1e5) std::snprintf(buf, sizeof buf, "%g", v);
  else std::snprintf(buf, sizeof buf, "%.0fe%d", v / std::pow(10.0, std::floor(std::log10(v) + 1e-9)),
                     int(std::floor(std::log10(v) + 1e-9)));
  return buf;
}
}  // namespace detail

LAMINA_INLINE axis_scale linear_scale(double lo, double hi, std::optional<double> fixed_lo,
                                      std::optional<double> fixed_hi, double margin) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) lo = 0, hi = 1, margin = 0;
  if (fixed_lo) lo = *fixed_lo;
  if (fixed_hi) hi = *fixed_hi;
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo <= std::max(std::abs(lo), std::abs(hi)) * 1e-12) {  // constant: open it up
    const double d = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
    if (!fixed_lo) lo -= d;
    if (!fixed_hi) hi += d;
    if (!(hi > lo)) lo -= d, hi += d;
  }
  const double pad = std::max(margin, 0.0) * (hi - lo);
  if (!fixed_lo) lo -= pad;
  if (!fixed_hi) hi += pad;
  const double step = detail::nice_step(hi - lo, 8);  // up to 9 ticks, as matplotlib's default
  axis_scale s{lo, hi, false, {}};
  for (double k = std::ceil(lo / step - 1e-9); k <= std::floor(hi / step + 1e-9); k += 1) {
    const double v = k * step;
    s.ticks.push_back({v, detail::format_number(v, step)});
  }
  return s;
}

LAMINA_INLINE axis_scale log_scale(double lo, double hi, std::optional<double> fixed_lo,
                                   std::optional<double> fixed_hi, double margin) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi || hi <= 0) lo = 1, hi = 10, margin = 0;
  if (lo <= 0) lo = hi / 10;
  const bool has_lo = fixed_lo && *fixed_lo > 0, has_hi = fixed_hi && *fixed_hi > 0;
  if (has_lo) lo = *fixed_lo;
  if (has_hi) hi = *fixed_hi;
  if (lo > hi) std::swap(lo, hi);
  double l0 = std::log10(lo), l1 = std::log10(hi);
  if (l1 - l0 < 1e-9) {  // constant: half a decade each way
    if (!has_lo) l0 -= 0.5;
    if (!has_hi) l1 += 0.5;
    if (!(l1 > l0)) l0 -= 0.5, l1 += 0.5;
  }
  const double pad = std::max(margin, 0.0) * (l1 - l0);
  if (!has_lo) l0 -= pad;
  if (!has_hi) l1 += pad;
  axis_scale s{std::pow(10.0, l0), std::pow(10.0, l1), true, {}};
  const int e0 = int(std::floor(l0 + 1e-9)), e1 = int(std::ceil(l1 - 1e-9));
  const int decades = e1 - e0;
  const int stride = std::max(1, (decades + 7) / 8);
  const bool fine = l1 - l0 <= 2.5;
  for (int e = e0; e <= e1; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (m != 1.0 && !fine) continue;
      if (m == 1.0 && e % stride != 0) continue;  // every stride-th decade, 1 among them
      const double v = m * std::pow(10.0, e);
      if (v < s.lo * (1 - 1e-9) || v > s.hi * (1 + 1e-9)) continue;
      s.ticks.push_back({v, detail::format_power(v)});
    }
  }
  if (s.ticks.size() < 3) {  // less than a decade or so: every whole multiple, 1..9, of each power
    s.ticks.clear();
    for (int e = e0; e <= e1; ++e)
      for (int m = 1; m <= 9; ++m) {
        const double v = m * std::pow(10.0, e);
        if (v >= s.lo * (1 - 1e-9) && v <= s.hi * (1 + 1e-9)) s.ticks.push_back({v, detail::format_power(v)});
      }
  }
  return s;
}

}  // namespace lamina::viz
