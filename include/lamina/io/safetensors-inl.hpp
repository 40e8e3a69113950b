#pragma once
// Definitions for safetensors.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
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
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
  return 0;
}

LAMINA_INLINE safetensors_file read_safetensors(const std::filesystem::path& file) {
  using data::format_error;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw format_error(file, "cannot open", std::strerror(errno));
  std::error_code ec;
  const std::uint64_t file_size = std::filesystem::file_size(file, ec);
  if (ec) throw format_error(file, "cannot read size", ec.message());
  if (file_size < 8) throw format_error(file, "safetensors header", "file has " + std::to_string(file_size) + " bytes, expected at least 8");
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
  if (!in) throw format_error(file, "safetensors header", "truncated");

  json_value root;
  try {
    root = parse_json(header);
  } catch (const json_error& e) {
    throw format_error(file, "safetensors header", e.what());
  }
  if (!root.is_object()) throw format_error(file, "safetensors header", "expected a JSON object");

  safetensors_file out;
  const std::uint64_t data_size = file_size - 8 - header_len;
  struct pending {
    std::uint64_t begin, end;
  };
  std::vector<pending> ranges;
  for (const auto& [name, entry] : root.object()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw format_error(file, "__metadata__", "expected an object of strings");
      for (const auto& [k, v] : entry.object()) {
        if (!v.is_string()) throw format_error(file, "__metadata__." + k, "expected a string value");
        out.metadata[k] = v.string();
      }
      continue;
    }
    const std::string field = "tensor '" + name + "'";
    if (!entry.is_object()) throw format_error(file, field, "expected an object");
    const auto& o = entry.object();
    auto get = [&](const char* key) -> const json_value& {
      auto it = o.find(key);
      if (it == o.end()) throw format_error(file, field, std::string("missing \"") + key + "\"");
      return it->second;
    };
    tensor_record t;
    t.name = name;
    if (!get("dtype").is_string()) throw format_error(file, field, "dtype: expected a string");
    t.dtype = get("dtype").string();
    const std::size_t esize = dtype_size(t.dtype);
    if (esize == 0) throw format_error(file, field, "dtype: unknown \"" + t.dtype + "\"");
    const auto& shape = get("shape");
    if (!shape.is_array()) throw format_error(file, field, "shape: expected an array of integers");
    std::uint64_t numel = 1;
    for (const auto& d : shape.array()) {
      std::uint64_t v;
      if (!d.as_u64(v)) throw format_error(file, field, "shape: expected non-negative integers");
      if (v != 0 && numel > data_size / v) throw format_error(file, field, "shape: larger than the file's data");
      numel *= v;
      t.shape.push_back(v);
    }
    const auto& offsets = get("data_offsets");
    std::uint64_t b = 0, e = 0;
    if (!offsets.is_array() || offsets.array().size() != 2 || !offsets.array()[0].as_u64(b) ||
        !offsets.array()[1].as_u64(e))
      throw format_error(file, field, "data_offsets: expected [begin, end]");
    if (b > e || e > data_size)
      throw format_error(file, field, "data_offsets: [" + std::to_string(b) + ", " + std::to_string(e) +
                                          "] outside the data section of " + std::to_string(data_size) + " bytes");
    if (e - b != numel * esize)
      throw format_error(file, field, "data_offsets: " + std::to_string(e - b) + " bytes, expected " +
                                          std::to_string(numel * esize) + " for " + t.dtype + " of " +
                                          std::to_string(numel) + " elements");
    out.tensors.push_back(std::move(t));
    ranges.push_back({b, e});
  }
  // Read each tensor's bytes in file order.
  std::vector<std::size_t> order(out.tensors.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t c) { return ranges[a].begin < ranges[c].begin; });
  std::uint64_t previous_end = 0;
  for (std::size_t i : order) {
    if (ranges[i].begin < previous_end)
      throw format_error(file, "tensor '" + out.tensors[i].name + "'", "data_offsets overlap another tensor");
    previous_end = ranges[i].end;
    auto& t = out.tensors[i];
    t.data.resize(ranges[i].end - ranges[i].begin);
    in.seekg(std::streamoff(8 + header_len + ranges[i].begin));
    in.read(reinterpret_cast<char*>(t.data.data()), std::streamsize(t.data.size()));
    if (!in) throw format_error(file, "tensor '" + t.name + "'", "truncated data");
  }
  std::vector<tensor_record> sorted;
  for (std::size_t i : order) sorted.push_back(std::move(out.tensors[i]));
  out.tensors = std::move(sorted);
  return out;
}

LAMINA_INLINE void write_safetensors(const std::filesystem::path& file, const std::vector<tensor_record>& tensors,
                                     const std::map<std::string, std::string>& metadata) {
  std::string header = "{";
  bool first = true;
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (const auto& [k, v] : metadata) {
      header += (first ? "" : ",") + json_quote(k) + ":" + json_quote(v);
      first = false;
    }
    header += "}";
  }
  std::uint64_t offset = 0;
  for (const auto& t : tensors) {
    if (dtype_size(t.dtype) == 0 || t.data.size() != t.numel() * dtype_size(t.dtype))
      throw std::invalid_argument("write_safetensors: tensor '" + t.name + "' has " + std::to_string(t.data.size()) +
                                  " bytes, expected " + std::to_string(t.numel() * dtype_size(t.dtype)) + " of " + t.dtype);
    header += std::string(header.size() > 1 ? "," : "") + json_quote(t.name) + ":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
    for (std::size_t i = 0; i < t.shape.size(); ++i) header += (i ? "," : "") + std::to_string(t.shape[i]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + t.data.size()) + "]}";
    offset += t.data.size();
  }
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
