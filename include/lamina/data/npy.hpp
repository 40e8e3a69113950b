#pragma once
// NumPy .npy files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
//   "\x93NUMPY", major, minor, header length (u16 LE for 1.0, u32 LE for 2.0/3.0),
//   a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
//   (latin-1 for 1.0/2.0, UTF-8 for 3.0), padded with spaces and '\n', then the raw data.
// Supported dtypes: u1, i4, i8, f4, f8, little- or big-endian (big-endian is converted), C or
// Fortran order (Fortran is converted to C order), any rank including 0-d.
//
//   lm::data::npy_array faces = lm::data::read_npy("olivetti_faces.npy");   // |u1 (400, 64, 64)
//   std::vector<float> pixels = faces.as_unit_floats();                       // u / 255
//   lm::data::write_npy("out.npy", pixels.data(), faces.shape);               // atomic, <f4
//
// The input is treated as hostile: the header is parsed strictly (exactly the three keys,
// Python literal syntax), and the payload size it implies is checked against the file size
// before anything is allocated. Every error is a format_error "<file>: NPY <field>: <detail>".
#include <lamina/core/config.hpp>
#include <lamina/data/error.hpp>
#include <lamina/io/atomic_file.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lamina::data {

static_assert(std::endian::native == std::endian::little,
              "lamina::data::npy: the in-memory layout is little-endian; big-endian hosts are not supported");

/// Element types of the .npy files lamina reads and writes, named by numpy's type codes:
/// u1 uint8, i4 int32, i8 int64, f4 float32, f8 float64.
enum class npy_dtype : std::uint8_t { u1, i4, i8, f4, f8 };

/// Bytes per element of a dtype (numpy's dtype.itemsize).
inline constexpr std::size_t npy_dtype_size(npy_dtype t) noexcept {
  switch (t) {
    case npy_dtype::u1: return 1;
    case npy_dtype::i4: case npy_dtype::f4: return 4;
    case npy_dtype::i8: case npy_dtype::f8: return 8;
  }
  return 0;
}

/// The descr numpy writes for this dtype on a little-endian machine: "|u1", "<i4", ...
inline constexpr std::string_view npy_dtype_descr(npy_dtype t) noexcept {
  switch (t) {
    case npy_dtype::u1: return "|u1";
    case npy_dtype::i4: return "<i4";
    case npy_dtype::i8: return "<i8";
    case npy_dtype::f4: return "<f4";
    case npy_dtype::f8: return "<f8";
  }
  return "?";
}

/// The C++ element types of the npy_dtype values: uint8_t, int32_t, int64_t, float, double.
template <class T>
concept npy_element = std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::int32_t> ||
                      std::is_same_v<T, std::int64_t> || std::is_same_v<T, float> || std::is_same_v<T, double>;

/// The npy_dtype of the element type T.
template <npy_element T>
inline constexpr npy_dtype npy_dtype_of = std::is_same_v<T, std::uint8_t>   ? npy_dtype::u1
                                          : std::is_same_v<T, std::int32_t> ? npy_dtype::i4
                                          : std::is_same_v<T, std::int64_t> ? npy_dtype::i8
                                          : std::is_same_v<T, float>        ? npy_dtype::f4
                                                                            : npy_dtype::f8;

/// A whole .npy array in memory: C order, host (little-endian) byte order.
struct npy_array {
  npy_dtype dtype = npy_dtype::f4;  ///< Element type, from the header's descr.
  /// Shape from the header, outermost first (numpy's shape); empty for a 0-d array.
  std::vector<std::size_t> shape;
  /// The elements in C order, little-endian: element_count() * npy_dtype_size(dtype) bytes.
  std::vector<std::byte> data;
  /// The file it was read from, named in error messages.
  std::filesystem::path file;

  /// Number of elements: the product of shape (1 for a 0-d array).
  std::size_t element_count() const noexcept { return data.size() / npy_dtype_size(dtype); }

