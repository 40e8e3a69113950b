#pragma once
// Definitions for json.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "json.hpp"

namespace lamina::io {

LAMINA_INLINE bool json_value::as_u64(std::uint64_t& out) const {
  if (!is_number() || number_text.empty()) return false;
  std::uint64_t r = 0;
  for (char c : number_text) {
    if (c < '0' || c > '9') return false;
    if (r > (UINT64_MAX - std::uint64_t(c - '0')) / 10) return false;
    r = r * 10 + std::uint64_t(c - '0');
  }
  out = r;
  return true;
}

LAMINA_INLINE std::string printable_excerpt(std::string_view s) {
  constexpr char hex[] = "0123456789abcdef";
  std::string out;
  const std::size_t shown = s.size() > 60 ? 60 : s.size();
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (shown < s.size()) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}

LAMINA_INLINE std::string utf8_problem(std::string_view s) {
  auto hex = [](unsigned v, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%0*X", digits, v);
    return std::string(buf);
  };
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp, min;
    if (c >= 0x80 && c <= 0xBF) return "unexpected continuation byte 0x" + hex(c, 2) + " at byte " + std::to_string(i);
    if (c == 0xC0 || c == 0xC1) return "overlong encoding (lead byte 0x" + hex(c, 2) + ") at byte " + std::to_string(i);
    if (c >= 0xF5) return "byte 0x" + hex(c, 2) + " at byte " + std::to_string(i) + ", which never occurs in UTF-8";
    if (c <= 0xDF) len = 2, cp = c & 0x1F, min = 0x80;
    else if (c <= 0xEF) len = 3, cp = c & 0x0F, min = 0x800;
    else len = 4, cp = c & 0x07, min = 0x10000;
    if (n - i < len)
      return std::to_string(len) + "-byte sequence at byte " + std::to_string(i) + " cut off by the end of the text";
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80)
        return "byte " + std::to_string(i + k) + " is 0x" + hex(b, 2) + ", expected a continuation byte (0x80..0xBF) of the " +
               std::to_string(len) + "-byte sequence at byte " + std::to_string(i);
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min)
      return "overlong " + std::to_string(len) + "-byte encoding of U+" + hex(cp, 4) + " at byte " + std::to_string(i);
    if (cp >= 0xD800 && cp <= 0xDFFF) return "UTF-16 surrogate U+" + hex(cp, 4) + " encoded at byte " + std::to_string(i);
    if (cp > 0x10FFFF) return "code point U+" + hex(cp, 4) + " beyond U+10FFFF at byte " + std::to_string(i);
    i += len;
  }
  return {};
}

