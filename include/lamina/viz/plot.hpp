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

/// Which y axis a series is drawn against: `left` (plot::y) or `right` (plot::y2, drawn only
/// when some series uses it).
enum class side { left, right };
/// Where a plot's legend goes: `best`, a corner inside the axes, `outside_right` or `none` (no
/// legend).
/// best: the place inside the axes (a corner, a side's middle or the centre) that covers the
/// fewest points and line segments, as matplotlib's loc="best"; outside_right: right of the axes.
enum class legend_position { best, top_right, top_left, bottom_right, bottom_left, outside_right, none };

/// How a series is drawn: colour, line width and style, and markers (matplotlib's defaults
/// scaled to user units).
struct style {
  /// Colour of the line and markers; unset (the default): palette(i) for the i-th series.
  std::optional<rgb> color;
  /// Line width in user units (default 2; the PNG has pixel_ratio pixels per unit).
  double width = 2;
  line_style line = line_style::solid;  ///< Solid, dashed, dotted, or none (markers only).
  marker mark = marker::none;  ///< Marker at every point; none by default.
  /// Marker size in user units across; 0 (the default): 3 * width + 2.
  double marker_size = 0;
};

/// One curve of a plot: its points, legend label, y axis and style; plot::add makes one.
struct series {
  /// Coordinates of the points, of equal length; a NaN or infinite value (or one <= 0 on a log
  /// axis) leaves that point out and breaks the line.
  ///@{
  std::vector<double> x = {}, y = {};
  ///@}
  /// Name in the legend; empty (the default): the series is not in the legend.
  std::string label = {};
  side axis = side::left;  ///< Drawn against the left (plot::y) or right (plot::y2) axis.
  viz::style style{};  ///< Colour, line and markers.
};

/// One axis of a plot: its label, linear or log10 scale, fixed ends and margin.
struct axis {
  std::string label = {};  ///< Axis label, e.g. "epoch"; empty: none.
  bool log = false;  ///< Log10 scale, as matplotlib's set_yscale("log"); values <= 0 are skipped.
  /// Fixed lower and upper ends in data units; an unset end (the default) follows the data and
  /// the margin.
  ///@{
  std::optional<double> min = {}, max = {};  // fixed ends; unset ends follow the data
  ///@}
  /// Fraction of the data range added at each unset end (default 0.05, matplotlib's margin);
  /// on a log axis, a fraction of the range in decades.
  double margin = 0.05;
};

/// Numbers plot::add accepts: an input range of an arithmetic type other than char, e.g.
/// `std::vector<float>`, `std::array<double, N>` or `std::span<const int>`.
template <class R>
concept numeric_range = std::ranges::input_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>> &&
                        !std::is_same_v<std::remove_cv_t<std::ranges::range_value_t<R>>, char>;

/// A line plot: series against an x axis and a left and an optional right y axis, with a
/// title and a legend; to_svg / save_svg and render / save_png draw it (see above).
struct plot {
  std::string title = {};  ///< Drawn above the axes, 1.2 times font_size; empty: none.
  /// The x axis, the left y axis and the right y axis (drawn when a series uses side::right).
  ///@{
  axis x = {}, y = {}, y2 = {};  // y: left axis; y2: right axis (drawn when a series uses side::right)
  ///@}
  std::vector<series> curves = {};  ///< The series in drawing and legend order; add() appends.
  /// Size of the figure in user units (at least 64 x 64; default 720 x 450): the SVG's size;
  /// the PNG is pixel_ratio times as large.
  ///@{
  int width = 720, height = 450;  // user units: the SVG's size; the PNG's is pixel_ratio times it
  ///@}
  /// PNG pixels per user unit, 1..16 (default 2, for sharp figures on high-density screens).
  int pixel_ratio = 2;
  legend_position legend = legend_position::best;  ///< Where the legend goes; best by default.
  /// Light grey grid lines at the x ticks and the left y ticks (default on).
  bool grid = true;
  /// Text size in user units per em (default 13); the title is 1.2 times larger.
  double font_size = 13;
  rgb background = colors::white;  ///< Colour of the whole figure behind the axes.

  /// Appends a series of the points (xs[i], ys[i]) and returns it, so that its style can be set;
  /// throws std::invalid_argument when xs and ys differ in length.
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
  /// y against 1, 2, ..., n (epochs).
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
