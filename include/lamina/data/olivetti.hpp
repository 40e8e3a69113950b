#pragma once
// The Olivetti faces (ORL database, AT&T Laboratories Cambridge; 64x64 version by Sam Roweis,
// the same data as scikit-learn's fetch_olivetti_faces): 400 grey faces of 40 subjects, ten
// images each, subject of image i = i / 10. Bundled as data/faces/olivetti_faces.npy.
//
//   auto faces = lm::data::load_olivetti_faces();                 // images [400, 1, 64, 64] in [0,1]
//   auto flat  = lm::data::load_olivetti_faces({.flatten = true}); // images [400, 4096]
//   faces.labels[i] == i / 10
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "../core/tensor.hpp"
#include "data_dir.hpp"
#include "error.hpp"
#include "npy.hpp"

namespace lamina::data {

inline constexpr std::size_t olivetti_subjects = 40, olivetti_images_per_subject = 10, olivetti_side = 64;

struct olivetti_options {
  bool flatten = false;  // [N, 4096] instead of [N, 1, 64, 64] (same memory layout)
};

// Images with one integer label each (the subject, 0..39).
struct face_set {
  Tensor images;                      // [N, 1, 64, 64] or [N, 4096], values in [0, 1]
  std::vector<std::int32_t> labels;   // [N]
  std::size_t size() const { return labels.size(); }
  std::size_t sample_size() const { return size() ? images.size() / size() : 0; }
};

// The default file is data_path("faces/olivetti_faces.npy"). Accepts uint8 pixels (scaled by
// 1/255) or float32/float64 values already in [0, 1], shape (N, 64, 64) or (N, 4096).
inline face_set load_olivetti_faces(olivetti_options options = {}, std::filesystem::path file = {}) {
  if (file.empty()) file = data_path("faces/olivetti_faces.npy");
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
                         "value " + std::to_string(values[i]) + " at index " + std::to_string(i) + " is outside [0, 1]");

  face_set set;
  set.images = options.flatten ? Tensor(make_dims(n, side * side)) : Tensor(make_dims(n, 1, side, side));
  std::copy(values.begin(), values.end(), set.images.begin());
  set.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) set.labels[i] = static_cast<std::int32_t>(i / olivetti_images_per_subject);
  return set;
}

}  // namespace lamina::data
