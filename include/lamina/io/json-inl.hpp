#pragma once
// Definitions for json.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

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

namespace detail {
// The parser behind parse_json (only it uses the class, so it lives here).
class json_parser {
 public:
  explicit json_parser(std::string_view text) : s_(text) {}
  json_value parse() {
    json_value v = value(0);
    skip_ws();
    if (i_ != s_.size()) fail("unexpected characters after the JSON value");
    return v;
  }

 private:
  static constexpr int max_depth = 64;
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
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  json_value value(int depth) {
    if (depth > max_depth) fail("nesting deeper than 64");
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
          std::string key = string();
          expect(':');
          if (obj.count(key)) fail("duplicate key \"" + key + "\"");
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
      const std::size_t start = i_;
      if (s_[i_] == '-') ++i_;
      while (i_ < s_.size() && ((s_[i_] >= '0' && s_[i_] <= '9') || s_[i_] == '.' || s_[i_] == 'e' ||
                                s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-'))
        ++i_;
      out.number_text = std::string(s_.substr(start, i_ - start));
      try {
        out.v = std::stod(out.number_text);
      } catch (const std::exception&) {
        fail("malformed number \"" + out.number_text + "\"");
      }
    } else {
      fail(std::string("unexpected character '") + c + "'");
    }
    return out;
  }
  std::string string() {
    ++i_;  // opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
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
          if (i_ + 4 > s_.size()) fail("short \\u escape");
          unsigned code = 0;
          for (int k = 0; k < 4; ++k) {
            const char h = s_[i_++];
            code <<= 4;
            if (h >= '0' && h <= '9') code |= unsigned(h - '0');
            else if (h >= 'a' && h <= 'f') code |= unsigned(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') code |= unsigned(h - 'A' + 10);
            else fail("bad hex digit in \\u escape");
          }
          // UTF-8 encode (surrogate pairs are kept as two code units; names are ASCII in practice).
          if (code < 0x80) out += char(code);
          else if (code < 0x800) out += char(0xC0 | (code >> 6)), out += char(0x80 | (code & 0x3F));
          else out += char(0xE0 | (code >> 12)), out += char(0x80 | ((code >> 6) & 0x3F)), out += char(0x80 | (code & 0x3F));
          break;
        }
        default: fail(std::string("unknown escape \\") + e);
      }
    }
  }
  std::string_view s_;
  std::size_t i_ = 0;
};
}  // namespace detail

LAMINA_INLINE json_value parse_json(std::string_view text) { return detail::json_parser(text).parse(); }

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
          std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace lamina::io
