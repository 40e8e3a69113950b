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

#include "../core/config.hpp"
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
  image(int width, int height, rgb background = colors::white);

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
  void fill(rgb c);

  // Drawing is limited to `r` (and the image) until reset_clip().
  void clip(rect r) { clip_ = r; }
  void reset_clip() { clip_ = {-(1 << 30), -(1 << 30), 1 << 30, 1 << 30}; }

  void fill_rect(int x, int y, int w, int h, rgb c);
  void outline_rect(int x, int y, int w, int h, rgb c, int thickness = 1);

  // A filled disc (or square for width <= 2) of the given width centred on a pixel.
  void dot(int x, int y, rgb c, int width = 1);

  // A Bresenham line of `width` pixels; `phase` carries the dash pattern across the segments
  // of a polyline (pass the same variable to each call).
  void line(int x0, int y0, int x1, int y1, rgb c, int width = 1, line_style style = line_style::solid,
            long* phase = nullptr);

  // A marker of about `size` pixels across, centred on (x, y).
  void mark(int x, int y, marker m, int size, rgb c);

  // Text with its top-left corner at (x, y); returns the width drawn.
  int text(int x, int y, std::string_view s, rgb c, int scale = 1);
  // Text rotated 90 degrees counter-clockwise (reads bottom to top); (x, y) is the top-left
  // corner of its bounding box, which is text_height wide and text_width tall.
  void text_vertical(int x, int y, std::string_view s, rgb c, int scale = 1);

  // Copies `src` with its top-left corner at (x, y).
  void blit(const image& src, int x, int y);

 private:
  int w_ = 0, h_ = 0;
  std::vector<std::uint8_t> px_;
  rect clip_{-(1 << 30), -(1 << 30), 1 << 30, 1 << 30};
};

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "image-inl.hpp"
#endif
