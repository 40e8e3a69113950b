#pragma once
// Definitions for image.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bitmap_font.hpp"
#include "image.hpp"

namespace lamina::viz {

LAMINA_INLINE image::image(int width, int height, rgb background) : w_(width), h_(height) {
  if (width <= 0 || height <= 0)
    throw std::invalid_argument("viz::image: size must be positive, got " + std::to_string(width) + "x" +
                                std::to_string(height));
  px_.resize(std::size_t(width) * std::size_t(height) * 3);
  fill(background);
}

LAMINA_INLINE void image::fill(rgb c) {
  for (std::size_t i = 0; i < px_.size(); i += 3) px_[i] = c.r, px_[i + 1] = c.g, px_[i + 2] = c.b;
}

LAMINA_INLINE void image::fill_rect(int x, int y, int w, int h, rgb c) {
  for (int yy = std::max(y, 0); yy < std::min(y + h, h_); ++yy)
    for (int xx = std::max(x, 0); xx < std::min(x + w, w_); ++xx) set(xx, yy, c);
}

LAMINA_INLINE void image::outline_rect(int x, int y, int w, int h, rgb c, int thickness) {
  fill_rect(x, y, w, thickness, c);
  fill_rect(x, y + h - thickness, w, thickness, c);
  fill_rect(x, y, thickness, h, c);
  fill_rect(x + w - thickness, y, thickness, h, c);
}

LAMINA_INLINE void image::blend(int x, int y, rgb c, double alpha) {
  if (!(alpha > 0) || x < 0 || y < 0 || x >= w_ || y >= h_ || !clip_.contains(x, y)) return;
  const double a = std::min(alpha, 1.0);
  std::uint8_t* p = &px_[(std::size_t(y) * std::size_t(w_) + std::size_t(x)) * 3];
  auto mix = [a](std::uint8_t under, std::uint8_t over) {
    return std::uint8_t(std::lround(double(under) + a * (double(over) - double(under))));
  };
  p[0] = mix(p[0], c.r), p[1] = mix(p[1], c.g), p[2] = mix(p[2], c.b);
}

namespace detail {
// Coverage of a line `width` wide with round caps by the pixels around the segment a-b, kept as
// the largest value per pixel in `cov` (a window [x0, x0 + w) x [y0, y0 + h) of the image).
struct coverage_window {
  int x0, y0, w, h;
  std::vector<float> cov;

  void capsule(point a, point b, double width) {
    const double r = width / 2, dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    const int xa = std::max(x0, int(std::floor(std::min(a.x, b.x) - r - 1)));
    const int xb = std::min(x0 + w, int(std::ceil(std::max(a.x, b.x) + r + 1)));
    const int ya = std::max(y0, int(std::floor(std::min(a.y, b.y) - r - 1)));
    const int yb = std::min(y0 + h, int(std::ceil(std::max(a.y, b.y) + r + 1)));
    for (int y = ya; y < yb; ++y)
      for (int x = xa; x < xb; ++x) {
        const double px = x + 0.5 - a.x, py = y + 0.5 - a.y;
        const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
        const double ex = px - t * dx, ey = py - t * dy;
        const double c = std::clamp(r + 0.5 - std::sqrt(ex * ex + ey * ey), 0.0, 1.0);
        float& v = cov[std::size_t(y - y0) * std::size_t(w) + std::size_t(x - x0)];
        v = std::max(v, float(c));
      }
  }
};
}  // namespace detail

LAMINA_INLINE void image::stroke(std::span<const point> pts, rgb c, double width, line_style style) {
  if (style == line_style::none || pts.empty() || !(width > 0)) return;
  // The window: the line's extent, within the image and the clip rectangle.
  double lx = pts[0].x, hx = lx, ly = pts[0].y, hy = ly;
  for (const point& q : pts) {
    if (!std::isfinite(q.x) || !std::isfinite(q.y)) return;
    lx = std::min(lx, q.x), hx = std::max(hx, q.x), ly = std::min(ly, q.y), hy = std::max(hy, q.y);
  }
  const double m = width / 2 + 1;
  const int x0 = std::max({0, clip_.x0, int(std::floor(std::max(lx - m, -1e9)))});
  const int y0 = std::max({0, clip_.y0, int(std::floor(std::max(ly - m, -1e9)))});
  const int x1 = std::min({w_, clip_.x1, int(std::ceil(std::min(hx + m, 1e9)))});
  const int y1 = std::min({h_, clip_.y1, int(std::ceil(std::min(hy + m, 1e9)))});
  if (x1 <= x0 || y1 <= y0) return;
  detail::coverage_window win{x0, y0, x1 - x0, y1 - y0, std::vector<float>(std::size_t(x1 - x0) * std::size_t(y1 - y0))};
  if (pts.size() == 1) win.capsule(pts[0], pts[0], width);
  // Dashes as matplotlib draws them (lengths in line widths: dashed 3.7 on, 1.6 off; dotted
  // 1 on, 1.65 off); the round caps take half a width off each end of a dash.
  const bool solid = style == line_style::solid;
  const double on = (style == line_style::dashed ? 3.7 : 1.0) * width;
  const double period = on + (style == line_style::dashed ? 1.6 : 1.65) * width;
  double s = 0;  // arc length at the start of the segment
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const point a = pts[i - 1], b = pts[i];
    const double len = std::hypot(b.x - a.x, b.y - a.y);
    auto at = [&](double t) { return point{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; };
    if (solid || len == 0) {
      if (solid) win.capsule(a, b, width);
    } else {
      for (double k = std::floor(s / period); k * period < s + len; k += 1) {
        const double d0 = k * period + std::min(width / 2, on / 2), d1 = k * period + std::max(on - width / 2, on / 2);
        const double t0 = std::clamp((d0 - s) / len, 0.0, 1.0), t1 = std::clamp((d1 - s) / len, 0.0, 1.0);
        if (d1 >= s && d0 <= s + len) win.capsule(at(t0), at(t1), width);
      }
    }
    s += len;
  }
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) blend(x, y, c, win.cov[std::size_t(y - y0) * std::size_t(win.w) + std::size_t(x - x0)]);
}

