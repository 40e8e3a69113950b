#pragma once
// Definitions for npy.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "npy.hpp"

namespace lamina::data {

LAMINA_INLINE std::vector<float> npy_array::as_floats() const {
  std::vector<float> out(element_count());
  const std::byte* p = data.data();
  auto convert = [&]<class T>(T) {
    for (std::size_t i = 0; i < out.size(); ++i) {
      T v;
      std::memcpy(&v, p + i * sizeof(T), sizeof(T));
      if constexpr (std::is_same_v<T, double>) {
        // A double beyond float's range is undefined behaviour to convert: saturate to +-inf
        // (what IEEE rounding gives); NaN stays NaN.
        constexpr double top = static_cast<double>(std::numeric_limits<float>::max());
        if (v > top) out[i] = std::numeric_limits<float>::infinity();
        else if (v < -top) out[i] = -std::numeric_limits<float>::infinity();
        else out[i] = static_cast<float>(v);
      } else {
        out[i] = static_cast<float>(v);
      }
    }
  };
  switch (dtype) {
    case npy_dtype::u1: convert(std::uint8_t{}); break;
    case npy_dtype::i4: convert(std::int32_t{}); break;
    case npy_dtype::i8: convert(std::int64_t{}); break;
    case npy_dtype::f4: convert(float{}); break;
    case npy_dtype::f8: convert(double{}); break;
  }
  return out;
}

LAMINA_INLINE std::vector<float> npy_array::as_unit_floats() const {
  if (dtype != npy_dtype::u1)
    throw format_error(file, "NPY descr",
                       "as_unit_floats() expected 8-bit pixels '|u1', got '" + std::string(npy_dtype_descr(dtype)) +
                           "' (use as_floats())");
  std::vector<float> out(data.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(std::to_integer<unsigned>(data[i])) / 255.0f;
  return out;
}

namespace detail {

LAMINA_INLINE std::string npy_shape_string(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

struct npy_header {
  npy_dtype dtype = npy_dtype::f4;
  bool big_endian = false;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
  std::size_t prefix_bytes = 0;  // magic + version + length field + header text
  std::size_t payload_bytes = 0;
};

// Printable excerpt of untrusted text for messages: at most 60 characters, escapes for the rest.
LAMINA_INLINE std::string npy_excerpt(std::string_view s, std::size_t at) {
  const std::size_t from = at > 20 ? at - 20 : 0;
  std::string out = from ? "..." : "";
  const std::size_t to = std::min(s.size(), from + 60);
  for (std::size_t i = from; i < to; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') out += "\\n";
    else if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (to < s.size()) out += "...";
  return out;
}

// Strict parser for the header dict: the subset of Python literal syntax that numpy writes
// (and older writers wrote: "L" suffixes, double quotes, no trailing comma).
class npy_header_parser {
public:
  npy_header_parser(const std::filesystem::path& file, std::string_view text) : file_(file), s_(text) {}

  void parse(npy_header& h) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip_ws();
    expect('{', "the header dict to start with '{'");
    for (;;) {
      skip_ws();
      if (peek() == '}') break;
      const std::size_t key_at = pos_;
      const std::string key = string_literal("a quoted key ('descr', 'fortran_order' or 'shape')");
      skip_ws();
      expect(':', "':' after the key '" + key + "'");
      skip_ws();
      if (key == "descr") {
        if (have_descr) fail("NPY header", "duplicate key 'descr'", key_at);
        have_descr = true;
        descr(h, string_literal("the dtype as a quoted string such as '<f4' (structured dtypes are not supported)", "NPY descr"));
      } else if (key == "fortran_order") {
        if (have_order) fail("NPY header", "duplicate key 'fortran_order'", key_at);
        have_order = true;
        h.fortran_order = boolean();
      } else if (key == "shape") {
        if (have_shape) fail("NPY header", "duplicate key 'shape'", key_at);
        have_shape = true;
        shape(h);
      } else {
        fail("NPY header", "unexpected key '" + npy_excerpt(key, 0) +
                               "', expected exactly 'descr', 'fortran_order' and 'shape'", key_at);
      }
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("NPY header", "expected ',' or '}' after the value of '" + key + "'", pos_);
    }
    ++pos_;  // '}'
    skip_ws();
    if (pos_ != s_.size()) fail("NPY header", "unexpected text after the closing '}', expected only whitespace", pos_);
    const std::string keys = ", expected 'descr', 'fortran_order' and 'shape'";
    if (!have_descr) fail("NPY header", "missing key 'descr'" + keys, 0);
    if (!have_order) fail("NPY header", "missing key 'fortran_order'" + keys, 0);
    if (!have_shape) fail("NPY header", "missing key 'shape'" + keys, 0);
  }

private:
  [[noreturn]] void fail(std::string_view field, const std::string& detail, std::size_t at) const {
    throw format_error(file_, field, detail + " (at header offset " + std::to_string(at) + ": \"" +
                                         npy_excerpt(s_, at) + "\")");
  }
  char peek() const noexcept { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_ws() noexcept {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  void expect(char c, const std::string& what) {
    if (pos_ >= s_.size() || s_[pos_] != c)
      fail("NPY header", pos_ >= s_.size() ? "unexpected end, expected " + what : "expected " + what, pos_);
    ++pos_;
  }

  std::string string_literal(const std::string& what, std::string_view field = "NPY header") {
    const char q = peek();
    if (q != '\'' && q != '"') fail(field, "expected " + what, pos_);
    const std::size_t start = pos_++;
    std::string out;
    for (;;) {
      if (pos_ >= s_.size() || s_[pos_] == '\n') fail("NPY header", "unterminated string, expected a closing quote on the same line", start);
      const char c = s_[pos_++];
      if (c == q) break;
      if (c == '\\') fail("NPY header", "escape sequences are not supported in strings, expected plain text", pos_ - 1);
      out += c;
    }
    return out;
  }

  bool boolean() {
    const std::string_view rest = s_.substr(pos_);
    if (rest.starts_with("True")) {
      pos_ += 4;
      return true;
    }
    if (rest.starts_with("False")) {
      pos_ += 5;
      return false;
    }
    fail("NPY fortran_order", "expected True or False", pos_);
  }

  void descr(npy_header& h, const std::string& d) {
    const std::size_t at = pos_;
    auto bad = [&]() {
      fail("NPY descr",
           "unsupported dtype '" + npy_excerpt(d, 0) +
               "', expected one of '|u1', '<i4', '<i8', '<f4', '<f8' (or '>' big-endian)",
           at);
    };
    if (d.size() != 3) bad();
    const char order = d[0];
    const std::string_view code = std::string_view(d).substr(1);
    if (code == "u1") h.dtype = npy_dtype::u1;
    else if (code == "i4") h.dtype = npy_dtype::i4;
    else if (code == "i8") h.dtype = npy_dtype::i8;
    else if (code == "f4") h.dtype = npy_dtype::f4;
    else if (code == "f8") h.dtype = npy_dtype::f8;
    else bad();
    if (order == '<' || order == '|' || order == '=') h.big_endian = false;
    else if (order == '>') h.big_endian = npy_dtype_size(h.dtype) > 1;
    else bad();
  }

  void shape(npy_header& h) {
    const std::size_t start = pos_;
    if (peek() != '(') fail("NPY shape", "expected a tuple of non-negative integers such as (3,) or (2, 3)", pos_);
    ++pos_;
    h.shape.clear();
    bool need_comma_for_one = true;  // (3) is an int, not a tuple: Python needs (3,)
    for (;;) {
      skip_ws();
      if (peek() == ')') break;
      const char c = peek();
      if (c < '0' || c > '9')
        fail("NPY shape", c == '-' ? "negative dimension, expected non-negative integers" :
                                     "expected a non-negative integer or ')'", pos_);
      std::size_t v = 0;
      const std::size_t digits_at = pos_;
      while (peek() >= '0' && peek() <= '9') {
        const std::size_t d = static_cast<std::size_t>(peek() - '0');
        if (v > (std::numeric_limits<std::size_t>::max() - d) / 10)
          fail("NPY shape", "dimension does not fit in 64 bits, expected at most 2^64 - 1", digits_at);
        v = v * 10 + d;
        ++pos_;
      }
      if (pos_ - digits_at > 1 && s_[digits_at] == '0') fail("NPY shape", "leading zeros are not allowed, expected a decimal integer such as 3", digits_at);
      if (peek() == 'L' || peek() == 'l') ++pos_;  // Python 2 long, as old numpy wrote
      if (h.shape.size() == npy_max_rank)
        fail("NPY shape", "more than " + std::to_string(npy_max_rank) + " dimensions, expected at most " + std::to_string(npy_max_rank), digits_at);
      h.shape.push_back(v);
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        need_comma_for_one = false;
        continue;
      }
      if (peek() != ')') fail("NPY shape", "expected ',' or ')' after a dimension", pos_);
    }
    if (h.shape.size() == 1 && need_comma_for_one)
      fail("NPY shape", "(n) is not a tuple in Python, expected (n,)", start);
    ++pos_;  // ')'
  }

  const std::filesystem::path& file_;
  std::string_view s_;
  std::size_t pos_ = 0;
};

LAMINA_INLINE std::uint32_t npy_read_le(const unsigned char* p, int n) noexcept {
  std::uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Bytes needed for the preamble (magic, version, header length) given its first 8 bytes.
// Validates magic and version. `have` is how many bytes of the file exist.
LAMINA_INLINE std::size_t npy_preamble_size(const std::filesystem::path& file, const unsigned char* p, std::size_t have) {
  if (have == 0) throw format_error(file, "NPY magic", "file is empty, expected \"\\x93NUMPY\"");
  if (have < 8 || std::memcmp(p, npy_magic, std::min<std::size_t>(have, 6)) != 0)
    throw format_error(file, "NPY magic",
                       "expected the 6 bytes \"\\x93NUMPY\" then 2 version bytes, got \"" +
                           npy_excerpt(std::string_view(reinterpret_cast<const char*>(p), std::min<std::size_t>(have, 8)), 0) +
                           "\"" + (have < 8 ? " (file has only " + std::to_string(have) + " bytes)" : ""));
  const unsigned major = p[6], minor = p[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    throw format_error(file, "NPY version",
                       "format version " + std::to_string(major) + "." + std::to_string(minor) +
                           ", expected 1.0, 2.0 or 3.0");
  return major == 1 ? 10 : 12;
}

// Parses the header that follows the preamble and checks the payload size against
// `bytes_after_header` (what the file holds after the header). Allocates nothing big.
LAMINA_INLINE npy_header npy_parse_header(const std::filesystem::path& file, std::string_view text,
                                          std::uint64_t bytes_after_header) {
  npy_header h;
  npy_header_parser(file, text).parse(h);
  // Checked element count and byte size (any zero dimension makes an empty array).
  const std::size_t width = npy_dtype_size(h.dtype);
  std::uint64_t count = 1;
  bool overflow = false;
  if (std::find(h.shape.begin(), h.shape.end(), std::size_t{0}) != h.shape.end()) {
    count = 0;
  } else {
    for (std::size_t d : h.shape) {
      if (count > std::numeric_limits<std::uint64_t>::max() / width / d) {
        overflow = true;
        break;
      }
      count *= d;
    }
  }
  if (overflow || count * width > bytes_after_header)
    throw format_error(file, "NPY data",
                       "truncated, shape " + npy_shape_string(h.shape) + " of '" +
                           std::string(npy_dtype_descr(h.dtype)) + "' needs " +
                           (overflow ? std::string("more than 2^64") : std::to_string(count * width)) +
                           " bytes after the header, the file has " + std::to_string(bytes_after_header));
  if (count * width < bytes_after_header)
    throw format_error(file, "NPY data",
                       "trailing bytes, shape " + npy_shape_string(h.shape) + " of '" +
                           std::string(npy_dtype_descr(h.dtype)) + "' needs " + std::to_string(count * width) +
                           " bytes after the header, the file has " + std::to_string(bytes_after_header));
  h.payload_bytes = static_cast<std::size_t>(count * width);
  return h;
}

LAMINA_INLINE void npy_byteswap(std::byte* p, std::size_t count, std::size_t width) noexcept {
  if (width == 1) return;
  for (std::size_t i = 0; i < count; ++i, p += width) std::reverse(p, p + width);
}

// Fortran (column-major) to C (row-major) order, in place through a copy.
LAMINA_INLINE void npy_fortran_to_c(std::vector<std::byte>& data, const std::vector<std::size_t>& shape, std::size_t width) {
  if (shape.size() < 2 || data.empty()) return;
  const std::size_t rank = shape.size();
  std::vector<std::size_t> fstride(rank);  // Fortran strides, in elements
  std::size_t s = 1;
  for (std::size_t k = 0; k < rank; ++k) {
    fstride[k] = s;
    s *= shape[k];
  }
  std::vector<std::byte> out(data.size());
  std::vector<std::size_t> idx(rank, 0);
  std::size_t src = 0;  // Fortran offset of idx
  const std::size_t count = data.size() / width;
  for (std::size_t dst = 0; dst < count; ++dst) {
    std::memcpy(out.data() + dst * width, data.data() + src * width, width);
    for (std::size_t k = rank; k-- > 0;) {  // odometer over C order: the last index moves fastest
      if (++idx[k] < shape[k]) {
        src += fstride[k];
        break;
      }
      src -= fstride[k] * (shape[k] - 1);
      idx[k] = 0;
    }
  }
  data.swap(out);
}

LAMINA_INLINE void npy_finish(npy_array& a, const npy_header& h) {
  if (h.big_endian) npy_byteswap(a.data.data(), a.data.size() / npy_dtype_size(h.dtype), npy_dtype_size(h.dtype));
  if (h.fortran_order) npy_fortran_to_c(a.data, h.shape, npy_dtype_size(h.dtype));
}

struct npy_file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

}  // namespace detail

LAMINA_INLINE npy_array parse_npy(std::span<const std::byte> bytes, const std::filesystem::path& name) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t pre = detail::npy_preamble_size(name, p, bytes.size());
  if (bytes.size() < pre)
    throw format_error(name, "NPY header length",
                       "truncated, expected " + std::to_string(pre) + " bytes of magic, version and header length, the file has " +
                           std::to_string(bytes.size()));
  const std::uint64_t hlen = detail::npy_read_le(p + 8, static_cast<int>(pre - 8));
  if (hlen > detail::npy_max_header_bytes || hlen > bytes.size() - pre)
    throw format_error(name, "NPY header length",
                       "header claims " + std::to_string(hlen) + " bytes, expected at most " +
                           std::to_string(std::min<std::uint64_t>(detail::npy_max_header_bytes, bytes.size() - pre)) +
                           " (file size " + std::to_string(bytes.size()) + ")");
  const std::string_view text(reinterpret_cast<const char*>(p + pre), static_cast<std::size_t>(hlen));
  const std::size_t header_end = pre + static_cast<std::size_t>(hlen);
  const detail::npy_header h = detail::npy_parse_header(name, text, bytes.size() - header_end);
  npy_array a;
  a.dtype = h.dtype;
  a.shape = h.shape;
  a.file = name;
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header_end), bytes.end());
  detail::npy_finish(a, h);
  return a;
}

LAMINA_INLINE npy_array read_npy(const std::filesystem::path& file) {
  std::error_code ec;
  const auto st = std::filesystem::status(file, ec);
  if (!ec && std::filesystem::is_directory(st)) throw format_error(file, "cannot open", std::strerror(EISDIR));
  // Checked before fopen(), which would block on a FIFO.
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw format_error(file, "cannot open", "not a regular file");
  errno = 0;
  std::unique_ptr<std::FILE, detail::npy_file_closer> fp(std::fopen(file.string().c_str(), "rb"));
  if (!fp) throw format_error(file, "cannot open", errno ? std::strerror(errno) : "unknown error");
  const std::uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) throw format_error(file, "cannot read size", ec.message());

  unsigned char pre_bytes[12] = {};
  const std::size_t got = std::fread(pre_bytes, 1, std::min<std::uint64_t>(size, 12), fp.get());
  const std::size_t pre = detail::npy_preamble_size(file, pre_bytes, got);
  if (got < pre)
    throw format_error(file, "NPY header length",
                       "truncated, expected " + std::to_string(pre) + " bytes of magic, version and header length, the file has " +
                           std::to_string(got));
  const std::uint64_t hlen = detail::npy_read_le(pre_bytes + 8, static_cast<int>(pre - 8));
  if (hlen > detail::npy_max_header_bytes || hlen > size - pre)
    throw format_error(file, "NPY header length",
                       "header claims " + std::to_string(hlen) + " bytes, expected at most " +
                           std::to_string(std::min<std::uint64_t>(detail::npy_max_header_bytes, size - pre)) +
                           " (file size " + std::to_string(size) + ")");
  std::string text(static_cast<std::size_t>(hlen), '\0');
  if (std::fseek(fp.get(), static_cast<long>(pre), SEEK_SET) != 0 ||
      std::fread(text.data(), 1, text.size(), fp.get()) != text.size())
    throw format_error(file, "NPY header", "read error, expected " + std::to_string(hlen) + " header bytes (the file changed while reading?)");
  const detail::npy_header h = detail::npy_parse_header(file, text, size - pre - hlen);
  npy_array a;
  a.dtype = h.dtype;
  a.shape = h.shape;
  a.file = file;
  a.data.resize(h.payload_bytes);
  if (std::fread(a.data.data(), 1, a.data.size(), fp.get()) != a.data.size())
    throw format_error(file, "NPY data", "read error, the file ended early (changed while reading?)");
  detail::npy_finish(a, h);
  return a;
}

LAMINA_INLINE void write_npy(const std::filesystem::path& file, const npy_array& a) {
  std::uint64_t count = 1;
  for (std::size_t d : a.shape) count *= d;
  if (count * npy_dtype_size(a.dtype) != a.data.size())
    throw std::invalid_argument("write_npy: " + file.string() + ": shape " + detail::npy_shape_string(a.shape) +
                                " does not match " + std::to_string(a.data.size()) + " data bytes");
  const void* p = a.data.data();
  switch (a.dtype) {
    case npy_dtype::u1: write_npy(file, static_cast<const std::uint8_t*>(p), a.shape); break;
    case npy_dtype::i4: write_npy(file, static_cast<const std::int32_t*>(p), a.shape); break;
    case npy_dtype::i8: write_npy(file, static_cast<const std::int64_t*>(p), a.shape); break;
    case npy_dtype::f4: write_npy(file, static_cast<const float*>(p), a.shape); break;
    case npy_dtype::f8: write_npy(file, static_cast<const double*>(p), a.shape); break;
  }
}

}  // namespace lamina::data
