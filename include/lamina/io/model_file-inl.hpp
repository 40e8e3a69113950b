#pragma once
// Definitions for model_file.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "../data/error.hpp"
#include "model_file.hpp"
#include "safetensors.hpp"

namespace lamina::io {

namespace detail {
LAMINA_INLINE std::vector<std::uint64_t> shape_of(const dims& d) {
  return std::vector<std::uint64_t>(d.d.begin(), d.d.begin() + std::ptrdiff_t(d.rank));
}

LAMINA_INLINE std::vector<float> as_floats(const tensor_record& t, const std::filesystem::path& file, bool integral) {
  const std::size_t n = t.numel();
  std::vector<float> out(n);
  if (t.dtype == "F32") {
    std::memcpy(out.data(), t.data.data(), n * 4);
  } else if (t.dtype == "F64" && !integral) {
    for (std::size_t i = 0; i < n; ++i) {
      double v;
      std::memcpy(&v, t.data.data() + 8 * i, 8);
      out[i] = float(v);
    }
  } else if (t.dtype == "I64" && integral) {
    for (std::size_t i = 0; i < n; ++i) {
      std::int64_t v;
      std::memcpy(&v, t.data.data() + 8 * i, 8);
      out[i] = float(v);
    }
  } else {
    throw data::format_error(file, "tensor '" + t.name + "'",
                             "dtype " + t.dtype + ", expected " + (integral ? "I64" : "F32 (or F64)"));
  }
  return out;
}
}  // namespace detail

}  // namespace lamina::io
