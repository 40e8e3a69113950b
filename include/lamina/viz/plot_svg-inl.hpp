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

LAMINA_INLINE std::string svg_text(double x, double y, std::string_view s, const char* cls, const char* anchor,
                                   const std::string& extra = {}) {
  return "<text class=\"" + std::string(cls) + "\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" +
         anchor + "\"" + extra + ">" + xml_escape(s) + "</text>\n";
}

LAMINA_INLINE std::string dash_attr(const style& st) {
  const double w = st.width;
  if (st.line == line_style::dashed) return " stroke-dasharray=\"" + num(6 * w) + " " + num(4 * w) + "\"";
  if (st.line == line_style::dotted) return " stroke-dasharray=\"" + num(w) + " " + num(2 * w) + "\"";
  return {};
}

LAMINA_INLINE std::string svg_marker(double x, double y, marker m, double size, const std::string& color) {
  const double r = size / 2;
  const std::string cls = " class=\"marker\"";
  switch (m) {
    case marker::none: return {};
    case marker::circle:
      return "<circle" + cls + " cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + num(r) + "\" fill=\"" + color + "\"/>\n";
    case marker::square:
      return "<rect" + cls + " x=\"" + num(x - r) + "\" y=\"" + num(y - r) + "\" width=\"" + num(size) + "\" height=\"" +
             num(size) + "\" fill=\"" + color + "\"/>\n";
    case marker::triangle:
      return "<path" + cls + " d=\"M" + num(x) + " " + num(y - r) + "L" + num(x + r) + " " + num(y + r) + "L" +
             num(x - r) + " " + num(y + r) + "Z\" fill=\"" + color + "\"/>\n";
    case marker::diamond:
      return "<path" + cls + " d=\"M" + num(x) + " " + num(y - r) + "L" + num(x + r) + " " + num(y) + "L" + num(x) +
             " " + num(y + r) + "L" + num(x - r) + " " + num(y) + "Z\" fill=\"" + color + "\"/>\n";
    case marker::cross:
      return "<path" + cls + " d=\"M" + num(x - r) + " " + num(y - r) + "L" + num(x + r) + " " + num(y + r) + "M" +
             num(x - r) + " " + num(y + r) + "L" + num(x + r) + " " + num(y - r) + "\" stroke=\"" + color +
             "\" stroke-width=\"2\"/>\n";
    case marker::plus:
      return "<path" + cls + " d=\"M" + num(x - r) + " " + num(y) + "L" + num(x + r) + " " + num(y) + "M" + num(x) +
             " " + num(y - r) + "L" + num(x) + " " + num(y + r) + "\" stroke=\"" + color + "\" stroke-width=\"2\"/>\n";
  }
  return {};
}
}  // namespace detail

