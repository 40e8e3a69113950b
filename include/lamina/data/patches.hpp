#pragma once
// Image patches cut from photos, e.g. the 64x64 RGB crops of the conv/deconv autoencoder
// (ELEC5306): random crops (a count and a seed) or tiles (a stride), split into training and
// validation patches by photo (no photo contributes to both) or by patch.
//
//   std::vector<Tensor> photos;                                  // each [3, H, W]
//   for (auto name : {"astronaut", "coffee", "chelsea"}) photos.push_back(lm::data::load_photo(name, 3));
//   auto p = lm::data::make_patches(photos, {.size = 64, .count = 2000, .validation = 0.2, .seed = 1});
//   p.train        // [1600, 3, 64, 64]
//   p.validation   // [400, 3, 64, 64]
//
// Every patch is fully inside its photo; the same options give the same patches bit for bit.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../core/rng.hpp"
#include "../core/tensor.hpp"

namespace lamina::data {

/// How make_patches() cuts patches: `random` crops (a count and a seed) or `tiled` on a grid
/// (a stride).
enum class patch_mode { random, tiled };
/// What make_patches() divides between training and validation: whole photos (no photo
/// gives patches to both) or single patches.
enum class split_by { photo, patch };

/// Options of make_patches().
struct patch_options {
  /// Patch side in pixels, for both height and width unless those are set.
  std::size_t size = 64;
  /// Patch height and width in pixels when non-zero, overriding size.
  ///@{
  std::size_t height = 0, width = 0;
  ///@}
  patch_mode mode = patch_mode::random;  ///< Random crops or tiles.
  /// Random mode: number of patches in all, training and validation together.
  std::size_t count = 1000;
  /// Tiled mode: step between tiles in pixels; 0 gives the patch size (tiles do not overlap).
  std::size_t stride = 0;
  /// Fraction in [0, 1) of the photos (split_by::photo) or of the patches kept for validation.
  double validation = 0.2;
  split_by split = split_by::photo;  ///< Whether validation takes whole photos or single patches.
  std::uint64_t seed = 0;  ///< Seeds the crops and the split (same options, same patches).
};

/// Training and validation patches made by make_patches(), with the photo each came from.
struct patch_set {
  /// Training patches [N_train, C, h, w].
  Tensor train;
  /// Validation patches [N_val, C, h, w].
  Tensor validation;
  /// Index (into the photos given) of the photo each training or validation patch was cut from.
  ///@{
  std::vector<std::size_t> train_photos, validation_photos;  // source photo of each patch
  ///@}
};

/// `count` random h x w crops, photos drawn in proportion to their number of crop positions
/// (so every position of every photo is equally likely). Output [count, C, h, w].
/// Photos are [C, H, W]; `sources`, when given, receives each patch's photo index.
LAMINA_INLINE Tensor random_patches(std::span<const Tensor> photos, std::size_t h, std::size_t w, std::size_t count,
                                    rng& gen, std::vector<std::size_t>* sources = nullptr);

/// Every h x w tile at multiples of `stride` (row-major per photo, photos in order).
/// Output [N, C, h, w]; `sources`, when given, receives each tile's photo index.
LAMINA_INLINE Tensor tiled_patches(std::span<const Tensor> photos, std::size_t h, std::size_t w, std::size_t stride,
                                   std::vector<std::size_t>* sources = nullptr);

/// Training and validation patches (see the comment at the top). Split by photo: a seeded
/// round(validation * photos) of the photos (at least one, and at least one left for
/// training, when there are two or more photos and validation > 0) give the validation
/// patches; random mode draws round(validation * count) patches from them. Split by patch: all
/// patches are drawn from all photos, then a seeded shuffle sends round(validation * N) of them
/// to validation (tiles at stride >= size never overlap; random crops may).
LAMINA_INLINE patch_set make_patches(std::span<const Tensor> photos, const patch_options& o);

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "patches-inl.hpp"
#endif
