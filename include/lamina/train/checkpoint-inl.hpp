#pragma once
// Definitions for checkpoint.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "checkpoint.hpp"

namespace lamina::train {

namespace detail {
LAMINA_INLINE io::tensor_record flat_record(const std::string& name, ConstTensorView v) {
  io::tensor_record t{name, "F32", {v.size()}, std::vector<unsigned char>(v.size() * 4)};
  if (v.size()) std::memcpy(t.data.data(), v.data, t.data.size());
  return t;
}
LAMINA_INLINE std::string format_double(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
}  // namespace detail

}  // namespace lamina::train