namespace detail {
// The parser behind parse_json (only it uses the class, so it lives here).
class json_parser {
 public:
  json_parser(std::string_view text, std::size_t max_values) : s_(text), max_values_(max_values) {}
  json_value parse() {
    json_value v = value(0);
    skip_ws();
    if (i_ != s_.size()) fail("unexpected characters after the JSON value, expected only whitespace");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw json_error("JSON: " + what + " at byte " + std::to_string(i_));
  }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  char peek() {
    skip_ws();
    if (i_ >= s_.size()) fail("unexpected end of text");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "', got '" + printable_excerpt(s_.substr(i_, 1)) + "'");
    ++i_;
  }
  bool digit() const { return i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9'; }
  json_value value(int depth) {
    if (depth >= json_max_depth) fail("nesting deeper than " + std::to_string(json_max_depth) + " levels, expected at most that");
    if (++values_ > max_values_) fail("more than " + std::to_string(max_values_) + " values, expected at most that many");
    const char c = peek();
    json_value out;
    if (c == '{') {
      ++i_;
      json_object obj;
      if (peek() == '}') {
        ++i_;
      } else {
        for (;;) {
          if (peek() != '"') fail("expected a string key");
          const std::size_t key_at = i_;
          std::string key = string();
          expect(':');
          if (obj.count(key)) {
            i_ = key_at;
            fail("duplicate key \"" + printable_excerpt(key) + "\", expected each key once");
          }
          obj.emplace(std::move(key), value(depth + 1));
          if (peek() == ',') { ++i_; continue; }
          expect('}');
          break;
        }
      }
      out.v = std::move(obj);
    } else if (c == '[') {
      ++i_;
      json_array arr;
      if (peek() == ']') {
        ++i_;
      } else {
        for (;;) {
          arr.push_back(value(depth + 1));
          if (peek() == ',') { ++i_; continue; }
          expect(']');
          break;
        }
      }
      out.v = std::move(arr);
    } else if (c == '"') {
      out.v = string();
    } else if (s_.substr(i_, 4) == "true") {
      i_ += 4, out.v = true;
    } else if (s_.substr(i_, 5) == "false") {
      i_ += 5, out.v = false;
    } else if (s_.substr(i_, 4) == "null") {
      i_ += 4, out.v = nullptr;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      number(out);
    } else {
      fail("unexpected character '" + printable_excerpt(s_.substr(i_, 1)) + "', expected a JSON value");
    }
    return out;
  }
  // RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  void number(json_value& out) {
    const std::size_t start = i_;
    auto bad = [&](const char* why) {
      std::size_t end = i_;
      while (end < s_.size() && end - start < 40 && std::string_view("+-.eE0123456789").find(s_[end]) != std::string_view::npos) ++end;
      i_ = start;
      fail("malformed number \"" + printable_excerpt(s_.substr(start, end - start)) + "\": " + why);
    };
    if (s_[i_] == '-') ++i_;
    if (!digit()) bad("expected a digit after '-'");
    if (s_[i_] == '0') {
      ++i_;
      if (digit()) bad("leading zeros are not allowed");
    } else {
      while (digit()) ++i_;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digit()) bad("expected a digit after '.'");
      while (digit()) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digit()) bad("expected a digit in the exponent");
      while (digit()) ++i_;
    }
    out.number_text = std::string(s_.substr(start, i_ - start));
    double d = 0;
    const auto r = std::from_chars(out.number_text.data(), out.number_text.data() + out.number_text.size(), d);
    if (r.ec == std::errc::result_out_of_range) bad("outside the range of a double");
    if (r.ec != std::errc() || r.ptr != out.number_text.data() + out.number_text.size()) bad("not a number");
    out.v = d;
  }
  unsigned hex4() {
    if (s_.size() - i_ < 4) fail("short \\u escape, expected 4 hex digits");
    unsigned code = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      code <<= 4;
      if (h >= '0' && h <= '9') code |= unsigned(h - '0');
      else if (h >= 'a' && h <= 'f') code |= unsigned(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') code |= unsigned(h - 'A' + 10);
      else fail("bad hex digit in \\u escape, expected 0-9, a-f or A-F");
    }
    return code;
  }
  std::string string() {
    const std::size_t start = i_;
    ++i_;  // opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) {
        i_ = start;
        fail("unterminated string, expected a closing '\"'");
      }
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string, expected it escaped");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated escape");
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t code = hex4();
          if (code >= 0xDC00 && code <= 0xDFFF) fail("lone low surrogate \\u escape, expected a high surrogate first");
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (s_.substr(i_, 2) != "\\u") fail("high surrogate \\u escape without the low surrogate that must follow");
            i_ += 2;
            const std::uint32_t low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("high surrogate \\u escape followed by a non-low-surrogate escape");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          if (code < 0x80) {
            out += char(code);
          } else if (code < 0x800) {
            out += char(0xC0 | (code >> 6)), out += char(0x80 | (code & 0x3F));
          } else if (code < 0x10000) {
            out += char(0xE0 | (code >> 12)), out += char(0x80 | ((code >> 6) & 0x3F)), out += char(0x80 | (code & 0x3F));
          } else {
            out += char(0xF0 | (code >> 18)), out += char(0x80 | ((code >> 12) & 0x3F));
            out += char(0x80 | ((code >> 6) & 0x3F)), out += char(0x80 | (code & 0x3F));
          }
          break;
        }
        default: fail("unknown escape \\" + printable_excerpt(std::string_view(&e, 1)) + ", expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
      }
    }
  }
  std::string_view s_;
  std::size_t i_ = 0;
  std::size_t max_values_;
  std::size_t values_ = 0;
};
}  // namespace detail

LAMINA_INLINE json_value parse_json(std::string_view text, std::size_t max_values) {
  return detail::json_parser(text, max_values).parse();
}

LAMINA_INLINE std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace lamina::io
