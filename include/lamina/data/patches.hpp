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

namespace detail {

inline void check_photos(std::span<const Tensor> photos, std::size_t h, std::size_t w, const char* who) {
  if (photos.empty()) throw std::invalid_argument(std::string(who) + ": no photos");
  for (std::size_t i = 0; i < photos.size(); ++i) {
    const dims& s = photos[i].shape();
    if (s.rank != 3 || s[0] != photos[0].shape()[0])
      throw std::invalid_argument(std::string(who) + ": photo " + std::to_string(i) + " is " + to_string(s) +
                                  "; expected [C, H, W] with the channels of photo 0 (" +
                                  to_string(photos[0].shape()) + "); convert with load_photo(name, 3)");
    if (s[1] < h || s[2] < w)
      throw std::invalid_argument(std::string(who) + ": photo " + std::to_string(i) + " " + to_string(s) +
                                  " is smaller than a " + std::to_string(h) + "x" + std::to_string(w) + " patch");
  }
}

// Copies the h x w window at (top, left) of `photo` [C, H, W] to `dst` [C, h, w].
inline void copy_window(const Tensor& photo, std::size_t top, std::size_t left, std::size_t h, std::size_t w,
                        float* dst) {
  const std::size_t c = photo.shape()[0], H = photo.shape()[1], W = photo.shape()[2];
  for (std::size_t k = 0; k < c; ++k)
    for (std::size_t y = 0; y < h; ++y)
      std::copy_n(photo.data() + (k * H + top + y) * W + left, w, dst + (k * h + y) * w);
}

struct window {
  std::size_t photo, top, left;
};

inline Tensor gather_windows(std::span<const Tensor> photos, std::span<const window> ws, std::size_t h,
                             std::size_t w) {
  const std::size_t c = photos[0].shape()[0];
  Tensor out(make_dims(ws.size(), c, h, w));
  for (std::size_t i = 0; i < ws.size(); ++i)
    copy_window(photos[ws[i].photo], ws[i].top, ws[i].left, h, w, out.data() + i * c * h * w);
  return out;
}

inline void shuffle(std::vector<std::size_t>& v, rng& gen) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[gen.below(i)]);
}

}  // namespace detail

// `count` random h x w crops, photos drawn in proportion to their number of crop positions
// (so every position of every photo is equally likely). Output [count, C, h, w].
inline Tensor random_patches(std::span<const Tensor> photos, std::size_t h, std::size_t w, std::size_t count,
                             rng& gen, std::vector<std::size_t>* sources = nullptr) {
  detail::check_photos(photos, h, w, "lamina::data::random_patches");
  std::vector<std::uint64_t> cumulative(photos.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < photos.size(); ++i)
    cumulative[i] = total += (photos[i].shape()[1] - h + 1) * (photos[i].shape()[2] - w + 1);
  std::vector<detail::window> ws(count);
  for (auto& win : ws) {
    const std::uint64_t r = gen.below(total);
    win.photo = std::size_t(std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin());
    const std::uint64_t local = r - (win.photo ? cumulative[win.photo - 1] : 0);
    const std::size_t cols = photos[win.photo].shape()[2] - w + 1;
    win.top = std::size_t(local / cols);
    win.left = std::size_t(local % cols);
  }
  if (sources) {
    sources->resize(count);
    for (std::size_t i = 0; i < count; ++i) (*sources)[i] = ws[i].photo;
  }
  return detail::gather_windows(photos, ws, h, w);
}

// Every h x w tile at multiples of `stride` (row-major per photo, photos in order).
inline Tensor tiled_patches(std::span<const Tensor> photos, std::size_t h, std::size_t w, std::size_t stride,
                            std::vector<std::size_t>* sources = nullptr) {
  detail::check_photos(photos, h, w, "lamina::data::tiled_patches");
  if (stride == 0) throw std::invalid_argument("lamina::data::tiled_patches: stride must be >= 1");
  std::vector<detail::window> ws;
  for (std::size_t p = 0; p < photos.size(); ++p)
    for (std::size_t top = 0; top + h <= photos[p].shape()[1]; top += stride)
      for (std::size_t left = 0; left + w <= photos[p].shape()[2]; left += stride) ws.push_back({p, top, left});
  if (sources) {
    sources->resize(ws.size());
    for (std::size_t i = 0; i < ws.size(); ++i) (*sources)[i] = ws[i].photo;
  }
  return detail::gather_windows(photos, ws, h, w);
}

