#pragma once
// Line plots: series of (x, y) points with labels and styles, a title, axis labels, nice
// ticks, a legend, log-scale axes and a second y axis on the right. The same plot renders to
// SVG (viz/plot_svg.hpp) and to PNG (viz/plot_png.hpp); this header holds the description and
// the layout both renderers share.
//
//   lm::viz::plot p;
//   p.title = "(64, 96), lr 1e-3";
//   p.x.label = "epoch";
//   p.y.label = "loss, PSNR (dB)";
//   p.y2.label = "MSE, SSIM";
//   p.add(epochs, loss, "loss");
//   p.add(epochs, psnr, "PSNR");
//   p.add(epochs, mse, "MSE", lm::viz::side::right);
//   p.add(epochs, ssim, "SSIM", lm::viz::side::right).style.line = lm::viz::line_style::dashed;
//   lm::viz::save_svg("curves.svg", p);
//   lm::viz::save_png("curves.png", p);
//
// Points with a NaN or infinite coordinate (or <= 0 on a log axis) are skipped: the line
// breaks there. A series of one point is drawn as a dot; a constant series gets a range
// around its value.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "color.hpp"
#include "image.hpp"
#include "ticks.hpp"

namespace lamina::viz {

enum class side { left, right };
// best: the inside corner that covers the fewest points; outside_right: right of the axes.
enum class legend_position { best, top_right, top_left, bottom_right, bottom_left, outside_right, none };

struct style {
  std::optional<rgb> color;  // default: palette(index of the series)
  int width = 2;             // line width in pixels
  line_style line = line_style::solid;
  marker mark = marker::none;
  int marker_size = 0;  // pixels across; 0: 3 * width + 2
};

struct series {
  std::vector<double> x = {}, y = {};
  std::string label = {};  // empty: not in the legend
  side axis = side::left;
  viz::style style{};
};

struct axis {
  std::string label = {};
  bool log = false;
  std::optional<double> min = {}, max = {};  // fixed ends; unset ends follow the data
};

template <class R>
concept numeric_range = std::ranges::input_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>> &&
                        !std::is_same_v<std::remove_cv_t<std::ranges::range_value_t<R>>, char>;

struct plot {
  std::string title = {};
  axis x = {}, y = {}, y2 = {};  // y: left axis; y2: right axis (drawn when a series uses side::right)
  std::vector<series> curves = {};
  int width = 720, height = 450;  // pixels (PNG) and user units (SVG)
  legend_position legend = legend_position::best;
  bool grid = true;        // light grid lines at the x and left y ticks
  int font_scale = 2;      // PNG: bitmap font scale (2: 10 x 14 pixel glyphs)
  double font_size = 13;   // SVG: font size in user units
  rgb background = colors::white;

  template <numeric_range X, numeric_range Y>
  series& add(const X& xs, const Y& ys, std::string label = {}, side s = side::left, viz::style st = {}) {
    series c{{}, {}, std::move(label), s, st};
    for (auto v : xs) c.x.push_back(double(v));
    for (auto v : ys) c.y.push_back(double(v));
    if (c.x.size() != c.y.size())
      throw std::invalid_argument("viz::plot::add: series \"" + c.label + "\" has " + std::to_string(c.x.size()) +
                                  " x values but " + std::to_string(c.y.size()) + " y values");
    curves.push_back(std::move(c));
    return curves.back();
  }
  // y against 1, 2, ..., n (epochs).
  template <numeric_range Y>
  series& add(const Y& ys, std::string label = {}, side s = side::left, viz::style st = {}) {
    std::vector<double> xs;
    for (auto v : ys) xs.push_back(double(xs.size() + 1)), (void)v;
    return add(xs, ys, std::move(label), s, st);
  }
};

namespace detail {
struct text_metrics {
  double char_w;  // advance per character
  double height;  // glyph box height
  double width(const std::string& s) const { return double(s.size()) * char_w; }
};

struct plot_layout {
  double x0, y0, x1, y1;  // plot area: left, top, right, bottom
  axis_scale sx, sy, sy2;
  bool has_y2 = false;
  double tick_len, gap, pad;
  double legend_x = 0, legend_y = 0, legend_w = 0, legend_h = 0, legend_row = 0, legend_sample = 0;
  bool has_legend = false;
  double y2_label_x = 0;  // left edge of the right axis label's box

  double px(double v) const { return x0 + sx.to_unit(v) * (x1 - x0); }  // NaN when not drawable
  double py(double v, side s) const { return y1 - (s == side::right ? sy2 : sy).to_unit(v) * (y1 - y0); }
};

inline rgb color_of(const plot& p, std::size_t i) {
  return p.curves[i].style.color ? *p.curves[i].style.color : palette(i);
}
inline int marker_size_of(const style& s) { return s.marker_size > 0 ? s.marker_size : 3 * s.width + 2; }

inline void check(const plot& p) {
  if (p.width < 64 || p.height < 64)
    throw std::invalid_argument("viz::plot: size " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                                " is too small (at least 64x64)");
  for (const series& c : p.curves)
    if (c.x.size() != c.y.size())
      throw std::invalid_argument("viz::plot: series \"" + c.label + "\" has " + std::to_string(c.x.size()) +
                                  " x values but " + std::to_string(c.y.size()) + " y values");
}

inline axis_scale scale_for(const plot& p, const axis& a, int which /* 0 x, 1 y, 2 y2 */) {
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

inline double widest(const axis_scale& s, const text_metrics& m) {
  double w = 0;
  for (const tick& t : s.ticks) w = std::max(w, m.width(t.label));
  return w;
}

inline plot_layout layout(const plot& p, const text_metrics& m) {
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

// Runs of consecutive drawable points of a series, in plot coordinates.
struct point {
  double x, y;
};
inline std::vector<std::vector<point>> runs(const plot_layout& L, const series& c) {
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