LAMINA_INLINE std::string to_svg(const plot& p) {
  using namespace detail;
  const double fs = p.font_size;
  const plot_layout L = layout(p, {0.6 * fs, fs});
  const double asc = fs * 0.75;  // baseline offset of a text box's top
  std::string s;
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(p.width) + "\" height=\"" +
       std::to_string(p.height) + "\" viewBox=\"0 0 " + std::to_string(p.width) + " " + std::to_string(p.height) +
       "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"" + num(fs) + "\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"" + to_hex(p.background) + "\"/>\n";
  s += "<defs><clipPath id=\"plot-area\"><rect x=\"" + num(L.x0) + "\" y=\"" + num(L.y0) + "\" width=\"" +
       num(L.x1 - L.x0) + "\" height=\"" + num(L.y1 - L.y0) + "\"/></clipPath></defs>\n";
  if (!p.title.empty()) s += svg_text((L.x0 + L.x1) / 2, L.pad + asc, p.title, "title", "middle", " font-weight=\"bold\"");

  if (p.grid) {
    s += "<g class=\"grid\" stroke=\"" + to_hex(colors::light_grey) + "\" stroke-width=\"1\">\n";
    for (const tick& t : L.sx.ticks)
      s += "<line x1=\"" + num(L.px(t.value)) + "\" y1=\"" + num(L.y0) + "\" x2=\"" + num(L.px(t.value)) + "\" y2=\"" +
           num(L.y1) + "\"/>\n";
    for (const tick& t : L.sy.ticks)
      s += "<line x1=\"" + num(L.x0) + "\" y1=\"" + num(L.py(t.value, side::left)) + "\" x2=\"" + num(L.x1) +
           "\" y2=\"" + num(L.py(t.value, side::left)) + "\"/>\n";
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

  s += "<rect class=\"frame\" x=\"" + num(L.x0) + "\" y=\"" + num(L.y0) + "\" width=\"" + num(L.x1 - L.x0) +
       "\" height=\"" + num(L.y1 - L.y0) + "\" fill=\"none\" stroke=\"#000000\"/>\n";
  // x axis
  s += "<g class=\"axis x\">\n";
  for (const tick& t : L.sx.ticks) {
    const double X = L.px(t.value);
    s += "<line x1=\"" + num(X) + "\" y1=\"" + num(L.y1) + "\" x2=\"" + num(X) + "\" y2=\"" + num(L.y1 + L.tick_len) +
         "\" stroke=\"#000000\"/>\n";
    s += svg_text(X, L.y1 + L.tick_len + L.gap + asc, t.label, "tick-label", "middle");
  }
  if (!p.x.label.empty())
    s += svg_text((L.x0 + L.x1) / 2, p.height - L.pad - fs + asc, p.x.label, "axis-label", "middle");
  s += "</g>\n";
  // y axes
  for (int a = 0; a < (L.has_y2 ? 2 : 1); ++a) {
    const side sd = a ? side::right : side::left;
    const axis_scale& sc = a ? L.sy2 : L.sy;
    const axis& ax = a ? p.y2 : p.y;
    const double edge = a ? L.x1 : L.x0, dir = a ? 1 : -1;
    s += std::string("<g class=\"axis ") + (a ? "y2" : "y") + "\">\n";
    for (const tick& t : sc.ticks) {
      const double Y = L.py(t.value, sd);
      s += "<line x1=\"" + num(edge) + "\" y1=\"" + num(Y) + "\" x2=\"" + num(edge + dir * L.tick_len) + "\" y2=\"" +
           num(Y) + "\" stroke=\"#000000\"/>\n";
      s += svg_text(edge + dir * (L.tick_len + L.gap), Y + fs * 0.35, t.label, "tick-label", a ? "start" : "end");
    }
    if (!ax.label.empty()) {
      const double X = a ? L.y2_label_x + asc : L.pad + asc, Y = (L.y0 + L.y1) / 2;
      s += svg_text(X, Y, ax.label, "axis-label", "middle",
                    " transform=\"rotate(" + std::string(a ? "90 " : "-90 ") + num(X) + " " + num(Y) + ")\"");
    }
    s += "</g>\n";
  }
  // legend
  if (L.has_legend) {
    s += "<g class=\"legend\">\n<rect x=\"" + num(L.legend_x) + "\" y=\"" + num(L.legend_y) + "\" width=\"" +
         num(L.legend_w) + "\" height=\"" + num(L.legend_h) + "\" fill=\"#FFFFFF\" fill-opacity=\"0.9\" stroke=\"" +
         to_hex(colors::grey) + "\"/>\n";
    double y = L.legend_y + L.gap + L.legend_row / 2;
    for (std::size_t i = 0; i < p.curves.size(); ++i) {
      const series& c = p.curves[i];
      if (c.label.empty()) continue;
      const std::string color = to_hex(color_of(p, i));
      const double x = L.legend_x + 2 * L.gap;
      if (c.style.line != line_style::none)
        s += "<line x1=\"" + num(x) + "\" y1=\"" + num(y) + "\" x2=\"" + num(x + L.legend_sample) + "\" y2=\"" +
             num(y) + "\" stroke=\"" + color + "\" stroke-width=\"" + num(c.style.width) + "\"" + dash_attr(c.style) +
             "/>\n";
      s += svg_marker(x + L.legend_sample / 2, y, c.style.mark, marker_size_of(c.style), color);
      s += svg_text(x + L.legend_sample + L.gap, y + fs * 0.35, c.label, "legend-label", "start");
      y += L.legend_row;
    }
    s += "</g>\n";
  }
  s += "</svg>\n";
  return s;
}

LAMINA_INLINE void save_svg(const std::filesystem::path& path, const plot& p) {
  const std::string svg = to_svg(p);
  io::write_atomically(path, [&](std::ostream& out) { out.write(svg.data(), std::streamsize(svg.size())); });
}

}  // namespace lamina::viz
