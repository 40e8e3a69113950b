#pragma once
// Definitions for color.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstdio>
#include <string>

#include "color.hpp"

namespace lamina::viz {

LAMINA_INLINE std::string to_hex(rgb c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02X%02X%02X", unsigned(c.r), unsigned(c.g), unsigned(c.b));
  return buf;
}

}  // namespace lamina::viz
