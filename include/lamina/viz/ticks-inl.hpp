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
// 1, 2 or 5 times a power of ten, about range / target.
LAMINA_INLINE double nice_step(double range, int target) {
  const double raw = range / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f <= 1.0 + 1e-9 ? 1.0 : f <= 2.0 + 1e-9 ? 2.0 : f <= 5.0 + 1e-9 ? 5.0 : 10.0) * mag;
}

LAMINA_INLINE std::string format_number(double v, double step) {
  char buf[64];
  if (std::abs(v) < step * 1e-6) v = 0;  // no "-0" or 1e-17
  const double big = std::max(std::abs(v), step);
  if (big >= 1e6 || step < 1e-4) {
    const int digits = std::clamp(int(std::floor(std::log10(big)) - std::floor(std::log10(step))) + 1, 1, 12);
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  } else {
    const int decimals = std::max(0, -int(std::floor(std::log10(step) + 1e-9)));
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
                                      std::optional<double> fixed_hi, int target_ticks) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) lo = 0, hi = 1;
  if (fixed_lo) lo = *fixed_lo;
  if (fixed_hi) hi = *fixed_hi;
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo <= std::max(std::abs(lo), std::abs(hi)) * 1e-12) {  // constant: open it up
    const double d = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
    if (!fixed_lo) lo -= d;
    if (!fixed_hi) hi += d;
    if (!(hi > lo)) lo -= d, hi += d;
  }
  const double step = detail::nice_step(hi - lo, target_ticks);
  if (!fixed_lo) lo = std::floor(lo / step + 1e-9) * step;
  if (!fixed_hi) hi = std::ceil(hi / step - 1e-9) * step;
  axis_scale s{lo, hi, false, {}};
  for (double k = std::ceil(lo / step - 1e-9); k <= std::floor(hi / step + 1e-9); k += 1) {
    const double v = k * step;
    s.ticks.push_back({v, detail::format_number(v, step)});
  }
  return s;
}

LAMINA_INLINE axis_scale log_scale(double lo, double hi, std::optional<double> fixed_lo,
                                   std::optional<double> fixed_hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi || hi <= 0) lo = 1, hi = 10;
  if (lo <= 0) lo = hi / 10;
  if (fixed_lo && *fixed_lo > 0) lo = *fixed_lo;
  if (fixed_hi && *fixed_hi > 0) hi = *fixed_hi;
  if (lo > hi) std::swap(lo, hi);
  double l0 = std::floor(std::log10(lo) + 1e-9), l1 = std::ceil(std::log10(hi) - 1e-9);
  if (l1 <= l0) l1 = l0 + 1;
  if (!fixed_lo || !(fixed_lo && *fixed_lo > 0)) lo = std::pow(10.0, l0);
  if (!fixed_hi || !(fixed_hi && *fixed_hi > 0)) hi = std::pow(10.0, l1);
  if (!(hi > lo)) hi = lo * 10;
  axis_scale s{lo, hi, true, {}};
  const int decades = int(l1 - l0);
  const int stride = std::max(1, (decades + 7) / 8);
  const bool fine = decades <= 2;
  for (int e = int(l0); e <= int(l1); ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (m != 1.0 && !fine) continue;
      if (m == 1.0 && (e - int(l0)) % stride != 0) continue;
      const double v = m * std::pow(10.0, e);
      if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
      s.ticks.push_back({v, detail::format_power(v)});
    }
  }
  return s;
}

}  // namespace lamina::viz
