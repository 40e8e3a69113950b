// Line plots: nice ticks, SVG structure (one polyline per unbroken run, legend labels, tick
// labels, the second axis), PNG rendering (size, exact series colours), NaN / single-point /
// constant series, log axes, and errors for malformed plots.
#include <catch2/catch.hpp>
#include <lamina/viz/viz.hpp>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "png_reader.hpp"

namespace viz = lamina::viz;
namespace fs = std::filesystem;

namespace {
std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}
std::vector<std::string> labels(const viz::axis_scale& s) {
  std::vector<std::string> out;
  for (const auto& t : s.ticks) out.push_back(t.label);
  return out;
}
const double NaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEST_CASE("ticks: axes span the data plus a 5 % margin, ticks step by 1, 2, 2.5 or 5 times a power of ten", "[viz]") {
  using V = std::vector<std::string>;
  const auto m = viz::linear_scale(0.13, 0.87);  // [0.093, 0.907]
  CHECK(m.lo == Approx(0.093));
  CHECK(m.hi == Approx(0.907));
  CHECK(labels(m) == V{"0.2", "0.4", "0.6", "0.8"});
  CHECK(labels(viz::linear_scale(1, 30)) == V{"0", "5", "10", "15", "20", "25", "30"});
  CHECK(labels(viz::linear_scale(0, 2, 0.0, 2.0)) ==
        V{"0.00", "0.25", "0.50", "0.75", "1.00", "1.25", "1.50", "1.75", "2.00"});
  CHECK(labels(viz::linear_scale(1, 30, {}, {}, 0.0)).back() == "30");
  const auto c = viz::linear_scale(5, 5);  // constant: a range around the value
  CHECK(c.lo < 5);
  CHECK(c.hi > 5);
  const auto z = viz::linear_scale(0, 0);  // [-1, 1] and the margin
  CHECK(z.lo == Approx(-1.1));
  CHECK(z.hi == Approx(1.1));
  const auto none = viz::linear_scale(std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity());
  CHECK(none.lo == 0);
  CHECK(none.hi == 1);
  const auto fixed = viz::linear_scale(0.5, 0.9, 0.0, 1.0);
  CHECK(fixed.lo == 0);
  CHECK(fixed.hi == 1);
  CHECK(labels(viz::log_scale(0.003, 4109)) == V{"0.01", "0.1", "1", "10", "100", "1000"});
  CHECK(labels(viz::log_scale(0.02, 0.9)) == V{"0.02", "0.05", "0.1", "0.2", "0.5", "1"});
  CHECK(viz::log_scale(1e-9, 1e3).ticks.front().label == "1e-8");  // every second decade
  CHECK(labels(viz::log_scale(0.001, 1000, {}, {}, 0.0)) == V{"0.001", "0.01", "0.1", "1", "10", "100", "1000"});
}

TEST_CASE("plot SVG: polylines per unbroken run, points, legend, ticks, second axis", "[viz]") {
  viz::plot p;
  p.title = "loss & <accuracy>";
  p.x.label = "epoch";
  p.y.label = "loss";
  const std::vector<double> x = {1, 2, 3, 4, 5, 6};
  p.add(x, std::vector<double>{1.0, 0.8, NaN, 0.5, 0.4, 0.35}, "train loss");  // two runs
  p.add(std::vector<float>{0.9f, 0.85f, 0.7f}, "val loss");                     // x = 1, 2, 3
  p.add(std::vector<double>{3}, std::vector<double>{0.6}, "best");              // single point
  std::string svg = viz::to_svg(p);
  CHECK(count(svg, "<polyline") == 3);
  CHECK(count(svg, "class=\"point\"") == 1);
  CHECK(count(svg, "class=\"legend-label\"") == 3);
  CHECK(svg.find(">train loss</text>") != std::string::npos);
  CHECK(svg.find(">val loss</text>") != std::string::npos);
  CHECK(svg.find("loss &amp; &lt;accuracy&gt;") != std::string::npos);
  CHECK(svg.find(">0.4</text>") != std::string::npos);  // y ticks 0.4 .. 1.0 over data 0.35 .. 1.0
  CHECK(svg.find(">1.0</text>") != std::string::npos);
  CHECK(svg.find(">epoch</text>") != std::string::npos);
  CHECK(svg.find("class=\"axis y2\"") == std::string::npos);
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("stroke=\"" + viz::to_hex(viz::palette(1)) + "\"") != std::string::npos);

  p.y2.label = "accuracy";
  p.add(x, std::vector<double>{0.5, 0.6, 0.7, 0.8, 0.85, 0.9}, "val acc", viz::side::right).style.line =
      viz::line_style::dashed;
  svg = viz::to_svg(p);
  CHECK(count(svg, "<polyline") == 4);
  CHECK(svg.find("class=\"axis y2\"") != std::string::npos);
  CHECK(svg.find(">accuracy</text>") != std::string::npos);
  CHECK(count(svg, "rotate(-90") == 2);  // both y labels read bottom to top
  CHECK(svg.find("stroke-dasharray") != std::string::npos);

  p.legend = viz::legend_position::none;
  CHECK(viz::to_svg(p).find("class=\"legend\"") == std::string::npos);
}

