#pragma once
// An 8-bit RGB raster image and the drawing primitives that grids and PNG plots are made of:
// crisp rectangles, and anti-aliased polylines (solid, dashed, dotted; round joins and caps),
// discs, markers and alpha blending in sub-pixel coordinates, plus the bitmap font's text.
// Everything clips to the image, and lines and markers also to an optional clip rectangle.
// Text in a TrueType face is drawn by viz::typeface (viz/text.hpp) through blend().
//
//   lm::viz::image img(320, 200);                         // white
//   const lm::viz::point pts[] = {{10, 190}, {150, 60}, {300, 20}};
//   img.stroke(pts, lm::viz::palette(0), 2.5);
//   img.mark({150, 60}, lm::viz::marker::circle, 9, lm::viz::palette(0));
//   lm::viz::save_png("out.png", img);                    // viz/png.hpp
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
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

// A position in pixels: pixel (i, j) covers [i, i + 1) x [j, j + 1), its centre is (i + 0.5, j + 0.5).
struct point {
  double x = 0, y = 0;
};

struct rect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // inclusive-exclusive: [x0, x1) x [y0, y1)
  constexpr bool contains(int x, int y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

// The shape of a marker of about `size` across centred on `p`: a filled convex polygon
// (square, diamond, triangle), or two strokes of `stroke_width` (cross, plus: 4 points, a-b and
// c-d); circles are discs of radius size / 2. PNG and SVG draw the same shapes from it.
struct marker_shape {
  std::vector<point> points;
  double stroke_width = 0;  // 0: filled polygon
};
LAMINA_INLINE marker_shape shape_of(marker m, point p, double size);

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

  // `alpha` (0..1) of `c` over the pixel's colour.
  void blend(int x, int y, rgb c, double alpha);

  // A polyline `width` pixels wide with round joins and caps; a dash pattern runs on across
  // its points. Anti-aliased: each pixel gets the largest coverage of any piece of the line.
  void stroke(std::span<const point> pts, rgb c, double width = 1, line_style style = line_style::solid);
  // A filled, anti-aliased disc.
  void disc(point centre, double radius, rgb c);
  // A filled, anti-aliased convex polygon (4 x 4 samples per pixel).
  void fill_convex(std::span<const point> corners, rgb c);
  // A marker of about `size` pixels across, centred on `p`.
  void mark(point p, marker m, double size, rgb c);

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
