#pragma once
// Definitions for grid.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "grid.hpp"
#include "text.hpp"

namespace lamina::viz {

namespace detail {
LAMINA_INLINE image_stack as_images(ConstTensorView t, const grid_options& o, const char* who) {
  const std::string got = to_string(t.shape);
  if (t.shape.rank == 0 || t.size() == 0 || t.data == nullptr)
    throw std::invalid_argument(std::string(who) + ": empty tensor " + got + "; expected images [N, C, H, W], " +
                                "[N, H, W] or [N, D]");
  image_stack s{t.data, t.shape[0]};
  if (t.shape.rank == 4) {
    s.c = t.shape[1], s.h = t.shape[2], s.w = t.shape[3];
    if (s.c != 1 && s.c != 3)
      throw std::invalid_argument(std::string(who) + ": images " + got + " have " + std::to_string(s.c) +
                                  " channels; expected 1 (grey) or 3 (RGB). For the channels of one sample "
                                  "use viz::feature_maps([C, H, W])");
  } else if (t.shape.rank == 3) {
    s.h = t.shape[1], s.w = t.shape[2];
  } else if (t.shape.rank == 2) {
    const std::size_t d = t.shape[1];
    s.h = o.height, s.w = o.width;
    if (s.h == 0 && s.w == 0) {
      const auto r = std::size_t(std::llround(std::sqrt(double(d))));
      if (r * r != d)
        throw std::invalid_argument(std::string(who) + ": rows of " + got + " are not square images; set " +
                                    "grid_options height and width (H*W or 3*H*W = " + std::to_string(d) + ")");
      s.h = s.w = r;
    }
    if (s.h * s.w == d) s.c = 1;
    else if (3 * s.h * s.w == d) s.c = 3;
    else
      throw std::invalid_argument(std::string(who) + ": rows of " + got + " cannot be shown as " +
                                  std::to_string(s.h) + "x" + std::to_string(s.w) + " images (need D = " +
                                  std::to_string(s.h * s.w) + " or " + std::to_string(3 * s.h * s.w) + ")");
  } else {
    throw std::invalid_argument(std::string(who) + ": got a tensor " + got +
                                "; expected images [N, C, H, W], [N, H, W] or [N, D]");
  }
  return s;
}

// Image i of a stack as RGB at an integer scale.
LAMINA_INLINE image render_tile(const image_stack& s, std::size_t i, value_range r, int scale, rgb nan_color) {
  const std::size_t hw = s.h * s.w;
  const float* p = s.data + i * s.image_size();
  image out(int(s.w) * scale, int(s.h) * scale);
  for (std::size_t y = 0; y < s.h; ++y)
    for (std::size_t x = 0; x < s.w; ++x) {
      const std::size_t k = y * s.w + x;
      rgb c;
      if (s.c == 1) {
        const float v = p[k];
        c = std::isnan(v) ? nan_color : rgb{r.level(v), r.level(v), r.level(v)};
      } else {
        const float a = p[k], b = p[hw + k], d = p[2 * hw + k];
        c = (std::isnan(a) || std::isnan(b) || std::isnan(d)) ? nan_color : rgb{r.level(a), r.level(b), r.level(d)};
      }
      out.fill_rect(int(x) * scale, int(y) * scale, scale, scale, c);
    }
  return out;
}

// Lays out rows of cells: row labels on the left (centred on the tiles), captions close under
// their tiles with a wider gap before the next row (so that they read as that row's captions),
// a title on top.
LAMINA_INLINE image compose(const std::vector<std::vector<cell>>& cells, const std::vector<std::string>& labels,
                            const grid_options& o) {
  const typeface& face = typeface::standard();
  const double fs = o.font_size > 0 ? o.font_size : 20;
  const int asc = int(std::ceil(face.ascent(fs))), line = asc + int(std::ceil(face.descent(fs)));
  const int pad = std::max(o.padding, 0), em = int(std::lround(fs));
  auto width = [&](const std::string& t) { return int(std::ceil(face.width(t, fs))); };
  int tile_w = 0, tile_h = 0, cap_w = 0, label_w = 0;
  std::size_t cols = 0;
  bool captions = false;
  for (const auto& r : cells) {
    cols = std::max(cols, r.size());
    for (const auto& c : r) {
      tile_w = std::max(tile_w, c.tile.width()), tile_h = std::max(tile_h, c.tile.height());
      cap_w = std::max(cap_w, width(c.caption));
      captions = captions || !c.caption.empty();
    }
  }
  for (const auto& l : labels) label_w = std::max(label_w, width(l));
  if (label_w > 0) label_w += em / 2 + pad;
  const int cell_w = std::max(tile_w, captions ? cap_w + em / 4 : 0);
  const int cap_gap = em / 4, cap_h = captions ? cap_gap + line : 0;
  const int row_gap = captions ? std::max(pad, em * 3 / 4) : pad;
  const int title_h = o.title.empty() ? 0 : line + em / 2;
  const int row_h = tile_h + cap_h;
  const int n_rows = int(cells.size()), n_cols = int(cols);
  const int body_w = label_w + n_cols * cell_w + std::max(n_cols - 1, 0) * pad;
  const int W = std::max(body_w, width(o.title)) + 2 * pad;
  const int H = title_h + n_rows * row_h + std::max(n_rows - 1, 0) * row_gap + 2 * pad;
  image out(std::max(W, 1), std::max(H, 1), o.background);
  if (!o.title.empty())
    face.draw(out, {(W - width(o.title)) / 2.0, double(pad + asc)}, o.title, fs, o.text_color);
  for (int r = 0; r < n_rows; ++r) {
    const int y = pad + title_h + r * (row_h + row_gap);
    if (std::size_t(r) < labels.size())
      face.draw(out, {double(pad), y + tile_h / 2.0 + face.cap_height(fs) / 2}, labels[std::size_t(r)], fs, o.text_color);
    for (int c = 0; c < int(cells[std::size_t(r)].size()); ++c) {
      const cell& k = cells[std::size_t(r)][std::size_t(c)];
      const int x = pad + label_w + c * (cell_w + pad);
      out.blit(k.tile, x + (cell_w - k.tile.width()) / 2, y + (tile_h - k.tile.height()) / 2);
      if (!k.caption.empty())
        face.draw(out, {x + (cell_w - face.width(k.caption, fs)) / 2, double(y + tile_h + cap_gap + asc)}, k.caption, fs,
                  o.text_color);
    }
  }
  return out;
}

LAMINA_INLINE int auto_scale(const grid_options& o, std::size_t h, std::size_t w) {
  if (o.scale > 0) return o.scale;
  const std::size_t m = std::max<std::size_t>(std::max(h, w), 1);
  return int(std::clamp<std::size_t>((96 + m - 1) / m, 1, 16));
}

LAMINA_INLINE std::vector<cell> render_cells(const image_stack& s, const std::vector<std::string>& captions,
                                             const grid_options& o, int scale, const value_range* global) {
  std::vector<cell> out;
  out.reserve(s.n);
  for (std::size_t i = 0; i < s.n; ++i) {
    const value_range r = global ? *global : range_of(s.data + i * s.image_size(), s.image_size(), o.norm);
    out.push_back({render_tile(s, i, r, scale, o.nan_color), i < captions.size() ? captions[i] : std::string{}});
  }
  return out;
}
}  // namespace detail

LAMINA_INLINE image grid(ConstTensorView images, const grid_options& o) {
  const detail::image_stack s = detail::as_images(images, o, "viz::grid");
  const int scale = detail::auto_scale(o, s.h, s.w);
  value_range g{};
  const bool global = o.norm.over == scope::global || o.norm.how == normalize::method::fixed;
  if (global) g = range_of(s.data, s.n * s.image_size(), o.norm);
  std::vector<detail::cell> all = detail::render_cells(s, o.captions, o, scale, global ? &g : nullptr);
  const std::size_t cols =
      o.cols ? o.cols : std::max<std::size_t>(1, std::size_t(std::ceil(std::sqrt(double(s.n)) - 1e-9)));
  std::vector<std::vector<detail::cell>> cells;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i % cols == 0) cells.emplace_back();
    cells.back().push_back(std::move(all[i]));
  }
  return detail::compose(cells, {}, o);
}

