#pragma once
// A small, strict JSON reader and string escaper: enough for safetensors headers, with limits
// on depth and size so that hostile input fails with a message instead of a crash.
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "../core/config.hpp"

namespace lamina::io {

struct json_value;
using json_object = std::map<std::string, json_value, std::less<>>;
using json_array = std::vector<json_value>;

struct json_value {
  // null, bool, number (kept as text and as double), string, array, object
  std::variant<std::nullptr_t, bool, double, std::string, json_array, json_object> v;
  std::string number_text;  // exact digits of a number, for integer parsing without rounding

  bool is_object() const { return std::holds_alternative<json_object>(v); }
  bool is_array() const { return std::holds_alternative<json_array>(v); }
  bool is_string() const { return std::holds_alternative<std::string>(v); }
  bool is_number() const { return std::holds_alternative<double>(v); }
  const json_object& object() const { return std::get<json_object>(v); }
  const json_array& array() const { return std::get<json_array>(v); }
  const std::string& string() const { return std::get<std::string>(v); }
  // A non-negative integer that fits in 64 bits, or nothing.
  bool as_u64(std::uint64_t& out) const;
};

class json_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

LAMINA_INLINE json_value parse_json(std::string_view text);

// "text" with JSON escapes.
LAMINA_INLINE std::string json_quote(std::string_view s);

}  // namespace lamina::io

#ifndef LAMINA_COMPILED_LIB
#include "json-inl.hpp"
#endif
