#pragma once
// Definitions for safetensors.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "../data/error.hpp"
#include "atomic_file.hpp"
#include "json.hpp"
#include "safetensors.hpp"

namespace lamina::io {

LAMINA_INLINE std::size_t dtype_size(std::string_view dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
  return 0;
}

namespace detail {

LAMINA_INLINE std::string shape_string(const std::vector<std::uint64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Bytes of `shape` elements of `esize` bytes, or false when over `limit` (never overflows).
LAMINA_INLINE bool checked_tensor_bytes(const std::vector<std::uint64_t>& shape, std::uint64_t esize, std::uint64_t limit,
                                        std::uint64_t& bytes) {
  for (auto d : shape)
    if (d == 0) {
      bytes = 0;
      return true;
    }
  bytes = esize;
  for (auto d : shape) {
    if (bytes > limit / d) return false;
    bytes *= d;
  }
  return bytes <= limit;
}

}  // namespace detail

LAMINA_INLINE safetensors_file read_safetensors(const std::filesystem::path& file) {
  using data::format_error;
  std::error_code ec;
  const auto st = std::filesystem::status(file, ec);
  if (!ec && std::filesystem::is_directory(st)) throw format_error(file, "cannot open", std::strerror(EISDIR));
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw format_error(file, "cannot open", "not a regular file");
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw format_error(file, "cannot open", errno ? std::strerror(errno) : "unknown error");
  const std::uint64_t file_size = std::filesystem::file_size(file, ec);
  if (ec) throw format_error(file, "cannot read size", ec.message());
  if (file_size < 8)
    throw format_error(file, "safetensors header", "file has " + std::to_string(file_size) + " bytes, expected at least 8");
  unsigned char len_bytes[8];
  in.read(reinterpret_cast<char*>(len_bytes), 8);
  std::uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | len_bytes[i];
  constexpr std::uint64_t max_header = 100u << 20;  // the format's own limit
  if (header_len > max_header || header_len > file_size - 8)
    throw format_error(file, "safetensors header length",
                       "header claims " + std::to_string(header_len) + " bytes, expected at most " +
                           std::to_string(std::min(max_header, file_size - 8)) + " (file size " +
                           std::to_string(file_size) + ")");
  std::string header(header_len, '\0');
  in.read(header.data(), std::streamsize(header_len));
  if (!in) throw format_error(file, "safetensors header", "read error, the file ended early (changed while reading?)");
  if (header.empty() || header[0] != '{')
    throw format_error(file, "safetensors header",
                       "starts with \"" + printable_excerpt(header.substr(0, 1)) + "\", expected a JSON object '{'");

  json_value root;
  try {
    root = parse_json(header);
  } catch (const json_error& e) {
    throw format_error(file, "safetensors header", e.what());
  }
  if (!root.is_object()) throw format_error(file, "safetensors header", "expected a JSON object");

  // Every string in the header is a tensor name, a metadata key or value, a dtype or a field
  // name; JSON text (and the reference implementation) requires UTF-8.
  auto require_utf8 = [&](std::string_view s, const std::string& field) {
    if (const std::string why = utf8_problem(s); !why.empty())
      throw format_error(file, field, "\"" + printable_excerpt(s) + "\" is not valid UTF-8 (" + why + "), expected UTF-8 text");
  };

  safetensors_file out;
  const std::uint64_t data_size = file_size - 8 - header_len;
  struct pending {
    std::uint64_t begin, end;
  };
  std::vector<pending> ranges;
  for (const auto& [name, entry] : root.object()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw format_error(file, "__metadata__", "expected an object of string keys and string values");
      for (const auto& [k, v] : entry.object()) {
        require_utf8(k, "__metadata__ key");
        const std::string field = "__metadata__." + printable_excerpt(k);
        if (!v.is_string()) throw format_error(file, field, "expected a string value");
        require_utf8(v.string(), field);
        out.metadata[k] = v.string();
      }
      continue;
    }
    require_utf8(name, "tensor name");
    const std::string field = "tensor '" + printable_excerpt(name) + "'";
    if (!entry.is_object()) throw format_error(file, field, "expected an object {\"dtype\", \"shape\", \"data_offsets\"}");
    const auto& o = entry.object();
    for (const auto& [key, value] : o)
      if (key != "dtype" && key != "shape" && key != "data_offsets")
        throw format_error(file, field, "unexpected key \"" + printable_excerpt(key) +
                                            "\", expected only \"dtype\", \"shape\" and \"data_offsets\"");
    auto get = [&](const char* key) -> const json_value& {
      auto it = o.find(key);
      if (it == o.end())
        throw format_error(file, field, std::string("missing \"") + key + "\", expected \"dtype\", \"shape\" and \"data_offsets\"");
      return it->second;
    };
    tensor_record t;
    t.name = name;
    if (!get("dtype").is_string()) throw format_error(file, field, "dtype: expected a string");
    t.dtype = get("dtype").string();
    const std::size_t esize = dtype_size(t.dtype);
    if (esize == 0)
      throw format_error(file, field, "dtype: unknown \"" + printable_excerpt(t.dtype) +
                                          "\", expected F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I16, I8, "
                                          "U64, U32, U16, U8 or BOOL");
    const auto& shape = get("shape");
    if (!shape.is_array()) throw format_error(file, field, "shape: expected an array of integers");
    for (const auto& d : shape.array()) {
      std::uint64_t v;
      if (!d.as_u64(v))
        throw format_error(file, field, "shape: element " + std::to_string(t.shape.size()) + " is " +
                                            (d.is_number() ? "\"" + d.number_text + "\"" : std::string("not a number")) +
                                            ", expected non-negative integers below 2^64");
      t.shape.push_back(v);
    }
    const auto& offsets = get("data_offsets");
    std::uint64_t b = 0, e = 0;
    if (!offsets.is_array() || offsets.array().size() != 2 || !offsets.array()[0].as_u64(b) ||
        !offsets.array()[1].as_u64(e))
      throw format_error(file, field, "data_offsets: expected [begin, end], two non-negative integers");
    if (b > e || e > data_size)
      throw format_error(file, field, "data_offsets: [" + std::to_string(b) + ", " + std::to_string(e) +
                                          "] outside the data section of " + std::to_string(data_size) +
                                          " bytes, expected begin <= end <= " + std::to_string(data_size));
    std::uint64_t bytes = 0;
    if (!detail::checked_tensor_bytes(t.shape, esize, data_size, bytes)) {
      const bool fits = detail::checked_tensor_bytes(t.shape, esize, std::numeric_limits<std::uint64_t>::max(), bytes);
      throw format_error(file, field, "shape: " + detail::shape_string(t.shape) + " of " + t.dtype + " needs " +
                                          (fits ? std::to_string(bytes) : std::string("more than 2^64")) +
                                          " bytes, expected at most the data section's " + std::to_string(data_size) +
                                          " (larger than the file)");
    }
    if (e - b != bytes) {
      std::uint64_t numel = 1;
      for (auto d : t.shape) numel *= d;  // bytes <= data_size: no overflow
      throw format_error(file, field, "data_offsets: " + std::to_string(e - b) + " bytes, expected " +
                                          std::to_string(bytes) + " for " + t.dtype + " of " + std::to_string(numel) +
                                          " elements");
    }
    out.tensors.push_back(std::move(t));
    ranges.push_back({b, e});
  }
  // As the reference implementation requires: in offset order, the tensors tile the data
  // section exactly, without gaps, overlaps or trailing bytes.
  std::vector<std::size_t> order(out.tensors.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t c) {
    return ranges[a].begin != ranges[c].begin ? ranges[a].begin < ranges[c].begin : ranges[a].end < ranges[c].end;
  });
  std::uint64_t expected = 0;
  const tensor_record* previous = nullptr;
  for (std::size_t i : order) {
    const std::string field = "tensor '" + printable_excerpt(out.tensors[i].name) + "'";
    const std::string range = "[" + std::to_string(ranges[i].begin) + ", " + std::to_string(ranges[i].end) + "]";
    const std::string after = previous ? "where tensor '" + printable_excerpt(previous->name) + "' ends" : "the start of the data section";
    if (ranges[i].begin < expected)
      throw format_error(file, field, "data_offsets " + range + " overlap another tensor, expected them to start at " +
                                          std::to_string(expected) + " (" + after + ")");
    if (ranges[i].begin > expected)
      throw format_error(file, field, "data_offsets " + range + " leave a gap of " +
                                          std::to_string(ranges[i].begin - expected) + " unused bytes, expected them to start at " +
                                          std::to_string(expected) + " (" + after + ")");
    expected = ranges[i].end;
    previous = &out.tensors[i];
  }
  if (expected != data_size)
    throw format_error(file, "safetensors data",
                       std::to_string(data_size - expected) + " bytes after the last tensor's end at " +
                           std::to_string(expected) + ", expected the tensors to cover the " + std::to_string(data_size) +
                           "-byte data section exactly");
  for (std::size_t i : order) {
    auto& t = out.tensors[i];
    t.data.resize(ranges[i].end - ranges[i].begin);
    in.read(reinterpret_cast<char*>(t.data.data()), std::streamsize(t.data.size()));
    if (!in)
      throw format_error(file, "tensor '" + printable_excerpt(t.name) + "'",
                         "read error, the file ended early (changed while reading?)");
  }
  std::vector<tensor_record> sorted;
  sorted.reserve(order.size());
  for (std::size_t i : order) sorted.push_back(std::move(out.tensors[i]));
  out.tensors = std::move(sorted);
  return out;
}

