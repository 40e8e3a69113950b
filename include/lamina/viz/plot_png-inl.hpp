#pragma once
// Definitions for plot_png.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "bitmap_font.hpp"
#include "image.hpp"
#include "plot_png.hpp"
#include "png.hpp"

namespace lamina::viz {

namespace detail {
// Liang-Barsky: clips the segment to [x0, x1] x [y0, y1]; false if nothing is left.
LAMINA_INLINE bool clip_segment(double& ax, double& ay, double& bx, double& by, double x0, double y0, double x1,
                                double y1) {
  double t0 = 0, t1 = 1;
  const double dx = bx - ax, dy = by - ay;
  const double p[4] = {-dx, dx, -dy, dy}, q[4] = {ax - x0, x1 - ax, ay - y0, y1 - ay};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
    } else {
      const double t = q[i] / p[i];
      if (p[i] < 0) t0 = std::max(t0, t);
      else t1 = std::min(t1, t);
    }
  }
  if (t0 > t1) return false;
  bx = ax + t1 * dx, by = ay + t1 * dy;
  ax = ax + t0 * dx, ay = ay + t0 * dy;
  return true;
}

LAMINA_INLINE int ipx(double v) { return int(std::lround(v)); }
}  // namespace detail

LAMINA_INLINE image render(const plot& p) {
  using namespace detail;
  const int fs = std::max(p.font_scale, 1);
  const plot_layout L = layout(p, {double(font::advance * fs), double(font::text_height(fs))});
  image img(p.width, p.height, p.background);
  const int X0 = ipx(L.x0), Y0 = ipx(L.y0), X1 = ipx(L.x1), Y1 = ipx(L.y1);
  const int cap = font::ascent * fs;  // height of digits and capitals

  if (!p.title.empty()) {
    // Centred over the axes; a title wider than them is centred on the image instead, so that
    // its start is never cut off.
    const int w = font::text_width(p.title, fs);
    int x = (X0 + X1 - w) / 2;
    if (x < ipx(L.pad)) x = std::max(0, (p.width - w) / 2);
    img.text(x, ipx(L.pad), p.title, colors::black, fs);
  }
  if (p.grid) {
    for (const tick& t : L.sx.ticks) img.line(ipx(L.px(t.value)), Y0, ipx(L.px(t.value)), Y1, colors::light_grey);
    for (const tick& t : L.sy.ticks)
      img.line(X0, ipx(L.py(t.value, side::left)), X1, ipx(L.py(t.value, side::left)), colors::light_grey);
  }

  // data, clipped to the plot area
  img.clip({X0, Y0, X1 + 1, Y1 + 1});
  const double m = 64;  // clip segments a little outside the area so thick lines end cleanly
  for (std::size_t i = 0; i < p.curves.size(); ++i) {
    const series& c = p.curves[i];
    const rgb color = color_of(p, i);
    for (const auto& run : runs(L, c)) {
      long phase = 0;
      if (run.size() == 1 && c.style.mark == marker::none)
        img.dot(ipx(run[0].x), ipx(run[0].y), color, 2 * c.style.width + 2);
      for (std::size_t k = 1; k < run.size(); ++k) {
        double ax = run[k - 1].x, ay = run[k - 1].y, bx = run[k].x, by = run[k].y;
        if (clip_segment(ax, ay, bx, by, L.x0 - m, L.y0 - m, L.x1 + m, L.y1 + m))
          img.line(ipx(ax), ipx(ay), ipx(bx), ipx(by), color, c.style.width, c.style.line, &phase);
      }
      if (c.style.mark != marker::none)
        for (const point& q : run)
          if (q.x > L.x0 - m && q.x < L.x1 + m && q.y > L.y0 - m && q.y < L.y1 + m)
            img.mark(ipx(q.x), ipx(q.y), c.style.mark, marker_size_of(c.style), color);
    }
  }
  img.reset_clip();

  img.outline_rect(X0, Y0, X1 - X0 + 1, Y1 - Y0 + 1, colors::black);
  const int tl = ipx(L.tick_len), gap = ipx(L.gap);
  for (const tick& t : L.sx.ticks) {
    const int X = ipx(L.px(t.value));
    img.line(X, Y1, X, Y1 + tl, colors::black);
    img.text(X - font::text_width(t.label, fs) / 2, Y1 + tl + gap, t.label, colors::black, fs);
  }
  if (!p.x.label.empty())
    img.text((X0 + X1 - font::text_width(p.x.label, fs)) / 2, p.height - ipx(L.pad) - font::text_height(fs),
             p.x.label, colors::black, fs);
  for (int a = 0; a < (L.has_y2 ? 2 : 1); ++a) {
    const side sd = a ? side::right : side::left;
    const axis_scale& sc = a ? L.sy2 : L.sy;
    const axis& ax = a ? p.y2 : p.y;
    const int edge = a ? X1 : X0, dir = a ? 1 : -1;
    for (const tick& t : sc.ticks) {
      const int Y = ipx(L.py(t.value, sd));
      img.line(edge, Y, edge + dir * tl, Y, colors::black);
      const int w = font::text_width(t.label, fs);
      img.text(a ? edge + tl + gap : edge - tl - gap - w, Y - cap / 2, t.label, colors::black, fs);
    }
    if (!ax.label.empty()) {
      const int len = font::text_width(ax.label, fs);
      const int x = a ? ipx(L.y2_label_x) : ipx(L.pad);
      img.text_vertical(x, (Y0 + Y1 - len) / 2, ax.label, colors::black, fs);
    }
  }

  if (L.has_legend) {
    const int lx = ipx(L.legend_x), ly = ipx(L.legend_y);
    img.fill_rect(lx, ly, ipx(L.legend_w), ipx(L.legend_h), colors::white);
    img.outline_rect(lx, ly, ipx(L.legend_w), ipx(L.legend_h), colors::grey);
    double y = L.legend_y + L.gap + L.legend_row / 2;
    for (std::size_t i = 0; i < p.curves.size(); ++i) {
      const series& c = p.curves[i];
      if (c.label.empty()) continue;
      const rgb color = color_of(p, i);
      const int x = ipx(L.legend_x + 2 * L.gap), Y = ipx(y), sw = ipx(L.legend_sample);
      img.line(x, Y, x + sw, Y, color, c.style.width, c.style.line);
      img.mark(x + sw / 2, Y, c.style.mark, marker_size_of(c.style), color);
      img.text(x + sw + gap, Y - cap / 2, c.label, colors::black, fs);
      y += L.legend_row;
    }
  }
  return img;
}

LAMINA_INLINE void save_png(const std::filesystem::path& path, const plot& p) { save_png(path, render(p)); }

}  // namespace lamina::viz
