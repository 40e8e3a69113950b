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

#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "data_dir.hpp"
#include "error.hpp"
#include "npy.hpp"

namespace lamina::data {

/// The data set's layout: 40 subjects, 10 images each, 64 x 64 pixels per image.
///@{
inline constexpr std::size_t olivetti_subjects = 40, olivetti_images_per_subject = 10, olivetti_side = 64;
///@}

/// Options of load_olivetti_faces().
struct olivetti_options {
  /// Give images [N, 4096] instead of [N, 1, 64, 64] (the same memory layout).
  bool flatten = false;
};

/// Images with one integer label each (the subject, 0..39).
struct face_set {
  /// Faces [N, 1, 64, 64], or [N, 4096] with flatten, values in [0, 1].
  Tensor images;
  /// Subject of each image [N], 0..39 (image i shows subject i / 10).
  std::vector<std::int32_t> labels;
  /// Number of images N.
  std::size_t size() const { return labels.size(); }
  /// Floats per image: 4096 (0 for an empty set).
  std::size_t sample_size() const { return size() ? images.size() / size() : 0; }
};

namespace detail {
// load_olivetti_faces() once the file is known, compiled in lamina::compiled. The default file
// is resolved inline, in the caller's translation unit, where LAMINA_DATA_DIR_DEFAULT may be set.
LAMINA_INLINE face_set load_olivetti_faces_from(const olivetti_options& options, const std::filesystem::path& file);
}  // namespace detail

/// The default file is data_path("faces/olivetti_faces.npy"). Accepts uint8 pixels (scaled by
/// 1/255) or float32/float64 values already in [0, 1], shape (N, 64, 64) or (N, 4096).
/// Throws format_error for a missing file, another shape or values outside [0, 1].
inline face_set load_olivetti_faces(olivetti_options options = {}, std::filesystem::path file = {}) {
  if (file.empty()) file = data_path("faces/olivetti_faces.npy");
  return detail::load_olivetti_faces_from(options, file);
}

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "olivetti-inl.hpp"
#endif