  /// Typed view; throws format_error if T is not the file's dtype. No conversion.
  template <npy_element T>
  std::span<const T> as() const& {
    if (dtype != npy_dtype_of<T>)
      throw format_error(file, "NPY descr",
                         "as<" + std::string(npy_dtype_descr(npy_dtype_of<T>).substr(1)) + ">() expected '" +
                             std::string(npy_dtype_descr(npy_dtype_of<T>)) + "', got '" +
                             std::string(npy_dtype_descr(dtype)) + "' (use as_floats() to convert)");
    // operator new's alignment (>= 16) covers every element type.
    return {reinterpret_cast<const T*>(data.data()), data.size() / sizeof(T)};
  }
  /// Deleted for temporaries: `read_npy(f).as<float>()` would dangle.
  template <npy_element T>
  std::span<const T> as() const&& = delete;  // a view into a temporary would dangle

  /// Every element converted to float by value (u1 200 -> 200.0f; no scaling; i8/f8 may round).
  std::vector<float> as_floats() const;

  /// 8-bit pixels scaled to [0, 1] (u / 255.0f). Only for u1 arrays; throws format_error otherwise
  /// (float arrays have no fixed range: use as_floats()).
  std::vector<float> as_unit_floats() const;
};

namespace detail {

inline constexpr std::size_t npy_max_header_bytes = std::size_t{1} << 16;  // ours are < 200 bytes
inline constexpr std::size_t npy_max_rank = 64;                            // numpy 2's limit
inline constexpr char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

LAMINA_INLINE std::string npy_shape_string(const std::vector<std::size_t>& shape);

}  // namespace detail

/// Parses a .npy image held in memory; `name` is used in error messages.
LAMINA_INLINE npy_array parse_npy(std::span<const std::byte> bytes, const std::filesystem::path& name = "<memory>");

/// Reads a .npy file, like numpy.load; throws format_error for a missing, unsupported or corrupt
/// file.
LAMINA_INLINE npy_array read_npy(const std::filesystem::path& file);

/// Writes a C-order array as .npy (version 1.0, or 2.0 if the header needs it), atomically.
/// `shape` empty = 0-d array of one element. Throws std::invalid_argument for a null pointer with
/// elements to write, std::runtime_error if the file cannot be written.
template <npy_element T>
void write_npy(const std::filesystem::path& file, const T* data, const std::vector<std::size_t>& shape) {
  std::uint64_t count = 1;
  for (std::size_t d : shape) {
    if (d != 0 && count > std::numeric_limits<std::uint64_t>::max() / sizeof(T) / d)
      throw std::invalid_argument("write_npy: " + file.string() + ": shape " + detail::npy_shape_string(shape) +
                                  " is too large");
    count *= d;
  }
  if (count && !data) throw std::invalid_argument("write_npy: " + file.string() + ": data is null");
  std::string header = "{'descr': '" + std::string(npy_dtype_descr(npy_dtype_of<T>)) +
                       "', 'fortran_order': False, 'shape': " + detail::npy_shape_string(shape) + ", }";
  // numpy pads so that the data starts at a multiple of 64 bytes, and ends the header with '\n'.
  const bool v2 = header.size() + 1 + 10 > 65535;
  const std::size_t pre = v2 ? 12 : 10;
  header.append(63 - (pre + header.size()) % 64, ' ');
  header += '\n';
  io::write_atomically(file, [&](std::ostream& out) {
    unsigned char preamble[12];
    std::memcpy(preamble, detail::npy_magic, 6);
    preamble[6] = v2 ? 2 : 1;
    preamble[7] = 0;
    for (std::size_t i = 0; i < pre - 8; ++i) preamble[8 + i] = static_cast<unsigned char>(header.size() >> (8 * i));
    out.write(reinterpret_cast<const char*>(preamble), static_cast<std::streamsize>(pre));
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    if (count) out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(T)));
  });
}

/// The same from a span, whose size must match `shape` (else std::invalid_argument).
template <npy_element T>
void write_npy(const std::filesystem::path& file, std::span<const T> data, const std::vector<std::size_t>& shape) {
  std::uint64_t count = 1;
  for (std::size_t d : shape) count *= d;  // write_npy(ptr) re-checks overflow
  if (count != data.size())
    throw std::invalid_argument("write_npy: " + file.string() + ": shape " + detail::npy_shape_string(shape) +
                                " has " + std::to_string(count) + " elements, the data " + std::to_string(data.size()));
  write_npy(file, data.data(), shape);
}

/// Writes an array read by read_npy back (C order, little-endian).
LAMINA_INLINE void write_npy(const std::filesystem::path& file, const npy_array& a);

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "npy-inl.hpp"
#endif
