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
/// A JSON object: members sorted by key, found with any string-like key (std::less<>).
using json_object = std::map<std::string, json_value, std::less<>>;
/// A JSON array: its values in document order.
using json_array = std::vector<json_value>;

/// One parsed JSON value, as parse_json returns it; an object or array holds its children.
struct json_value {
  /// What the value is, one of
  /// null, bool, number (kept as text and as double), string, array, object
  std::variant<std::nullptr_t, bool, double, std::string, json_array, json_object> v;
  /// A number's text exactly as written (empty for other kinds), so that as_u64 can read
  /// integers above 2^53 without going through double.
  std::string number_text;

  /// Whether the value is an object.
  bool is_object() const { return std::holds_alternative<json_object>(v); }
  /// Whether the value is an array.
  bool is_array() const { return std::holds_alternative<json_array>(v); }
  /// Whether the value is a string.
  bool is_string() const { return std::holds_alternative<std::string>(v); }
  /// Whether the value is a number (integral or not).
  bool is_number() const { return std::holds_alternative<double>(v); }
  /// The members of an object; throws std::bad_variant_access for any other kind.
  const json_object& object() const { return std::get<json_object>(v); }
  /// The elements of an array; throws std::bad_variant_access for any other kind.
  const json_array& array() const { return std::get<json_array>(v); }
  /// The bytes of a string, escapes decoded; throws std::bad_variant_access for other kinds.
  const std::string& string() const { return std::get<std::string>(v); }
  /// A non-negative integer that fits in 64 bits, or nothing.
  /// Stores it in `out` and returns true when the number is written as plain digits (so not
  /// "1.0", "1e3" or "-1") and fits; otherwise returns false and leaves `out` alone.
  bool as_u64(std::uint64_t& out) const;
};

/// The exception parse_json throws: the message says what is wrong and at which byte.
class json_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// At most this many values (objects, arrays, strings, numbers, literals) per document: a 100 MiB
/// safetensors header of "0," would otherwise cost some 5 GiB of json_values.
inline constexpr std::size_t json_max_values = std::size_t{1} << 22;
/// Deepest nesting of arrays and objects that parse_json accepts (64 levels); deeper is an error.
inline constexpr int json_max_depth = 64;

/// Parses `text`, which must hold exactly one JSON value (RFC 8259, strictly; see above).
/// Throws json_error on bad syntax, on more than `max_values` values or on nesting deeper
/// than json_max_depth.
LAMINA_INLINE json_value parse_json(std::string_view text, std::size_t max_values = json_max_values);

/// Empty when `s` is valid UTF-8 (RFC 3629: shortest forms only, no surrogates, at most
/// U+10FFFF), else what is wrong and at which byte, e.g. "overlong 2-byte encoding of U+002F at
/// byte 3".
LAMINA_INLINE std::string utf8_problem(std::string_view s);

/// A safe excerpt of `s` to quote in an error message: printable ASCII is kept, a backslash and
/// every other byte become a \\xNN hex escape; beyond 60 bytes the total length is given.
// `s` for a message: printable ASCII as is, every other byte as \xNN, at most 60 bytes shown.
LAMINA_INLINE std::string printable_excerpt(std::string_view s);

/// "text" with JSON escapes.
/// That is, `s` as a JSON string literal: in double quotes, with quotes, backslashes and
/// control characters escaped; other bytes (UTF-8 included) are copied as they are.
LAMINA_INLINE std::string json_quote(std::string_view s);

}  // namespace lamina::io

#ifndef LAMINA_COMPILED_LIB
#include "json-inl.hpp"
#endif
