#pragma once
// Definitions for plot_svg.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

#include "../io/atomic_file.hpp"
#include "plot_svg.hpp"

namespace lamina::viz {

namespace detail {
LAMINA_INLINE std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

LAMINA_INLINE std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += (static_cast<unsigned char>(c) < 32 ? '?' : c);
    }
  }
  return out;
}

LAMINA_INLINE std::string svg_text(const text_item& t) {
  const char* anchors[] = {"start", "middle", "end"};
  std::string s = "<text class=\"" + std::string(t.cls) + "\" x=\"" + num(t.at.x) + "\" y=\"" + num(t.at.y) +
                  "\" text-anchor=\"" + anchors[int(t.align)] + "\" font-size=\"" + num(t.size) + "\"";
  if (t.vertical) s += " transform=\"rotate(-90 " + num(t.at.x) + " " + num(t.at.y) + ")\"";
  return s + ">" + xml_escape(t.text) + "</text>\n";
}

// matplotlib's dash patterns (as image::stroke draws them): with round caps a dash grows by
// half a width at each end, so the pattern's "on" part is shortened by one width.
LAMINA_INLINE std::string dash_attr(const style& st) {
  const double w = st.width;
  if (st.line == line_style::dashed) return " stroke-dasharray=\"" + num(2.7 * w) + " " + num(2.6 * w) + "\"";
  if (st.line == line_style::dotted) return " stroke-dasharray=\"0 " + num(2.65 * w) + "\"";
  return {};
}

LAMINA_INLINE std::string svg_marker(double x, double y, marker m, double size, const std::string& color) {
  if (m == marker::none) return {};
  const std::string cls = "<path class=\"marker\"";
  if (m == marker::circle)
    return "<circle class=\"marker\" cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + num(std::max(size / 2, 1.0)) +
           "\" fill=\"" + color + "\"/>\n";
  const marker_shape sh = shape_of(m, {x, y}, size);
  std::string d;
  for (std::size_t i = 0; i < sh.points.size(); ++i)
    d += (sh.stroke_width > 0 ? (i % 2 ? "L" : "M") : (i ? "L" : "M")) + num(sh.points[i].x) + " " + num(sh.points[i].y);
  if (sh.stroke_width > 0)
    return cls + " d=\"" + d + "\" stroke=\"" + color + "\" stroke-width=\"" + num(sh.stroke_width) + "\"/>\n";
  return cls + " d=\"" + d + "Z\" fill=\"" + color + "\"/>\n";
}
}  // namespace detail

