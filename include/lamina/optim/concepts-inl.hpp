#pragma once
// Definitions for concepts.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "concepts.hpp"

namespace lamina::optim::detail {

LAMINA_INLINE std::string format_value(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

LAMINA_INLINE void require_option(bool ok, const char* who, const char* option, const char* requirement, double value) {
  if (!ok || !std::isfinite(value))
    throw std::invalid_argument(std::string("lamina::optim::") + who + ": " + option + " must be " + requirement +
                                ", got " + format_value(value));
}

LAMINA_INLINE void require_same_size(const char* who, std::size_t params, std::size_t grads) {
  if (params != grads)
    throw std::invalid_argument(std::string("lamina::optim::") + who + ": " + std::to_string(params) +
                                " parameters but " + std::to_string(grads) + " gradients");
}

LAMINA_INLINE void require_steps(const char* who, std::size_t steps) {
  if (steps > max_steps)
    throw std::invalid_argument(std::string("lamina::optim::") + who + ": steps must be <= 2^53, got " +
                                std::to_string(steps));
}

}  // namespace lamina::optim::detail
