#pragma once
// Definitions for patches.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "patches.hpp"

namespace lamina::data {

namespace detail {

LAMINA_INLINE void check_photos(std::span<const Tensor> photos, std::size_t h, std::size_t w, const char* who) {
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
LAMINA_INLINE void copy_window(const Tensor& photo, std::size_t top, std::size_t left, std::size_t h, std::size_t w,
                               float* dst) {
  const std::size_t c = photo.shape()[0], H = photo.shape()[1], W = photo.shape()[2];
  for (std::size_t k = 0; k < c; ++k)
    for (std::size_t y = 0; y < h; ++y)
      std::copy_n(photo.data() + (k * H + top + y) * W + left, w, dst + (k * h + y) * w);
}

struct window {
  std::size_t photo, top, left;
};

LAMINA_INLINE Tensor gather_windows(std::span<const Tensor> photos, std::span<const window> ws, std::size_t h,
                                    std::size_t w) {
  const std::size_t c = photos[0].shape()[0];
  Tensor out(make_dims(ws.size(), c, h, w));
  for (std::size_t i = 0; i < ws.size(); ++i)
    copy_window(photos[ws[i].photo], ws[i].top, ws[i].left, h, w, out.data() + i * c * h * w);
  return out;
}

LAMINA_INLINE void shuffle(std::vector<std::size_t>& v, rng& gen) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[gen.below(i)]);
}

}  // namespace detail

LAMINA_INLINE Tensor random_patches(std::span<const Tensor> photos, std::size_t h, std::size_t w, std::size_t count,
                                    rng& gen, std::vector<std::size_t>* sources) {
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

LAMINA_INLINE Tensor tiled_patches(std::span<const Tensor> photos, std::size_t h, std::size_t w, std::size_t stride,
                                   std::vector<std::size_t>* sources) {
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

LAMINA_INLINE patch_set make_patches(std::span<const Tensor> photos, const patch_options& o) {
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
