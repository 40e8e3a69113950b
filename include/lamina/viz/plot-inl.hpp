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
#include "text.hpp"

namespace lamina::viz {

namespace detail {
LAMINA_INLINE rgb color_of(const plot& p, std::size_t i) {
  return p.curves[i].style.color ? *p.curves[i].style.color : palette(i);
}

LAMINA_INLINE double marker_size_of(const style& s) { return s.marker_size > 0 ? s.marker_size : 3 * s.width + 2; }

LAMINA_INLINE void check(const plot& p) {
  if (p.width < 64 || p.height < 64)
    throw std::invalid_argument("viz::plot: size " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                                " is too small (at least 64x64)");
  if (p.pixel_ratio < 1 || p.pixel_ratio > 16)
    throw std::invalid_argument("viz::plot: pixel_ratio " + std::to_string(p.pixel_ratio) + " is outside 1..16");
  if (!(p.font_size > 0)) throw std::invalid_argument("viz::plot: font_size must be positive");
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
  return a.log ? log_scale(lo, hi, a.min, a.max, a.margin) : linear_scale(lo, hi, a.min, a.max, a.margin);
}

LAMINA_INLINE double widest(const axis_scale& s, const typeface& f, double size) {
  double w = 0;
  for (const tick& t : s.ticks) w = std::max(w, f.width(t.label, size));
  return w;
}

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

// matplotlib's "best": how many points, and segments crossing the box, a legend there would hide.
// `drawn` holds each series' runs in plot coordinates (runs()), computed once for all candidates.
LAMINA_INLINE std::size_t legend_badness(const plot& p, const std::vector<std::vector<std::vector<point>>>& drawn,
                                         const plot_layout& L, double lx, double ly) {
  std::size_t bad = 0;
  for (std::size_t s = 0; s < drawn.size(); ++s)
    for (const auto& run : drawn[s])
      for (std::size_t i = 0; i < run.size(); ++i) {
        const point q = run[i];
        bad += q.x >= lx && q.x <= lx + L.legend_w && q.y >= ly && q.y <= ly + L.legend_h;
        if (i == 0 || p.curves[s].style.line == line_style::none) continue;
        double ax = run[i - 1].x, ay = run[i - 1].y, bx = q.x, by = q.y;
        bad += clip_segment(ax, ay, bx, by, lx, ly, lx + L.legend_w, ly + L.legend_h);
      }
  return bad;
}

LAMINA_INLINE plot_layout layout(const plot& p) {
  check(p);
  const typeface& face = typeface::standard();
  const double fs = p.font_size, ts = 1.2 * fs;  // text and title sizes
  const double asc = face.ascent(fs), desc = face.descent(fs), line = asc + desc, cap = face.cap_height(fs);
  plot_layout L{};
  L.has_y2 = std::any_of(p.curves.begin(), p.curves.end(), [](const series& c) { return c.axis == side::right; });
  L.sx = scale_for(p, p.x, 0);
  L.sy = scale_for(p, p.y, 1);
  if (L.has_y2) L.sy2 = scale_for(p, p.y2, 2);
  // matplotlib's proportions: ticks 0.35 em, 0.25 em between a tick and its label.
  const double pad = 0.6 * fs, gap = 0.25 * fs;
  L.tick_len = 0.35 * fs;
  const double title_h = p.title.empty() ? 0 : face.ascent(ts) + face.descent(ts) + 0.5 * fs;
  const double top = pad + title_h + (p.title.empty() ? 0.4 * fs : 0);
  const double left = pad + (p.y.label.empty() ? 0 : line + 0.4 * fs) + widest(L.sy, face, fs) + L.tick_len + gap;
  const double last_x = L.sx.ticks.empty() ? 0 : face.width(L.sx.ticks.back().label, fs) / 2;
  const double right = pad + (L.has_y2 ? L.tick_len + gap + widest(L.sy2, face, fs) + (p.y2.label.empty() ? 0 : 0.4 * fs + line)
                                       : std::max(last_x, 0.4 * fs));

  // Legend: one row per labelled series (matplotlib: handle 2 em, 0.8 em to the text, rows
  // 0.5 em apart, 0.4 em inside the border, 0.5 em from the axes).
  std::vector<std::size_t> labelled;
  double label_w = 0;
  for (std::size_t i = 0; i < p.curves.size(); ++i)
    if (!p.curves[i].label.empty()) labelled.push_back(i), label_w = std::max(label_w, face.width(p.curves[i].label, fs));
  L.has_legend = p.legend != legend_position::none && !labelled.empty();
  const double border = 0.4 * fs, handle = 2 * fs, handle_gap = 0.8 * fs, row_gap = 0.5 * fs;
  L.legend_w = 2 * border + handle + handle_gap + label_w;
  L.legend_h = 2 * border + double(labelled.size()) * line + double(labelled.size() - std::min<std::size_t>(labelled.size(), 1)) * row_gap;
  const bool outside = L.has_legend && p.legend == legend_position::outside_right;
  const double bottom = pad + (p.x.label.empty() ? 0 : line + 0.3 * fs) + line + L.tick_len + gap;
  L.x0 = left, L.y0 = top;
  L.x1 = p.width - right - (outside ? L.legend_w + pad : 0), L.y1 = p.height - bottom;
  if (L.x1 - L.x0 < 16 || L.y1 - L.y0 < 16)
    throw std::invalid_argument("viz::plot: " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                                " leaves no room for the plot area after labels and ticks; make it larger");

  // Text: the title over the axes (over the figure when wider than the axes), tick labels, axis labels.
  if (!p.title.empty()) {
    const double cx = face.width(p.title, ts) <= L.x1 - L.x0 ? (L.x0 + L.x1) / 2 : p.width / 2.0;
    L.texts.push_back({p.title, {cx, pad + face.ascent(ts)}, anchor::middle, ts, false, "title"});
  }
  for (const tick& t : L.sx.ticks)
    L.texts.push_back({t.label, {L.px(t.value), L.y1 + L.tick_len + gap + asc}, anchor::middle, fs, false, "tick-label"});
  if (!p.x.label.empty())
    L.texts.push_back({p.x.label, {(L.x0 + L.x1) / 2, p.height - pad - desc}, anchor::middle, fs, false, "axis-label"});
  for (int a = 0; a < (L.has_y2 ? 2 : 1); ++a) {
    const side sd = a ? side::right : side::left;
    const axis_scale& sc = a ? L.sy2 : L.sy;
    const double edge = a ? L.x1 + L.tick_len + gap : L.x0 - L.tick_len - gap;
    for (const tick& t : sc.ticks)
      L.texts.push_back({t.label, {edge, L.py(t.value, sd) + cap / 2}, a ? anchor::start : anchor::end, fs, false, "tick-label"});
    const std::string& label = a ? p.y2.label : p.y.label;
    if (!label.empty()) {
      const double x = a ? edge + widest(sc, face, fs) + 0.4 * fs + asc : pad + asc;
      L.texts.push_back({label, {x, (L.y0 + L.y1) / 2}, anchor::middle, fs, true, "axis-label"});
    }
  }
  if (!L.has_legend) return L;

  // The legend's place: outside, a fixed corner, or the best of matplotlib's ten candidates.
  const double inset = 0.5 * fs, cx = (L.x0 + L.x1 - L.legend_w) / 2, cy = (L.y0 + L.y1 - L.legend_h) / 2;
  const double lx = L.x0 + inset, rx = L.x1 - inset - L.legend_w, ty = L.y0 + inset, by = L.y1 - inset - L.legend_h;
  std::pair<double, double> place;
  switch (p.legend) {
    case legend_position::outside_right: place = {p.width - pad - L.legend_w, L.y0}; break;
    case legend_position::top_right: place = {rx, ty}; break;
    case legend_position::top_left: place = {lx, ty}; break;
    case legend_position::bottom_right: place = {rx, by}; break;
    case legend_position::bottom_left: place = {lx, by}; break;
    default: {  // upper right, upper left, lower left, lower right, right, center left, center right,
                // lower center, upper center, center
      const std::pair<double, double> candidates[] = {{rx, ty}, {lx, ty}, {lx, by}, {rx, by}, {rx, cy},
                                                      {lx, cy}, {rx, cy}, {cx, by}, {cx, ty}, {cx, cy}};
      std::vector<std::vector<std::vector<point>>> drawn;
      for (const series& c : p.curves) drawn.push_back(runs(L, c));
      std::size_t fewest = std::numeric_limits<std::size_t>::max();
      for (const auto& c : candidates)
        if (const std::size_t bad = legend_badness(p, drawn, L, c.first, c.second); bad < fewest) fewest = bad, place = c;
    }
  }
  std::tie(L.legend_x, L.legend_y) = place;
  double row_y = L.legend_y + border;
  for (std::size_t i : labelled) {
    const double mid = row_y + asc - cap / 2, x = L.legend_x + border;
    L.legend.push_back({i, {x, mid}, {x + handle, mid}});
    L.texts.push_back({p.curves[i].label, {x + handle + handle_gap, row_y + asc}, anchor::start, fs, false, "legend-label"});
    row_y += line + row_gap;
  }
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
