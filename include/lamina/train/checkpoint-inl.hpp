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
  return {buf, std::to_chars(buf, buf + sizeof buf, v).ptr};
}
LAMINA_INLINE bool parse_double(std::string_view text, double& v) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
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
  double v = NAN;
  if (!parse_double(text, v) || !(v >= lo && v <= hi)) {
    char range[64];
    std::snprintf(range, sizeof range, "a finite number in [%g, %g]", lo, hi);
    throw data::format_error(file, "__metadata__." + key,
                             std::string("expected ") + (std::isinf(lo) ? "a number (not NaN)" : range) + ", got \"" +
                                 text + "\"");
  }
  return v;
}
}  // namespace detail

}  // namespace lamina::train