LAMINA_INLINE image rows(std::span<const row> rs, const grid_options& o) {
  if (rs.empty()) throw std::invalid_argument("viz::rows: no rows given");
  std::vector<detail::image_stack> stacks;
  for (const row& r : rs) {
    stacks.push_back(detail::as_images(r.images, o, "viz::rows"));
    if (stacks.back().h != stacks.front().h || stacks.back().w != stacks.front().w)
      throw std::invalid_argument("viz::rows: row \"" + r.label + "\" has " + std::to_string(stacks.back().h) +
                                  "x" + std::to_string(stacks.back().w) + " images but row \"" + rs[0].label +
                                  "\" has " + std::to_string(stacks.front().h) + "x" +
                                  std::to_string(stacks.front().w));
  }
  const int scale = detail::auto_scale(o, stacks[0].h, stacks[0].w);
  const bool global = o.norm.over == scope::global || o.norm.how == normalize::method::fixed;
  value_range g{};
  if (global) {
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;  // over all rows
    for (const auto& s : stacks) widen_by_finite(s.data, s.n * s.image_size(), lo, hi);
    g = range_from(lo, hi, o.norm);
  }
  std::vector<std::vector<detail::cell>> cells;
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    cells.push_back(detail::render_cells(stacks[i], rs[i].captions, o, scale, global ? &g : nullptr));
    labels.push_back(rs[i].label);
  }
  return detail::compose(cells, labels, o);
}

LAMINA_INLINE image rows(std::initializer_list<row> rs, const grid_options& o) {
  return rows(std::span<const row>(rs.begin(), rs.size()), o);
}

LAMINA_INLINE image feature_maps(ConstTensorView maps, grid_options o) {
  ConstTensorView v = maps;
  if (v.shape.rank == 4 && v.shape[0] == 1) v.shape = make_dims(v.shape[1], v.shape[2], v.shape[3]);
  if (v.shape.rank != 3 || v.size() == 0 || v.data == nullptr)
    throw std::invalid_argument("viz::feature_maps: expected one sample's activations [C, H, W] or [1, C, H, W], "
                                "got " + to_string(maps.shape));
  if (o.captions.empty())
    for (std::size_t c = 0; c < v.shape[0]; ++c) o.captions.push_back(std::to_string(c));
  return grid(v, o);
}

}  // namespace lamina::viz