// Training and validation patches (see the comment at the top). Split by photo: a seeded
// round(validation * photos) of the photos (at least one, and at least one left for
// training, when there are two or more photos and validation > 0) give the validation
// patches; random mode draws round(validation * count) patches from them. Split by patch: all
// patches are drawn from all photos, then a seeded shuffle sends round(validation * N) of them
// to validation (tiles at stride >= size never overlap; random crops may).
inline patch_set make_patches(std::span<const Tensor> photos, const patch_options& o) {
  const std::size_t h = o.height ? o.height : o.size, w = o.width ? o.width : o.size;
  if (!(o.validation >= 0.0 && o.validation < 1.0))
    throw std::invalid_argument("lamina::data::make_patches: validation fraction " + std::to_string(o.validation) +
                                " must be in [0, 1)");
  rng gen(o.seed);
  rng split_gen = gen.fork("split");
  rng crop_gen = gen.fork("crops");
  patch_set out;
  auto cut = [&](std::span<const Tensor> ps, std::size_t count, rng& g, std::vector<std::size_t>& src) {
    return o.mode == patch_mode::random ? random_patches(ps, h, w, count, g, &src)
                                        : tiled_patches(ps, h, w, o.stride ? o.stride : std::max(h, w), &src);
  };
  if (o.split == split_by::photo && photos.size() >= 2 && o.validation > 0) {
    std::vector<std::size_t> order(photos.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    detail::shuffle(order, split_gen);
    std::size_t n_val = std::size_t(std::llround(o.validation * double(photos.size())));
    n_val = std::clamp<std::size_t>(n_val, 1, photos.size() - 1);
    std::vector<std::size_t> val_ids(order.begin(), order.begin() + n_val), train_ids(order.begin() + n_val, order.end());
    std::sort(val_ids.begin(), val_ids.end());
    std::sort(train_ids.begin(), train_ids.end());
    std::vector<Tensor> val_photos, train_photos;  // copies keep the API simple; photos are small
    for (auto i : val_ids) val_photos.push_back(photos[i]);
    for (auto i : train_ids) train_photos.push_back(photos[i]);
    const std::size_t count_val = std::size_t(std::llround(o.validation * double(o.count)));
    out.train = cut(train_photos, o.count - count_val, crop_gen, out.train_photos);
    rng val_gen = gen.fork("validation crops");
    out.validation = cut(val_photos, count_val, val_gen, out.validation_photos);
    for (auto& p : out.train_photos) p = train_ids[p];
    for (auto& p : out.validation_photos) p = val_ids[p];
    return out;
  }
  std::vector<std::size_t> src;
  Tensor all = cut(photos, o.count, crop_gen, src);
  const std::size_t n = all.shape()[0], per = n ? all.size() / n : 0;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  detail::shuffle(order, split_gen);
  const std::size_t n_val = std::size_t(std::llround(o.validation * double(n)));
  std::sort(order.begin(), order.begin() + n_val);
  std::sort(order.begin() + n_val, order.end());
  auto take = [&](std::size_t from, std::size_t to, std::vector<std::size_t>& sources) {
    dims s = all.shape();
    s.d[0] = to - from;
    Tensor t(s);
    sources.clear();
    for (std::size_t i = from; i < to; ++i) {
      std::copy_n(all.data() + order[i] * per, per, t.data() + (i - from) * per);
      sources.push_back(src[order[i]]);
    }
    return t;
  };
  out.validation = take(0, n_val, out.validation_photos);
  out.train = take(n_val, n, out.train_photos);
  return out;
}

}  // namespace lamina::data
