#pragma once
// Definitions for idx.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "idx.hpp"

namespace lamina::data {

namespace detail {

LAMINA_INLINE std::string hex_byte(std::uint8_t b) {
  constexpr char digits[] = "0123456789abcdef";
  return {digits[b >> 4], digits[b & 0xF]};
}

// "0x0D": type codes are written upper-case, as in the format description.
LAMINA_INLINE std::string idx_type_hex(std::uint8_t code) {
  constexpr char digits[] = "0123456789ABCDEF";
  return {'0', 'x', digits[code >> 4], digits[code & 0xF]};
}

LAMINA_INLINE std::string idx_type_label(std::uint8_t code) {
  return idx_type_hex(code) + " (" + std::string(idx_type_name(code)) + ")";
}

LAMINA_INLINE std::string dims_string(const std::vector<std::size_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

// Payload arrives big-endian; swap in place to host order (no-op for 1-byte types).
LAMINA_INLINE void idx_to_host_order(std::byte* p, std::size_t count, std::size_t width) noexcept {
  if constexpr (std::endian::native == std::endian::big) return;
  switch (width) {
    case 2:
      for (std::size_t i = 0; i < count; ++i, p += 2) {
        std::uint16_t v;
        std::memcpy(&v, p, 2);
        v = std::uint16_t((v >> 8) | (v << 8));
        std::memcpy(p, &v, 2);
      }
      break;
    case 4:
      for (std::size_t i = 0; i < count; ++i, p += 4) {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        v = (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
        std::memcpy(p, &v, 4);
      }
      break;
    case 8:
      for (std::size_t i = 0; i < count; ++i, p += 8) std::reverse(p, p + 8);
      break;
    default: break;
  }
}

struct file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
struct inflate_ender {
  void operator()(z_stream* z) const noexcept {
    inflateEnd(z);
    delete z;
  }
};

// A byte stream over a file that is either raw or gzip (decided by the 1f 8b magic, not
// the file name). read() returns fewer bytes than asked only at the end of the data.
class idx_source {
public:
  explicit idx_source(std::filesystem::path file) : file_(std::move(file)) {
    std::error_code ec;
    const auto st = std::filesystem::status(file_, ec);
    // fopen() succeeds on directories on Linux; catch it here for a clear message.
    if (!ec && std::filesystem::is_directory(st)) fail("cannot open", std::strerror(EISDIR));
    errno = 0;
    fp_.reset(std::fopen(file_.string().c_str(), "rb"));
    if (!fp_) fail("cannot open", errno ? std::strerror(errno) : "unknown error");
    if (!ec && std::filesystem::is_regular_file(st)) {
      const auto size = std::filesystem::file_size(file_, ec);
      if (!ec) file_size_ = size;
    }
    // A small file gets a buffer of its own size (plus one byte, to see the end in one read).
    in_.resize(file_size_ ? static_cast<std::size_t>(std::min<std::uint64_t>(buffer_size, *file_size_ + 1)) : buffer_size);
    refill();
    if (in_len_ >= 2 && in_[0] == 0x1f && in_[1] == 0x8b) {
      auto z = std::make_unique<z_stream>();
      if (inflateInit2(z.get(), 15 + 16) != Z_OK)  // 15+16: gzip wrapper only
        fail("gzip stream", "cannot initialise zlib inflate");
      zs_.reset(z.release());  // only an initialised stream gets inflateEnd
    }
  }

  bool compressed() const noexcept { return zs_ != nullptr; }
  const std::filesystem::path& file() const noexcept { return file_; }
  std::optional<std::uint64_t> file_size() const noexcept { return file_size_; }

  [[noreturn]] void fail(std::string_view field, std::string_view detail) const {
    throw format_error(file_, field, detail);
  }

  std::size_t read(std::byte* dst, std::size_t n) { return zs_ ? read_gzip(dst, n) : read_raw(dst, n); }

private:
  static constexpr std::size_t buffer_size = std::size_t{1} << 18;

  void refill() {
    in_pos_ = 0;
    in_len_ = std::fread(in_.data(), 1, in_.size(), fp_.get());
    if (in_len_ < in_.size()) {
      if (std::ferror(fp_.get())) fail("read error", std::strerror(errno));
      eof_ = true;
    }
  }

  std::size_t read_raw(std::byte* dst, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      if (in_pos_ == in_len_) {
        if (eof_) break;
        if (n - got >= in_.size()) {  // big reads bypass the buffer
          const std::size_t want = n - got;
          const std::size_t r = std::fread(dst + got, 1, want, fp_.get());
          got += r;
          if (r < want) {
            if (std::ferror(fp_.get())) fail("read error", std::strerror(errno));
            eof_ = true;
          }
          continue;
        }
        refill();
        continue;
      }
      const std::size_t take = std::min(n - got, in_len_ - in_pos_);
      std::memcpy(dst + got, in_.data() + in_pos_, take);
      in_pos_ += take;
      got += take;
    }
    return got;
  }

  // Inflates at most n bytes, so the caller bounds decompression by what it expects.
  std::size_t read_gzip(std::byte* dst, std::size_t n) {
    z_stream& z = *zs_;
    std::size_t got = 0;
    while (got < n && !gz_done_) {
      if (in_pos_ == in_len_ && !eof_) refill();
      if (between_members_) {
        // A gzip file may hold several concatenated members; anything else is garbage.
        if (in_pos_ == in_len_) {
          if (eof_) gz_done_ = true;
          continue;
        }
        if (in_[in_pos_] != 0x1f)
          fail("gzip stream", "trailing bytes after the end of the compressed data, expected the file to end or another "
                              "gzip member (1f 8b), got a byte 0x" + hex_byte(in_[in_pos_]));
        if (inflateReset(&z) != Z_OK) fail("gzip stream", "cannot reset zlib inflate");
        between_members_ = false;
      }
      const std::size_t want = std::min<std::size_t>(n - got, UINT_MAX);
      z.next_in = in_.data() + in_pos_;
      z.avail_in = static_cast<uInt>(in_len_ - in_pos_);
      z.next_out = reinterpret_cast<Bytef*>(dst + got);
      z.avail_out = static_cast<uInt>(want);
      const int rc = inflate(&z, Z_NO_FLUSH);
      got += want - z.avail_out;
      in_pos_ = static_cast<std::size_t>(z.next_in - in_.data());
      switch (rc) {
        case Z_OK: break;
        case Z_STREAM_END: between_members_ = true; break;
        case Z_BUF_ERROR:  // no progress possible: only legitimate while more input is coming
          if (in_pos_ == in_len_ && eof_)
            fail("gzip stream", "truncated, the file ends before the end of the compressed data, expected the "
                                "gzip member to be complete (its trailer)");
          break;
        case Z_MEM_ERROR: fail("gzip stream", "out of memory in zlib inflate");
        default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
          fail("gzip stream", std::string("corrupt (zlib: ") + (z.msg ? z.msg : "error " + std::to_string(rc)) + ")");
      }
    }
    return got;
  }

  std::filesystem::path file_;
  std::unique_ptr<std::FILE, file_closer> fp_;
  std::unique_ptr<z_stream, inflate_ender> zs_;
  std::optional<std::uint64_t> file_size_;
  std::vector<unsigned char> in_;
  std::size_t in_pos_ = 0, in_len_ = 0;
  bool eof_ = false, between_members_ = false, gz_done_ = false;
};

struct idx_header {
  std::uint8_t type_code = 0;
  std::vector<std::size_t> dims;
  std::size_t element_size = 0, element_count = 0, payload_bytes = 0, header_bytes = 0;
};

// Two-phase reader: the constructor validates the header only, so callers (e.g. a
// dataset with an image and a label file) can cross-check shapes before the payload
// is decompressed.
class idx_reader {
public:
  explicit idx_reader(const std::filesystem::path& file) : src_(file) { parse_header(); }

  const idx_header& header() const noexcept { return h_; }
  const std::filesystem::path& file() const noexcept { return src_.file(); }
  [[noreturn]] void fail(std::string_view field, std::string_view detail) const { src_.fail(field, detail); }

  void require(std::uint8_t type_code, std::size_t rank) const {
    if (h_.type_code != type_code)
      fail("IDX type", "expected " + idx_type_label(type_code) + ", got " + idx_type_label(h_.type_code));
    if (h_.dims.size() != rank)
      fail("IDX header", "rank: expected " + std::to_string(rank) + ", got " + std::to_string(h_.dims.size()) +
                             " (dimensions " + dims_string(h_.dims) + ")");
  }

  // Reads the whole payload into a vector of a 1-byte type, converted to host order, and
  // checks that the data ends exactly there. Call once.
  template <class Byte>
  void read_payload(std::vector<Byte>& out) {
    static_assert(sizeof(Byte) == 1 && std::is_trivially_copyable_v<Byte>);
    const std::size_t expected = h_.payload_bytes;
    std::size_t initial = 0;
    if (!src_.compressed() && src_.file_size()) {
      // Raw regular file: its size settles truncation/trailing bytes before allocating.
      const std::uint64_t have = *src_.file_size() - std::min<std::uint64_t>(*src_.file_size(), h_.header_bytes);
      if (have < expected) truncated(static_cast<std::size_t>(have));
      if (have > expected) trailing(" (" + std::to_string(have - expected) + " extra bytes)");
      initial = expected;
    } else {
      // Unknown decompressed size: start modestly and grow only as data arrives.
      const std::uint64_t hint = src_.file_size() ? *src_.file_size() * 8 : 0;
      initial = static_cast<std::size_t>(std::min<std::uint64_t>(expected, std::max<std::uint64_t>(hint, 1u << 16)));
    }
    out.clear();
    out.resize(initial);
    std::size_t got = 0;
    for (;;) {
      got += src_.read(reinterpret_cast<std::byte*>(out.data()) + got, out.size() - got);
      if (got < out.size()) truncated(got);
      if (out.size() == expected) break;
      out.resize(std::min(expected, out.size() * 2));
    }
    std::byte extra;
    if (src_.read(&extra, 1) != 0) trailing("");
    idx_to_host_order(reinterpret_cast<std::byte*>(out.data()), h_.element_count, h_.element_size);
  }

private:
  std::string payload_description() const {
    return std::to_string(h_.payload_bytes) + " bytes of " + std::string(idx_type_name(h_.type_code)) +
           " payload after the " + std::to_string(h_.header_bytes) + "-byte header";
  }
  [[noreturn]] void truncated(std::size_t got) const {
    fail("IDX data", "truncated, expected " + payload_description() + ", got " + std::to_string(got) +
                         (src_.compressed() ? " (after decompression)" : ""));
  }
  [[noreturn]] void trailing(const std::string& how_many) const {
    fail("IDX data", "trailing bytes, expected the data to end after " + payload_description() +
                         " (dimensions " + dims_string(h_.dims) + ")" + how_many);
  }

  void parse_header() {
    std::byte raw_magic[4];
    const std::size_t n = src_.read(raw_magic, 4);
    std::uint8_t m[4];
    std::memcpy(m, raw_magic, 4);
    if (n < 4) {
      std::string got;
      for (std::size_t i = 0; i < n; ++i) got += " " + hex_byte(m[i]);
      fail("IDX magic", n == 0 ? std::string("file is empty, expected bytes 00 00 <type> <rank>")
                               : "truncated, expected bytes 00 00 <type> <rank>, got only" + got);
    }
    if (m[0] != 0 || m[1] != 0)
      fail("IDX magic", "expected bytes 00 00 <type> <rank>, got " + hex_byte(m[0]) + " " + hex_byte(m[1]) + " " +
                            hex_byte(m[2]) + " " + hex_byte(m[3]));
    h_.type_code = m[2];
    h_.element_size = idx_element_size(m[2]);
    if (h_.element_size == 0)
      fail("IDX magic", "unknown type code " + idx_type_hex(m[2]) +
                            " in byte 2, expected one of 0x08 (u8), 0x09 (i8), 0x0B (i16), 0x0C (i32), "
                            "0x0D (f32), 0x0E (f64)");
    const std::size_t rank = m[3];
    if (rank == 0 || rank > idx_max_rank)
      fail("IDX magic", "rank (byte 3) is " + std::to_string(rank) + ", expected 1.." + std::to_string(idx_max_rank));

    h_.header_bytes = 4 + 4 * rank;
    std::byte raw_dims[4 * idx_max_rank];
    const std::size_t nd = src_.read(raw_dims, 4 * rank);
    if (nd < 4 * rank)
      fail("IDX header", "truncated, expected " + std::to_string(4 * rank) + " bytes of big-endian dimensions (rank " +
                             std::to_string(rank) + ") after the 4-byte magic, got " + std::to_string(nd));
    std::uint64_t bytes = h_.element_size;
    bool too_big = false;
    h_.dims.resize(rank);
    for (std::size_t i = 0; i < rank; ++i) {
      const auto* b = reinterpret_cast<const unsigned char*>(raw_dims + 4 * i);
      const std::uint32_t d = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                              (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
      if (d == 0) fail("IDX header", "dimension " + std::to_string(i) + " is 0, expected > 0");
      h_.dims[i] = d;
      // Checked multiply: stop at the limit so the product can never overflow.
      if (!too_big && d > idx_max_payload_bytes / bytes) too_big = true;
      if (!too_big) bytes *= d;
      if (bytes > idx_max_payload_bytes) too_big = true;
    }
    if (too_big || bytes > std::numeric_limits<std::size_t>::max())
      fail("IDX header", "dimensions " + dims_string(h_.dims) + " of " + std::string(idx_type_name(h_.type_code)) +
                             " exceed the payload limit of " + std::to_string(idx_max_payload_bytes) + " bytes (2^34)");
    h_.payload_bytes = static_cast<std::size_t>(bytes);
    h_.element_count = h_.payload_bytes / h_.element_size;
  }

  idx_source src_;
  idx_header h_;
};

}  // namespace detail

LAMINA_INLINE idx_array read_idx(const std::filesystem::path& file) {
  detail::idx_reader reader(file);
  idx_array a;
  a.type_code = reader.header().type_code;
  a.dims = reader.header().dims;
  a.file = file;
  reader.read_payload(a.data);
  return a;
}

LAMINA_INLINE idx_u8_array read_idx_u8(const std::filesystem::path& file, std::size_t expected_rank) {
  detail::idx_reader reader(file);
  reader.require(0x08, expected_rank);
  idx_u8_array a;
  a.dims = reader.header().dims;
  reader.read_payload(a.data);
  return a;
}

}  // namespace lamina::data