LAMINA_INLINE std::string to_svg(const plot& p) {
  using namespace detail;
  const plot_layout L = layout(p);
  auto line = [](double ax, double ay, double bx, double by) {
    return "<line x1=\"" + num(ax) + "\" y1=\"" + num(ay) + "\" x2=\"" + num(bx) + "\" y2=\"" + num(by) + "\"/>\n";
  };
  std::string s;
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(p.width) + "\" height=\"" +
       std::to_string(p.height) + "\" viewBox=\"0 0 " + std::to_string(p.width) + " " + std::to_string(p.height) +
       "\" font-family=\"DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif\" font-size=\"" + num(p.font_size) + "\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"" + to_hex(p.background) + "\"/>\n";
  s += "<defs><clipPath id=\"plot-area\"><rect x=\"" + num(L.x0) + "\" y=\"" + num(L.y0) + "\" width=\"" +
       num(L.x1 - L.x0) + "\" height=\"" + num(L.y1 - L.y0) + "\"/></clipPath></defs>\n";

  if (p.grid) {
    s += "<g class=\"grid\" stroke=\"" + to_hex(colors::light_grey) + "\" stroke-width=\"0.8\">\n";
    for (const tick& t : L.sx.ticks) s += line(L.px(t.value), L.y0, L.px(t.value), L.y1);
    for (const tick& t : L.sy.ticks) s += line(L.x0, L.py(t.value, side::left), L.x1, L.py(t.value, side::left));
    s += "</g>\n";
  }

  s += "<g class=\"data\" clip-path=\"url(#plot-area)\" fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n";
  for (std::size_t i = 0; i < p.curves.size(); ++i) {
    const series& c = p.curves[i];
    const std::string color = to_hex(color_of(p, i));
    for (const auto& run : runs(L, c)) {
      if (run.size() == 1 && c.style.mark == marker::none) {
        s += "<circle class=\"point\" cx=\"" + num(run[0].x) + "\" cy=\"" + num(run[0].y) + "\" r=\"" +
             num(c.style.width + 1) + "\" fill=\"" + color + "\"/>\n";
      } else if (run.size() > 1 && c.style.line != line_style::none) {
        s += "<polyline class=\"series\" stroke=\"" + color + "\" stroke-width=\"" + num(c.style.width) + "\"" +
             dash_attr(c.style) + " points=\"";
        for (std::size_t k = 0; k < run.size(); ++k) s += (k ? " " : "") + num(run[k].x) + "," + num(run[k].y);
        s += "\"/>\n";
      }
      for (const point& q : run) s += svg_marker(q.x, q.y, c.style.mark, marker_size_of(c.style), color);
    }
  }
  s += "</g>\n";

  s += "<g class=\"axes\" stroke=\"#000000\" stroke-width=\"0.8\">\n";
  s += "<rect class=\"frame\" x=\"" + num(L.x0) + "\" y=\"" + num(L.y0) + "\" width=\"" + num(L.x1 - L.x0) +
       "\" height=\"" + num(L.y1 - L.y0) + "\" fill=\"none\"/>\n";
  s += "<g class=\"axis x\">\n";
  for (const tick& t : L.sx.ticks) s += line(L.px(t.value), L.y1, L.px(t.value), L.y1 + L.tick_len);
  s += "</g>\n";
  for (int a = 0; a < (L.has_y2 ? 2 : 1); ++a) {
    const side sd = a ? side::right : side::left;
    const double edge = a ? L.x1 : L.x0, dir = a ? 1 : -1;
    s += std::string("<g class=\"axis ") + (a ? "y2" : "y") + "\">\n";
    for (const tick& t : (a ? L.sy2 : L.sy).ticks)
      s += line(edge, L.py(t.value, sd), edge + dir * L.tick_len, L.py(t.value, sd));
    s += "</g>\n";
  }
  s += "</g>\n";

  if (L.has_legend) {
    s += "<g class=\"legend\">\n<rect x=\"" + num(L.legend_x) + "\" y=\"" + num(L.legend_y) + "\" width=\"" +
         num(L.legend_w) + "\" height=\"" + num(L.legend_h) +
         "\" fill=\"#FFFFFF\" fill-opacity=\"0.8\" stroke=\"#CCCCCC\" stroke-width=\"0.8\"/>\n";
    for (const legend_entry& e : L.legend) {
      const style& st = p.curves[e.series].style;
      const std::string color = to_hex(color_of(p, e.series));
      if (st.line != line_style::none)
        s += "<line x1=\"" + num(e.from.x) + "\" y1=\"" + num(e.from.y) + "\" x2=\"" + num(e.to.x) + "\" y2=\"" +
             num(e.to.y) + "\" stroke=\"" + color + "\" stroke-width=\"" + num(st.width) + "\" stroke-linecap=\"round\"" +
             dash_attr(st) + "/>\n";
      s += svg_marker((e.from.x + e.to.x) / 2, e.from.y, st.mark, marker_size_of(st), color);
    }
    s += "</g>\n";
  }
  s += "<g class=\"text\" fill=\"#000000\">\n";
  for (const text_item& t : L.texts) s += svg_text(t);
  s += "</g>\n</svg>\n";
  return s;
}

LAMINA_INLINE void save_svg(const std::filesystem::path& path, const plot& p) {
  const std::string svg = to_svg(p);
  io::write_atomically(path, [&](std::ostream& out) { out.write(svg.data(), std::streamsize(svg.size())); });
}

}  // namespace lamina::viz
