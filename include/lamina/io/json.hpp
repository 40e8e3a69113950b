#pragma once
// A small, strict JSON reader and string escaper: enough for safetensors headers, with limits
// on depth and on the number of values so that hostile input fails with a message instead of a
// crash or gigabytes of memory. Strict means RFC 8259's grammar: numbers exactly as it defines
// them (no leading zeros, "1.", ".5", "+1" or hex), duplicate keys and trailing text rejected,
// \u escapes decoded with surrogate pairs combined (a lone surrogate is an error).
// String contents are kept as the bytes the text holds: a caller that needs text checks them
// with utf8_problem() and names the field in its own message (read_safetensors does).
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

// At most this many values (objects, arrays, strings, numbers, literals) per document: a 100 MiB
// safetensors header of "0," would otherwise cost some 5 GiB of json_values.
inline constexpr std::size_t json_max_values = std::size_t{1} << 22;
inline constexpr int json_max_depth = 64;

LAMINA_INLINE json_value parse_json(std::string_view text, std::size_t max_values = json_max_values);

// Empty when `s` is valid UTF-8 (RFC 3629: shortest forms only, no surrogates, at most
// U+10FFFF), else what is wrong and at which byte, e.g. "overlong 2-byte encoding of U+002F at
// byte 3".
LAMINA_INLINE std::string utf8_problem(std::string_view s);

// `s` for a message: printable ASCII as is, every other byte as \xNN, at most 60 bytes shown.
LAMINA_INLINE std::string printable_excerpt(std::string_view s);

// "text" with JSON escapes.
LAMINA_INLINE std::string json_quote(std::string_view s);

}  // namespace lamina::io

#ifndef LAMINA_COMPILED_LIB
#include "json-inl.hpp"
#endif
