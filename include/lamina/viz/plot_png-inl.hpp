#pragma once
// Definitions for plot_png.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include "image.hpp"
#include "plot_png.hpp"
#include "png.hpp"
#include "text.hpp"

namespace lamina::viz {

namespace detail {
// A horizontal or vertical line `t` pixels thick, on whole pixels so that it stays crisp.
LAMINA_INLINE void crisp_line(image& img, double ax, double ay, double bx, double by, int t, rgb c) {
  const int x0 = int(std::lround(std::min(ax, bx) - t / 2.0)), y0 = int(std::lround(std::min(ay, by) - t / 2.0));
  const int x1 = int(std::lround(std::max(ax, bx) + t / 2.0)), y1 = int(std::lround(std::max(ay, by) + t / 2.0));
  img.fill_rect(x0, y0, ax == bx ? t : x1 - x0, ay == by ? t : y1 - y0, c);
}
}  // namespace detail

LAMINA_INLINE image render(const plot& p) {
  using namespace detail;
  const plot_layout L = layout(p);
  const double r = p.pixel_ratio;
  const typeface& face = typeface::standard();
  image img(p.width * p.pixel_ratio, p.height * p.pixel_ratio, p.background);
  auto at = [r](point q) { return point{q.x * r, q.y * r}; };
  const int thin = std::max(1, int(std::lround(0.8 * r)));  // matplotlib's 0.8 pt axes lines
  const double X0 = L.x0 * r, Y0 = L.y0 * r, X1 = L.x1 * r, Y1 = L.y1 * r;
  constexpr rgb legend_edge{204, 204, 204};

  if (p.grid) {
    for (const tick& t : L.sx.ticks) crisp_line(img, L.px(t.value) * r, Y0, L.px(t.value) * r, Y1, thin, colors::light_grey);
    for (const tick& t : L.sy.ticks)
      crisp_line(img, X0, L.py(t.value, side::left) * r, X1, L.py(t.value, side::left) * r, thin, colors::light_grey);
  }

  // data, clipped to the plot area
  img.clip({int(std::floor(X0)), int(std::floor(Y0)), int(std::ceil(X1)) + 1, int(std::ceil(Y1)) + 1});
  for (std::size_t i = 0; i < p.curves.size(); ++i) {
    const series& c = p.curves[i];
    const rgb color = color_of(p, i);
    for (const auto& run : runs(L, c)) {
      std::vector<point> px;
      for (const point& q : run) px.push_back(at(q));
      if (run.size() == 1 && c.style.mark == marker::none) img.disc(px[0], (c.style.width + 1) * r, color);
      if (run.size() > 1) img.stroke(px, color, c.style.width * r, c.style.line);
      for (const point& q : px) img.mark(q, c.style.mark, marker_size_of(c.style) * r, color);
    }
  }
  img.reset_clip();

  // frame and ticks
  crisp_line(img, X0, Y0, X1, Y0, thin, colors::black);
  crisp_line(img, X0, Y1, X1, Y1, thin, colors::black);
  crisp_line(img, X0, Y0, X0, Y1, thin, colors::black);
  crisp_line(img, X1, Y0, X1, Y1, thin, colors::black);
  const double tl = L.tick_len * r;
  for (const tick& t : L.sx.ticks) crisp_line(img, L.px(t.value) * r, Y1, L.px(t.value) * r, Y1 + tl, thin, colors::black);
  for (int a = 0; a < (L.has_y2 ? 2 : 1); ++a) {
    const side sd = a ? side::right : side::left;
    const double edge = a ? X1 : X0, dir = a ? 1 : -1;
    for (const tick& t : (a ? L.sy2 : L.sy).ticks)
      crisp_line(img, edge, L.py(t.value, sd) * r, edge + dir * tl, L.py(t.value, sd) * r, thin, colors::black);
  }

  // legend box (white at 80 %, as matplotlib's) with its sample lines and markers
  if (L.has_legend) {
    const int lx = int(std::lround(L.legend_x * r)), ly = int(std::lround(L.legend_y * r));
    const int lw = int(std::lround(L.legend_w * r)), lh = int(std::lround(L.legend_h * r));
    for (int y = ly; y < ly + lh; ++y)
      for (int x = lx; x < lx + lw; ++x) img.blend(x, y, colors::white, 0.8);
    img.outline_rect(lx, ly, lw, lh, legend_edge, thin);
    for (const legend_entry& e : L.legend) {
      const style& st = p.curves[e.series].style;
      const rgb color = color_of(p, e.series);
      const point pts[] = {at(e.from), at(e.to)};
      img.stroke(pts, color, st.width * r, st.line);
      img.mark(at({(e.from.x + e.to.x) / 2, e.from.y}), st.mark, marker_size_of(st) * r, color);
    }
  }

  for (const text_item& t : L.texts) {
    const double size = t.size * r, w = face.width(t.text, size);
    const double shift = t.align == anchor::start ? 0 : t.align == anchor::middle ? w / 2 : w;
    const point o = at(t.at);
    face.draw(img, t.vertical ? point{o.x, o.y + shift} : point{o.x - shift, o.y}, t.text, size, colors::black, t.vertical);
  }
  return img;
}

LAMINA_INLINE void save_png(const std::filesystem::path& path, const plot& p) { save_png(path, render(p)); }

}  // namespace lamina::viz