LAMINA_INLINE void write_safetensors(const std::filesystem::path& file, const std::vector<tensor_record>& tensors,
                                     const std::map<std::string, std::string>& metadata) {
  // Refuses what read_safetensors would reject, so every file written can be read back.
  auto bad = [&](const std::string& what) {
    throw std::invalid_argument("write_safetensors: " + file.string() + ": " + what);
  };
  auto check_utf8 = [&](std::string_view s, const std::string& what) {
    if (const std::string why = utf8_problem(s); !why.empty())
      bad(what + " \"" + printable_excerpt(s) + "\" is not valid UTF-8 (" + why + ")");
  };
  std::string header = "{";
  bool first = true;
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (const auto& [k, v] : metadata) {
      check_utf8(k, "metadata key");
      check_utf8(v, "metadata value of \"" + printable_excerpt(k) + "\"");
      header += (first ? "" : ",") + json_quote(k) + ":" + json_quote(v);
      first = false;
    }
    header += "}";
  }
  std::vector<std::string_view> names;
  std::uint64_t offset = 0;
  for (const auto& t : tensors) {
    check_utf8(t.name, "tensor name");
    if (t.name == "__metadata__") bad("tensor name \"__metadata__\" is reserved for the metadata");
    names.push_back(t.name);
    const std::size_t esize = dtype_size(t.dtype);
    std::uint64_t bytes = 0;
    if (esize == 0) bad("tensor '" + printable_excerpt(t.name) + "' has unknown dtype \"" + printable_excerpt(t.dtype) + "\"");
    const bool fits = detail::checked_tensor_bytes(t.shape, esize, std::numeric_limits<std::uint64_t>::max(), bytes);
    if (!fits || t.data.size() != bytes)
      bad("tensor '" + printable_excerpt(t.name) + "' has " + std::to_string(t.data.size()) + " bytes, expected " +
          (fits ? std::to_string(bytes) : std::string("more than 2^64")) + " for " + t.dtype + " of shape " +
          detail::shape_string(t.shape));
    header += std::string(header.size() > 1 ? "," : "") + json_quote(t.name) + ":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
    for (std::size_t i = 0; i < t.shape.size(); ++i) header += (i ? "," : "") + std::to_string(t.shape[i]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + t.data.size()) + "]}";
    offset += t.data.size();
  }
  std::sort(names.begin(), names.end());
  if (const auto d = std::adjacent_find(names.begin(), names.end()); d != names.end())
    bad("tensor name '" + printable_excerpt(*d) + "' appears twice, expected unique names");
  header += "}";
  while ((8 + header.size()) % 8) header += ' ';  // align the data section, as the reference writer does
  write_atomically(file, [&](std::ostream& out) {
    unsigned char len[8];
    std::uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(header.data(), std::streamsize(header.size()));
    for (const auto& t : tensors) out.write(reinterpret_cast<const char*>(t.data.data()), std::streamsize(t.data.size()));
  });
}

}  // namespace lamina::io
