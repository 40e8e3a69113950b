#pragma once
// An 8-bit RGB raster image and the drawing primitives that grids and PNG plots are made of:
// rectangles, thick Bresenham lines (solid, dashed, dotted; no anti-aliasing), markers and
// bitmap-font text (horizontal, or vertical reading bottom to top). Everything clips to the
// image, and lines and markers also to an optional clip rectangle.
//
//   lm::viz::image img(320, 200);                         // white
//   img.line(10, 190, 300, 20, lm::viz::palette(0), 2);
//   img.text(10, 5, "loss", lm::viz::colors::black, 2);
//   lm::viz::save_png("out.png", img);                    // viz/png.hpp
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bitmap_font.hpp"
#include "color.hpp"

namespace lamina::viz {

enum class marker { none, circle, square, triangle, diamond, cross, plus };
enum class line_style { solid, dashed, dotted, none };

struct rect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // inclusive-exclusive: [x0, x1) x [y0, y1)
  constexpr bool contains(int x, int y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

class image {
 public:
  image() = default;
  image(int width, int height, rgb background = colors::white) : w_(width), h_(height) {
    if (width <= 0 || height <= 0)
      throw std::invalid_argument("viz::image: size must be positive, got " + std::to_string(width) + "x" +
                                  std::to_string(height));
    px_.resize(std::size_t(width) * std::size_t(height) * 3);
    fill(background);
  }

  int width() const { return w_; }
  int height() const { return h_; }
  bool empty() const { return px_.empty(); }
  const std::uint8_t* data() const { return px_.data(); }  // row-major RGB, 3 bytes per pixel
  std::uint8_t* data() { return px_.data(); }

  rgb at(int x, int y) const {
    const std::uint8_t* p = &px_[(std::size_t(y) * std::size_t(w_) + std::size_t(x)) * 3];
    return {p[0], p[1], p[2]};
  }
  void set(int x, int y, rgb c) {
    if (x < 0 || y < 0 || x >= w_ || y >= h_ || !clip_.contains(x, y)) return;
    std::uint8_t* p = &px_[(std::size_t(y) * std::size_t(w_) + std::size_t(x)) * 3];
    p[0] = c.r, p[1] = c.g, p[2] = c.b;
  }
  void fill(rgb c) {
    for (std::size_t i = 0; i < px_.size(); i += 3) px_[i] = c.r, px_[i + 1] = c.g, px_[i + 2] = c.b;
  }

  // Drawing is limited to `r` (and the image) until reset_clip().
  void clip(rect r) { clip_ = r; }
  void reset_clip() { clip_ = {-(1 << 30), -(1 << 30), 1 << 30, 1 << 30}; }

  void fill_rect(int x, int y, int w, int h, rgb c) {
    for (int yy = std::max(y, 0); yy < std::min(y + h, h_); ++yy)
      for (int xx = std::max(x, 0); xx < std::min(x + w, w_); ++xx) set(xx, yy, c);
  }
  void outline_rect(int x, int y, int w, int h, rgb c, int thickness = 1) {
    fill_rect(x, y, w, thickness, c);
    fill_rect(x, y + h - thickness, w, thickness, c);
    fill_rect(x, y, thickness, h, c);
    fill_rect(x + w - thickness, y, thickness, h, c);
  }

  // A filled disc (or square for width <= 2) of the given width centred on a pixel.
  void dot(int x, int y, rgb c, int width = 1) {
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

  // A Bresenham line of `width` pixels; `phase` carries the dash pattern across the segments
  // of a polyline (pass the same variable to each call).
  void line(int x0, int y0, int x1, int y1, rgb c, int width = 1, line_style style = line_style::solid,
            long* phase = nullptr) {
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

  // A marker of about `size` pixels across, centred on (x, y).
  void mark(int x, int y, marker m, int size, rgb c) {
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

  // Text with its top-left corner at (x, y); returns the width drawn.
  int text(int x, int y, std::string_view s, rgb c, int scale = 1) {
    font::for_each_pixel(s, scale, [&](int px, int py) { set(x + px, y + py, c); });
    return font::text_width(s, scale);
  }
  // Text rotated 90 degrees counter-clockwise (reads bottom to top); (x, y) is the top-left
  // corner of its bounding box, which is text_height wide and text_width tall.
  void text_vertical(int x, int y, std::string_view s, rgb c, int scale = 1) {
    const int len = font::text_width(s, scale);
    font::for_each_pixel(s, scale, [&](int px, int py) { set(x + py, y + len - 1 - px, c); });
  }

  // Copies `src` with its top-left corner at (x, y).
  void blit(const image& src, int x, int y) {
    for (int yy = 0; yy < src.height(); ++yy)
      for (int xx = 0; xx < src.width(); ++xx) set(x + xx, y + yy, src.at(xx, yy));
  }

 private:
  int w_ = 0, h_ = 0;
  std::vector<std::uint8_t> px_;
  rect clip_{-(1 << 30), -(1 << 30), 1 << 30, 1 << 30};
};

}  // namespace lamina::viz
