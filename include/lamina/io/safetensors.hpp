#pragma once
// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then the raw bytes.
// Reading validates everything against the file size before allocating, as strictly as the
// reference implementation: the header is a JSON object (parse_json: strict grammar, no
// duplicate keys) whose strings are valid UTF-8; each tensor has exactly dtype, shape and
// data_offsets, a known dtype, a shape whose byte size fits the data section (checked, never
// overflowing) and matches its offsets; in offset order the tensors tile the data section
// exactly (no gaps, overlaps or trailing bytes). Every error is a data::format_error naming the
// file, the tensor or field ("tensor 'w'", "tensor name", "__metadata__ key", "__metadata__.<key>",
// "safetensors header", "safetensors data"), and what was expected.
// Writing refuses (std::invalid_argument) what reading would reject: unknown dtypes, sizes that
// do not match the shape, names or metadata that are not UTF-8, duplicate or reserved names.
#include <cstdint>
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../data/error.hpp"
#include "atomic_file.hpp"
#include "json.hpp"

namespace lamina::io {

static_assert(std::endian::native == std::endian::little,
              "lamina::io: safetensors bytes are little-endian; big-endian hosts are not supported");

/// One tensor of a safetensors file: its name, element type, shape and raw bytes.
struct tensor_record {
  std::string name;                 ///< Its key, e.g. a state_dict name such as "0.weight".
  /// The element type as safetensors spells it; dtype_size() gives its bytes per element.
  std::string dtype;
  std::vector<std::uint64_t> shape;  ///< Dimensions, outermost first; empty for a scalar.
  /// The elements' bytes: numel() * dtype_size(dtype) of them.
  std::vector<unsigned char> data;

  /// Number of elements: the product of the dimensions (1 for a scalar).
  std::uint64_t numel() const {
    std::uint64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
};

/// A whole safetensors file, as read_safetensors returns it.
struct safetensors_file {
  /// The tensors, with their bytes.
  std::vector<tensor_record> tensors;
  std::map<std::string, std::string> metadata;  ///< The header's "__metadata__" (may be empty).

  /// The tensor called `name`, or nullptr when the file has none.
  const tensor_record* find(std::string_view name) const {
    for (const auto& t : tensors)
      if (t.name == name) return &t;
    return nullptr;
  }
};

/// Bytes per element of a safetensors dtype, or 0 when unknown.
LAMINA_INLINE std::size_t dtype_size(std::string_view dtype);

namespace detail {
// "[2, 3]": a shape as the error messages print it.
LAMINA_INLINE std::string shape_string(const std::vector<std::uint64_t>& shape);
}  // namespace detail

/// Reads and checks a whole safetensors file (see above); throws data::format_error naming the
/// file, the tensor or field, and what was expected.
LAMINA_INLINE safetensors_file read_safetensors(const std::filesystem::path& file);

/// Writes tensors (in the given order) and metadata atomically.
/// Throws std::invalid_argument for what read_safetensors would reject (see above).
LAMINA_INLINE void write_safetensors(const std::filesystem::path& file, const std::vector<tensor_record>& tensors,
                                     const std::map<std::string, std::string>& metadata = {});

}  // namespace lamina::io

#ifndef LAMINA_COMPILED_LIB
#include "safetensors-inl.hpp"
#endif
