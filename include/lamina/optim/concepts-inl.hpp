#pragma once
// Definitions for concepts.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
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
  if (!ok)
    throw std::invalid_argument(std::string("lamina::optim::") + who + ": " + option + " must be " + requirement +
                                ", got " + format_value(value));
}

LAMINA_INLINE void require_same_size(const char* who, std::size_t params, std::size_t grads) {
  if (params != grads)
    throw std::invalid_argument(std::string("lamina::optim::") + who + ": " + std::to_string(params) +
                                " parameters but " + std::to_string(grads) + " gradients");
}

}  // namespace lamina::optim::detail
