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

enum class patch_mode { random, tiled };
enum class split_by { photo, patch };

struct patch_options {
  std::size_t size = 64;          // patch height and width (unless height/width are set)
  std::size_t height = 0, width = 0;
  patch_mode mode = patch_mode::random;
  std::size_t count = 1000;       // random: patches in all (train + validation)
  std::size_t stride = 0;         // tiled: step between tiles; 0 = the patch size (no overlap)
  double validation = 0.2;        // fraction of photos (split_by::photo) or of patches
  split_by split = split_by::photo;
  std::uint64_t seed = 0;
};

struct patch_set {
  Tensor train;        // [N_train, C, h, w]
  Tensor validation;   // [N_val, C, h, w]
  std::vector<std::size_t> train_photos, validation_photos;  // source photo of each patch
};

// `count` random h x w crops, photos drawn in proportion to their number of crop positions
// (so every position of every photo is equally likely). Output [count, C, h, w].
LAMINA_INLINE Tensor random_patches(std::span<const Tensor> photos, std::size_t h, std::size_t w, std::size_t count,
                                    rng& gen, std::vector<std::size_t>* sources = nullptr);

// Every h x w tile at multiples of `stride` (row-major per photo, photos in order).
LAMINA_INLINE Tensor tiled_patches(std::span<const Tensor> photos, std::size_t h, std::size_t w, std::size_t stride,
                                   std::vector<std::size_t>* sources = nullptr);

// Training and validation patches (see the comment at the top). Split by photo: a seeded
// round(validation * photos) of the photos (at least one, and at least one left for
// training, when there are two or more photos and validation > 0) give the validation
// patches; random mode draws round(validation * count) patches from them. Split by patch: all
// patches are drawn from all photos, then a seeded shuffle sends round(validation * N) of them
// to validation (tiles at stride >= size never overlap; random crops may).
LAMINA_INLINE patch_set make_patches(std::span<const Tensor> photos, const patch_options& o);

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "patches-inl.hpp"
#endif
