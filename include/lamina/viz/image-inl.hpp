#pragma once
// Definitions for image.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

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

LAMINA_INLINE void image::dot(int x, int y, rgb c, int width) {
  if (width <= 2) {
    fill_rect(x - (width - 1) / 2, y - (width - 1) / 2, std::max(width, 1), std::max(width, 1), c);
    return;
  }
  const double r = width / 2.0, r2 = r * r + 0.25;
  const int lo = -(width - 1) / 2, hi = width / 2;
  const double mid = (lo + hi) / 2.0;
  for (int dy = lo; dy <= hi; ++dy)
    for (int dx = lo; dx <= hi; ++dx)
      if ((dx - mid) * (dx - mid) + (dy - mid) * (dy - mid) <= r2) set(x + dx, y + dy, c);
}

LAMINA_INLINE void image::line(int x0, int y0, int x1, int y1, rgb c, int width, line_style style,
                               long* phase) {
  if (style == line_style::none) return;
  long local = 0;
  long& t = phase ? *phase : local;
  const long w = std::max(width, 1);
  const long on = style == line_style::dashed ? 6 * w : style == line_style::dotted ? w : 1;
  const long period = style == line_style::dashed ? 10 * w : style == line_style::dotted ? 3 * w : 1;
  const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  int err = dx + dy;
  for (;;) {
    if (t % period < on) dot(x0, y0, c, width);
    if (x0 == x1 && y0 == y1) break;
    ++t;
    const int e2 = 2 * err;
    if (e2 >= dy) err += dy, x0 += sx;
    if (e2 <= dx) err += dx, y0 += sy;
  }
}

LAMINA_INLINE void image::mark(int x, int y, marker m, int size, rgb c) {
  const int r = std::max(size / 2, 1);
  switch (m) {
    case marker::none: break;
    case marker::circle: dot(x, y, c, 2 * r + 1); break;
    case marker::square: fill_rect(x - r, y - r, 2 * r + 1, 2 * r + 1, c); break;
    case marker::diamond:
      for (int dy = -r; dy <= r; ++dy)
        for (int dx = -(r - std::abs(dy)); dx <= r - std::abs(dy); ++dx) set(x + dx, y + dy, c);
      break;
    case marker::triangle:  // apex up
      for (int dy = -r; dy <= r; ++dy) {
        const int half = (dy + r) / 2;
        for (int dx = -half; dx <= half; ++dx) set(x + dx, y + dy, c);
      }
      break;
    case marker::cross:
      line(x - r, y - r, x + r, y + r, c, 2);
      line(x - r, y + r, x + r, y - r, c, 2);
      break;
    case marker::plus:
      line(x - r, y, x + r, y, c, 2);
      line(x, y - r, x, y + r, c, 2);
      break;
  }
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
