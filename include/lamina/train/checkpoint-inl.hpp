#pragma once
// Definitions for checkpoint.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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

LAMINA_INLINE const std::string& field(const std::filesystem::path& file, const std::map<std::string, std::string>& meta,
                                       const std::string& key) {
  const auto it = meta.find(key);
  if (it == meta.end()) throw data::format_error(file, "__metadata__." + key, "missing");
  return it->second;
}

LAMINA_INLINE std::size_t count_field(const std::filesystem::path& file, const std::map<std::string, std::string>& meta,
                                      const std::string& key, std::size_t max) {
  const std::string& text = field(file, meta, key);
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  // Digits only: no sign, exponent, fraction or "nan"; and within range.
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v > max)
    throw data::format_error(file, "__metadata__." + key,
                             "expected an integer in [0, " + std::to_string(max) + "], got \"" + text + "\"");
  return v;
}

LAMINA_INLINE double number_field(const std::filesystem::path& file, const std::string& key, const std::string& text,
                                  double lo, double hi) {
  char* end = nullptr;
  const double v = text.empty() ? NAN : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(v >= lo && v <= hi)) {
    char range[64];
    std::snprintf(range, sizeof range, "[%g, %g]", lo, hi);
    throw data::format_error(file, "__metadata__." + key,
                             std::string("expected a finite number in ") + range + ", got \"" + text + "\"");
  }
  return v;
}
}  // namespace detail

}  // namespace lamina::train
