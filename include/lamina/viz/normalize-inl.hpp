#pragma once
// Definitions for normalize.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

#include "normalize.hpp"

namespace lamina::viz {

LAMINA_INLINE void widen_by_finite(const float* v, std::size_t n, float& lo, float& hi) {
  for (std::size_t i = 0; i < n; ++i)
    if (std::isfinite(v[i])) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
}

LAMINA_INLINE value_range range_from(float lo, float hi, const normalize& norm) {
  if (norm.how == normalize::method::fixed) {
    if (!(norm.hi > norm.lo) || !std::isfinite(norm.lo) || !std::isfinite(norm.hi))
      throw std::invalid_argument("viz::normalize::range: need finite lo < hi, got [" + std::to_string(norm.lo) +
                                  ", " + std::to_string(norm.hi) + "]");
    return {norm.lo, norm.hi};
  }
  if (lo > hi) return {0.f, 0.f};  // no finite value: everything NaN/inf
  if (norm.how == normalize::method::symmetric) {
    const float m = std::max(std::abs(lo), std::abs(hi));
    return {-m, m};
  }
  return {lo, hi};
}

LAMINA_INLINE value_range range_of(const float* v, std::size_t n, const normalize& norm) {
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  if (norm.how != normalize::method::fixed) widen_by_finite(v, n, lo, hi);
  return range_from(lo, hi, norm);
}

}  // namespace lamina::viz
