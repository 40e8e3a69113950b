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
// The look follows matplotlib's defaults: anti-aliased lines and DejaVu Sans text (viz/text.hpp),
// axes that span the data plus a 5 % margin, ticks at nice numbers inside them, and the legend
// inside the axes where it covers the fewest points and lines. Sizes are in user units: the SVG
// is width x height, the PNG pixel_ratio times that (2 by default, for sharp figures on
// high-density screens and in print). Both are drawn from one layout, so they show the same
// picture.
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

#include "../core/config.hpp"
#include "color.hpp"
#include "image.hpp"
#include "text.hpp"
#include "ticks.hpp"

namespace lamina::viz {

enum class side { left, right };
// best: the place inside the axes (a corner, a side's middle or the centre) that covers the
// fewest points and line segments, as matplotlib's loc="best"; outside_right: right of the axes.
enum class legend_position { best, top_right, top_left, bottom_right, bottom_left, outside_right, none };

struct style {
  std::optional<rgb> color;  // default: palette(index of the series)
  double width = 2;          // line width in user units
  line_style line = line_style::solid;
  marker mark = marker::none;
  double marker_size = 0;  // user units across; 0: 3 * width + 2
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
  double margin = 0.05;                      // of the data range, added at each unset end
};

template <class R>
concept numeric_range = std::ranges::input_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>> &&
                        !std::is_same_v<std::remove_cv_t<std::ranges::range_value_t<R>>, char>;

struct plot {
  std::string title = {};
  axis x = {}, y = {}, y2 = {};  // y: left axis; y2: right axis (drawn when a series uses side::right)
  std::vector<series> curves = {};
  int width = 720, height = 450;  // user units: the SVG's size; the PNG's is pixel_ratio times it
  int pixel_ratio = 2;            // PNG pixels per user unit
  legend_position legend = legend_position::best;
  bool grid = true;        // light grid lines at the x and left y ticks
  double font_size = 13;   // user units per em (the title is 1.2 times larger)
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
enum class anchor { start, middle, end };

// A piece of text placed by the layout: `at` is the baseline point the anchor refers to
// (vertical text reads bottom to top, its baseline running upwards through `at`).
struct text_item {
  std::string text;
  point at;
  anchor align = anchor::start;
  double size = 13;
  bool vertical = false;
  const char* cls = "";  // SVG class
};

struct legend_entry {
  std::size_t series;
  point from, to;  // the sample line; its middle holds the marker
};

struct plot_layout {
  double x0, y0, x1, y1;  // plot area: left, top, right, bottom
  axis_scale sx, sy, sy2;
  bool has_y2 = false;
  double tick_len = 0;
  std::vector<text_item> texts;  // title, tick labels, axis labels, legend labels
  bool has_legend = false;
  double legend_x = 0, legend_y = 0, legend_w = 0, legend_h = 0;
  std::vector<legend_entry> legend;

  double px(double v) const { return x0 + sx.to_unit(v) * (x1 - x0); }  // NaN when not drawable
  double py(double v, side s) const { return y1 - (s == side::right ? sy2 : sy).to_unit(v) * (y1 - y0); }
};

LAMINA_INLINE rgb color_of(const plot& p, std::size_t i);
LAMINA_INLINE double marker_size_of(const style& s);

// Where everything goes, measured with viz::typeface::standard().
LAMINA_INLINE plot_layout layout(const plot& p);

// Runs of consecutive drawable points of a series, in plot coordinates.
LAMINA_INLINE std::vector<std::vector<point>> runs(const plot_layout& L, const series& c);
}  // namespace detail

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "plot-inl.hpp"
#endif
