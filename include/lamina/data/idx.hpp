#pragma once
// IDX reader: LeCun's MNIST container (http://yann.lecun.com/exdb/mnist/), raw or gzip.
//   bytes 0-1: 00 00   byte 2: type code   byte 3: rank   then rank big-endian u32 dims,
//   then the big-endian payload, row-major.
// The input is treated as hostile: every header field is validated before anything is
// allocated, and memory only grows as decompressed bytes actually arrive, so a small
// gzip "bomb" claiming huge dimensions costs a few MiB, not the claimed size.
#include <lamina/core/config.hpp>
#include <lamina/data/error.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lamina::data {

namespace detail {

// Real datasets are far below this; it bounds what a forged header can make us reserve.
inline constexpr std::uint64_t idx_max_payload_bytes = std::uint64_t{1} << 34;
inline constexpr std::size_t idx_max_rank = 8;

// Bytes per element for a type code; 0 means "not an IDX type".
inline constexpr std::size_t idx_element_size(std::uint8_t code) noexcept {
  switch (code) {
    case 0x08: case 0x09: return 1;
    case 0x0B: return 2;
    case 0x0C: case 0x0D: return 4;
    case 0x0E: return 8;
    default: return 0;
  }
}

inline constexpr std::string_view idx_type_name(std::uint8_t code) noexcept {
  switch (code) {
    case 0x08: return "u8";
    case 0x09: return "i8";
    case 0x0B: return "i16";
    case 0x0C: return "i32";
    case 0x0D: return "f32";
    case 0x0E: return "f64";
    default: return "unknown";
  }
}

template <class T>
consteval std::uint8_t idx_type_code_of() {
  if constexpr (std::is_same_v<T, std::uint8_t>) return 0x08;
  else if constexpr (std::is_same_v<T, std::int8_t>) return 0x09;
  else if constexpr (std::is_same_v<T, std::int16_t>) return 0x0B;
  else if constexpr (std::is_same_v<T, std::int32_t>) return 0x0C;
  else if constexpr (std::is_same_v<T, float>) return 0x0D;
  else if constexpr (std::is_same_v<T, double>) return 0x0E;
  else static_assert(sizeof(T) == 0, "IDX element type must be uint8_t, int8_t, int16_t, int32_t, float or double");
}

// "0x0D (f32)" -- how type codes appear in messages.
LAMINA_INLINE std::string idx_type_label(std::uint8_t code);

}  // namespace detail

/// A whole IDX file in memory, payload already in host byte order.
struct idx_array {
  /// Element type, from byte 2 of the header: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32,
  /// 0x0E f64.
  std::uint8_t type_code = 0;
  std::vector<std::size_t> dims;  ///< Dimensions from the header, outermost first.
  /// The payload, row-major, converted to host byte order.
  std::vector<std::byte> data;
  /// The file it was read from, named in error messages.
  std::filesystem::path file;

  /// Number of elements (0 for an unknown type code).
  std::size_t element_count() const noexcept {
    const std::size_t w = detail::idx_element_size(type_code);
    return w ? data.size() / w : 0;
  }

  /// Typed view; throws format_error if T does not match the file's type code.
  template <class T>
  std::span<const T> as() const& {
    using U = std::remove_cv_t<T>;
    constexpr std::uint8_t code = detail::idx_type_code_of<U>();
    if (type_code != code)
      throw format_error(file, "IDX type", "as<" + std::string(detail::idx_type_name(code)) + ">() expected " +
                                               detail::idx_type_label(code) + ", got " + detail::idx_type_label(type_code));
    // operator new's alignment (>= 16) covers every IDX element type.
    return {reinterpret_cast<const T*>(data.data()), data.size() / sizeof(U)};
  }
  /// A view into a temporary would dangle: `read_idx(f).as<float>()` must not compile.
  template <class T>
  std::span<const T> as() const&& = delete;
};

/// Reads an IDX file, raw or gzip-compressed, of any element type and rank; throws
/// format_error for a missing, corrupt or implausible file.
LAMINA_INLINE idx_array read_idx(const std::filesystem::path& file);

/// An IDX file of u8 elements (e.g. MNIST images or labels), as read_idx_u8() returns it.
struct idx_u8_array {
  std::vector<std::size_t> dims;  ///< Dimensions from the header, outermost first.
  std::vector<std::uint8_t> data;  ///< The elements, row-major.
};

/// The common MNIST-family case: u8 payload of a known rank, read straight into uint8_t.
/// Throws format_error when the file's type is not u8 or its rank is not `expected_rank`.
LAMINA_INLINE idx_u8_array read_idx_u8(const std::filesystem::path& file, std::size_t expected_rank);

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "idx-inl.hpp"
#endif
