#pragma once
// Definitions for olivetti.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "npy.hpp"
#include "olivetti.hpp"

namespace lamina::data::detail {

LAMINA_INLINE face_set load_olivetti_faces_from(const olivetti_options& options, const std::filesystem::path& file) {
  const npy_array a = read_npy(file);
  constexpr std::size_t side = olivetti_side;
  const bool square = a.shape.size() == 3 && a.shape[1] == side && a.shape[2] == side;
  const bool flat = a.shape.size() == 2 && a.shape[1] == side * side;
  if (!square && !flat)
    throw format_error(file, "NPY shape", "expected (N, 64, 64) or (N, 4096), got " + detail::npy_shape_string(a.shape));
  const std::size_t n = a.shape[0];
  std::vector<float> values = a.dtype == npy_dtype::u1 ? a.as_unit_floats() : a.as_floats();
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!(values[i] >= 0.0f && values[i] <= 1.0f))
      throw format_error(file, "NPY data",
                         "value " + std::to_string(values[i]) + " at index " + std::to_string(i) +
                             " is outside [0, 1], expected pixel values in [0, 1] (or uint8 pixels)");

  face_set set;
  set.images = options.flatten ? Tensor(make_dims(n, side * side)) : Tensor(make_dims(n, 1, side, side));
  std::copy(values.begin(), values.end(), set.images.begin());
  set.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) set.labels[i] = static_cast<std::int32_t>(i / olivetti_images_per_subject);
  return set;
}

}  // namespace lamina::data::detail
