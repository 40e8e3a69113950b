#pragma once
// Definitions for plot.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "plot.hpp"

namespace lamina::viz {

namespace detail {
LAMINA_INLINE rgb color_of(const plot& p, std::size_t i) {
  return p.curves[i].style.color ? *p.curves[i].style.color : palette(i);
}

LAMINA_INLINE int marker_size_of(const style& s) { return s.marker_size > 0 ? s.marker_size : 3 * s.width + 2; }

LAMINA_INLINE void check(const plot& p) {
  if (p.width < 64 || p.height < 64)
    throw std::invalid_argument("viz::plot: size " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                                " is too small (at least 64x64)");
  for (const series& c : p.curves)
    if (c.x.size() != c.y.size())
      throw std::invalid_argument("viz::plot: series \"" + c.label + "\" has " + std::to_string(c.x.size()) +
                                  " x values but " + std::to_string(c.y.size()) + " y values");
}

LAMINA_INLINE axis_scale scale_for(const plot& p, const axis& a, int which /* 0 x, 1 y, 2 y2 */) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const series& c : p.curves) {
    if (which == 1 && c.axis != side::left) continue;
    if (which == 2 && c.axis != side::right) continue;
    for (std::size_t i = 0; i < c.x.size(); ++i) {
      const double xv = c.x[i], yv = c.y[i];
      if (!std::isfinite(xv) || !std::isfinite(yv) || (p.x.log && xv <= 0)) continue;
      if (which > 0 && (which == 1 ? p.y.log : p.y2.log) && yv <= 0) continue;
      const double v = which == 0 ? xv : yv;
      lo = std::min(lo, v), hi = std::max(hi, v);
    }
  }
  return a.log ? log_scale(lo, hi, a.min, a.max) : linear_scale(lo, hi, a.min, a.max);
}

LAMINA_INLINE double widest(const axis_scale& s, const text_metrics& m) {
  double w = 0;
  for (const tick& t : s.ticks) w = std::max(w, m.width(t.label));
  return w;
}

LAMINA_INLINE plot_layout layout(const plot& p, const text_metrics& m) {
  check(p);
  plot_layout L{};
  L.has_y2 = std::any_of(p.curves.begin(), p.curves.end(), [](const series& c) { return c.axis == side::right; });
  L.sx = scale_for(p, p.x, 0);
  L.sy = scale_for(p, p.y, 1);
  if (L.has_y2) L.sy2 = scale_for(p, p.y2, 2);
  const double th = m.height;
  L.pad = std::round(th * 0.8), L.tick_len = std::round(th * 0.45), L.gap = std::round(th * 0.35);
  const double top = L.pad + (p.title.empty() ? th / 2 : th + L.pad);
  const double left = L.pad + (p.y.label.empty() ? 0 : th + L.pad) + widest(L.sy, m) + L.tick_len + L.gap;
  const double last_x = L.sx.ticks.empty() ? 0 : m.width(L.sx.ticks.back().label) / 2;
  double right =
      L.pad + (L.has_y2 ? L.tick_len + L.gap + widest(L.sy2, m) + (p.y2.label.empty() ? 0 : L.pad + th) : last_x);

  // Legend: a box of one row per labelled series.
  std::size_t entries = 0;
  double label_w = 0;
  for (const series& c : p.curves)
    if (!c.label.empty()) ++entries, label_w = std::max(label_w, m.width(c.label));
  L.has_legend = p.legend != legend_position::none && entries > 0;
  L.legend_row = std::round(th * 1.5), L.legend_sample = std::round(th * 2.5);
  L.legend_w = std::round(L.gap * 2 + L.legend_sample + L.gap + label_w + L.gap * 2);
  L.legend_h = std::round(L.legend_row * double(entries) + L.gap * 2);
  const bool outside = L.has_legend && p.legend == legend_position::outside_right;
  if (outside) right += L.legend_w + L.pad;
  const double bottom = L.pad + (p.x.label.empty() ? 0 : th + L.pad) + th + L.tick_len + L.gap;
  L.x0 = std::round(left), L.y0 = std::round(top);
  L.x1 = std::round(p.width - right), L.y1 = std::round(p.height - bottom);
  L.y2_label_x = std::round(L.x1 + L.tick_len + L.gap + widest(L.sy2, m) + L.pad);
  if (L.x1 - L.x0 < 16 || L.y1 - L.y0 < 16)
    throw std::invalid_argument("viz::plot: " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                                " leaves no room for the plot area after labels and ticks; make it larger");

  if (!L.has_legend) return L;
  if (outside) {
    L.legend_x = p.width - L.pad - L.legend_w, L.legend_y = L.y0;
    return L;
  }
  const double inset = std::round(L.gap * 1.5);
  auto corner = [&](legend_position pos) {
    const bool right_side = pos == legend_position::top_right || pos == legend_position::bottom_right;
    const bool top_side = pos == legend_position::top_right || pos == legend_position::top_left;
    return std::pair{right_side ? L.x1 - inset - L.legend_w : L.x0 + inset,
                     top_side ? L.y0 + inset : L.y1 - inset - L.legend_h};
  };
  legend_position best = p.legend;
  if (best == legend_position::best) {
    std::size_t fewest = std::numeric_limits<std::size_t>::max();
    for (auto pos : {legend_position::top_right, legend_position::top_left, legend_position::bottom_right,
                     legend_position::bottom_left}) {
      const auto [lx, ly] = corner(pos);
      std::size_t hits = 0;
      for (const series& c : p.curves)
        for (std::size_t i = 0; i < c.x.size(); ++i) {
          const double X = L.px(c.x[i]), Y = L.py(c.y[i], c.axis);
          // points, and a few samples along each segment, that fall in the box
          const std::size_t j = i + 1 < c.x.size() ? i + 1 : i;
          const double X2 = L.px(c.x[j]), Y2 = L.py(c.y[j], c.axis);
          for (double t : {0.0, 0.25, 0.5, 0.75}) {
            const double xs = std::isfinite(X2) && std::isfinite(Y2) ? X + t * (X2 - X) : X;
            const double ys = std::isfinite(X2) && std::isfinite(Y2) ? Y + t * (Y2 - Y) : Y;
            hits += xs >= lx && xs <= lx + L.legend_w && ys >= ly && ys <= ly + L.legend_h;
          }
        }
      if (hits < fewest) fewest = hits, best = pos;
    }
  }
  std::tie(L.legend_x, L.legend_y) = corner(best);
  return L;
}

LAMINA_INLINE std::vector<std::vector<point>> runs(const plot_layout& L, const series& c) {
  std::vector<std::vector<point>> out(1);
  for (std::size_t i = 0; i < c.x.size(); ++i) {
    const double X = L.px(c.x[i]), Y = L.py(c.y[i], c.axis);
    if (std::isfinite(X) && std::isfinite(Y)) {
      out.back().push_back({X, Y});
    } else if (!out.back().empty()) {
      out.emplace_back();
    }
  }
  if (out.back().empty()) out.pop_back();
  return out;
}
}  // namespace detail

}  // namespace lamina::viz