TEST_CASE("plot: NaN/inf points are skipped, constant and single-point series get a range", "[viz]") {
  viz::plot p;
  const double inf = std::numeric_limits<double>::infinity();
  p.add(std::vector<double>{NaN, NaN, NaN}, "missing");
  p.add(std::vector<double>{2, 2, 2, inf}, "constant");
  const std::string svg = viz::to_svg(p);
  CHECK(count(svg, "<polyline") == 1);
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("inf") == std::string::npos);
  CHECK(svg.find(">2.0</text>") != std::string::npos);

  viz::plot one;
  one.add(std::vector<double>{7}, std::vector<double>{0.25});
  CHECK_NOTHROW(viz::render(one));
  CHECK(count(viz::to_svg(one), "class=\"point\"") == 1);

  viz::plot log;  // non-positive values cannot be shown on a log axis
  log.y.log = true;
  log.add(std::vector<double>{1, 0.1, 0, -1, 0.001}, "loss");
  const std::string ls = viz::to_svg(log);
  CHECK(count(ls, "<polyline") == 1);
  CHECK(count(ls, "class=\"point\"") == 1);
  CHECK(ls.find(">0.001</text>") != std::string::npos);
}

TEST_CASE("plot PNG: pixel_ratio times the size, exact series colours, text pixels, atomic write", "[viz]") {
  viz::plot p;
  p.width = 400, p.height = 300;
  p.title = "accuracy";
  p.x.label = "epoch";
  p.y.label = "acc";
  p.y2.label = "loss";
  p.add(std::vector<double>{0.5, 0.7, 0.8, 0.85}, "train");
  p.add(std::vector<double>{0.4, 0.6, 0.65, 0.66}, "test").style.mark = viz::marker::square;
  p.add(std::vector<double>{2.0, 1.0, 0.6, 0.5}, "loss", viz::side::right).style.width = 3;
  const fs::path dir = lamina_test::fresh_dir("plot");
  viz::save_png(dir / "p.png", p);
  viz::save_svg(dir / "p.svg", p);
  std::size_t n_files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
    ++n_files;
  }
  CHECK(n_files == 2);
  const auto png = lamina_test::read_png(dir / "p.png");
  REQUIRE(png.width == 800);  // pixel_ratio 2
  REQUIRE(png.height == 600);
  CHECK(png.count(viz::palette(0)) > 100);  // anti-aliased: the lines' cores keep the exact colour
  CHECK(png.count(viz::palette(1)) > 100);
  CHECK(png.count(viz::palette(2)) > 100);
  CHECK(png.count(viz::colors::black, 0, 0, png.width, 40) > 20);  // title band
  // the right axis's tick labels make black pixels right of the plot area
  CHECK(png.count(viz::colors::black, png.width - 120, 80, png.width, png.height - 120) > 50);
  // the same picture at 1x: every size halves
  p.pixel_ratio = 1;
  const viz::image one = viz::render(p);
  CHECK(one.width() == 400);
  CHECK(one.height() == 300);
  p.pixel_ratio = 0;
  CHECK_THROWS_WITH(viz::render(p), Catch::Contains("pixel_ratio"));
}

TEST_CASE("plot layout: data inside a margin, the legend where it hides the fewest points", "[viz]") {
  std::vector<double> up, down;
  for (int i = 0; i <= 20; ++i) up.push_back(i), down.push_back(20 - i);
  viz::plot p;
  p.add(up, "rising");
  auto L = viz::detail::layout(p);
  // the first and last points sit 5 % of the range inside the frame, not on it
  CHECK(L.px(1) - L.x0 == Approx(0.05 / 1.1 * (L.x1 - L.x0)));
  CHECK(L.x1 - L.px(21) == Approx(0.05 / 1.1 * (L.x1 - L.x0)));
  CHECK(L.py(0, viz::side::left) < L.y1);
  // a rising line fills the lower left and upper right: the legend goes upper left
  CHECK(L.legend_x < (L.x0 + L.x1) / 2);
  CHECK(L.legend_y < (L.y0 + L.y1) / 2);
  viz::plot q;
  q.add(down, "falling");
  L = viz::detail::layout(q);  // upper right is free: matplotlib's first choice
  CHECK(L.legend_x > (L.x0 + L.x1) / 2);
  CHECK(L.legend_y < (L.y0 + L.y1) / 2);
  // the legend's text comes from the same layout in PNG and SVG
  const std::string svg = viz::to_svg(q);
  CHECK(svg.find(">falling</text>") != std::string::npos);
  CHECK(count(svg, "class=\"legend-label\"") == 1);
}

TEST_CASE("plot: malformed plots throw std::invalid_argument", "[viz]") {
  viz::plot p;
  CHECK_THROWS_WITH(p.add(std::vector<double>{1, 2}, std::vector<double>{1}, "short"),
                    Catch::Contains("\"short\"") && Catch::Contains("2 x values but 1 y values"));
  p.add(std::vector<double>{1, 2}, "ok");
  p.curves.back().y.pop_back();
  CHECK_THROWS_AS(viz::to_svg(p), std::invalid_argument);
  viz::plot tiny;
  tiny.width = 10;
  CHECK_THROWS_WITH(viz::render(tiny), Catch::Contains("too small"));
  viz::plot cramped;
  cramped.width = 70, cramped.height = 70;
  cramped.y.label = "a long label";
  cramped.add(std::vector<double>{1e6, 2e6}, "x");
  CHECK_THROWS_WITH(viz::render(cramped), Catch::Contains("no room"));
}