LAMINA_INLINE void image::disc(point centre, double radius, rgb c) {
  for (int y = int(std::floor(centre.y - radius - 1)); y <= int(std::ceil(centre.y + radius + 1)); ++y)
    for (int x = int(std::floor(centre.x - radius - 1)); x <= int(std::ceil(centre.x + radius + 1)); ++x)
      blend(x, y, c, std::clamp(radius + 0.5 - std::hypot(x + 0.5 - centre.x, y + 0.5 - centre.y), 0.0, 1.0));
}

LAMINA_INLINE void image::fill_convex(std::span<const point> corners, rgb c) {
  if (corners.size() < 3) return;
  double lx = corners[0].x, hx = lx, ly = corners[0].y, hy = ly, area = 0;
  for (std::size_t i = 0; i < corners.size(); ++i) {
    const point p = corners[i], q = corners[(i + 1) % corners.size()];
    lx = std::min(lx, p.x), hx = std::max(hx, p.x), ly = std::min(ly, p.y), hy = std::max(hy, p.y);
    area += p.x * q.y - q.x * p.y;
  }
  const double orient = area < 0 ? -1 : 1;
  auto inside = [&](double x, double y) {
    for (std::size_t i = 0; i < corners.size(); ++i) {
      const point p = corners[i], q = corners[(i + 1) % corners.size()];
      if (orient * ((q.x - p.x) * (y - p.y) - (q.y - p.y) * (x - p.x)) < 0) return false;
    }
    return true;
  };
  for (int y = int(std::floor(ly)); y <= int(std::ceil(hy)); ++y)
    for (int x = int(std::floor(lx)); x <= int(std::ceil(hx)); ++x) {
      int hits = 0;
      for (int sy = 0; sy < 4; ++sy)
        for (int sx = 0; sx < 4; ++sx) hits += inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4);
      blend(x, y, c, hits / 16.0);
    }
}

LAMINA_INLINE marker_shape shape_of(marker m, point p, double size) {
  const double r = std::max(size / 2, 1.0), h = r * 0.85, w = std::max(r / 3, 1.0);
  switch (m) {
    case marker::square: return {{{p.x - h, p.y - h}, {p.x + h, p.y - h}, {p.x + h, p.y + h}, {p.x - h, p.y + h}}};
    case marker::diamond: return {{{p.x, p.y - r * 1.15}, {p.x + r * 0.8, p.y}, {p.x, p.y + r * 1.15}, {p.x - r * 0.8, p.y}}};
    case marker::triangle: return {{{p.x, p.y - r * 1.1}, {p.x + r, p.y + r * 0.7}, {p.x - r, p.y + r * 0.7}}};  // apex up
    case marker::cross:
      return {{{p.x - h, p.y - h}, {p.x + h, p.y + h}, {p.x - h, p.y + h}, {p.x + h, p.y - h}}, w};
    case marker::plus: return {{{p.x - r, p.y}, {p.x + r, p.y}, {p.x, p.y - r}, {p.x, p.y + r}}, w};
    default: return {};
  }
}

LAMINA_INLINE void image::mark(point p, marker m, double size, rgb c) {
  if (m == marker::none) return;
  if (m == marker::circle) return disc(p, std::max(size / 2, 1.0), c);
  const marker_shape s = shape_of(m, p, size);
  if (s.stroke_width == 0) return fill_convex(s.points, c);
  stroke(std::span(s.points).first(2), c, s.stroke_width);
  stroke(std::span(s.points).subspan(2, 2), c, s.stroke_width);
}

LAMINA_INLINE int image::text(int x, int y, std::string_view s, rgb c, int scale) {
  font::for_each_pixel(s, scale, [&](int px, int py) { set(x + px, y + py, c); });
  return font::text_width(s, scale);
}

LAMINA_INLINE void image::text_vertical(int x, int y, std::string_view s, rgb c, int scale) {
  const int len = font::text_width(s, scale);
  font::for_each_pixel(s, scale, [&](int px, int py) { set(x + py, y + len - 1 - px, c); });
}

LAMINA_INLINE void image::blit(const image& src, int x, int y) {
  for (int yy = 0; yy < src.height(); ++yy)
    for (int xx = 0; xx < src.width(); ++xx) set(x + xx, y + yy, src.at(xx, yy));
}

}  // namespace lamina::viz
