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

/// Marker drawn at each point of a series, as matplotlib's "o", "s", "^", "D", "x" and "+":
/// `none`, `circle` (a disc), `square`, `triangle` (apex up), `diamond`, `cross` and `plus`.
enum class marker { none, circle, square, triangle, diamond, cross, plus };
/// How a polyline is drawn: `solid`, `dashed` (matplotlib's "--"), `dotted` (":") or `none`
/// (not drawn; markers only).
enum class line_style { solid, dashed, dotted, none };

/// A point in sub-pixel image coordinates, as anti-aliased drawing uses them.
// A position in pixels: pixel (i, j) covers [i, i + 1) x [j, j + 1), its centre is (i + 0.5, j + 0.5).
struct point {
  /// Coordinates in pixels, x to the right and y down from the image's top-left corner; pixel
  /// (i, j) covers [i, i + 1) x [j, j + 1), so its centre is (i + 0.5, j + 0.5).
  ///@{
  double x = 0, y = 0;
  ///@}
};

/// A rectangle of whole pixels, e.g. the clip rectangle of an image.
struct rect {
  /// Left, top, right and bottom edges in pixels: [x0, x1) x [y0, y1).
  ///@{
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // inclusive-exclusive: [x0, x1) x [y0, y1)
  ///@}
  /// Whether pixel (x, y) lies inside.
  constexpr bool contains(int x, int y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

/// The shape of a marker of about `size` across centred on `p`: a filled convex polygon
/// (square, diamond, triangle), or two strokes of `stroke_width` (cross, plus: 4 points, a-b and
/// c-d); circles are discs of radius size / 2. PNG and SVG draw the same shapes from it.
struct marker_shape {
  std::vector<point> points;  ///< Polygon corners, or the ends of the two strokes (a, b, c, d).
  /// Width of the two strokes in pixels; 0 for a filled polygon.
  double stroke_width = 0;
};
/// The shape of marker `m` about `size` pixels across, centred on `p`; empty for none and circle.
LAMINA_INLINE marker_shape shape_of(marker m, point p, double size);

/// An 8-bit RGB raster image (row-major, origin at the top-left corner) with drawing
/// primitives; what grids and PNG plots return and save_png writes.
class image {
 public:
  image() = default;  ///< An empty image (0 x 0), as a placeholder.
  /// A `width` x `height` image filled with `background`; throws std::invalid_argument unless
  /// both sizes are positive.
  image(int width, int height, rgb background = colors::white);

  int width() const { return w_; }  ///< Width in pixels.
  int height() const { return h_; }  ///< Height in pixels.
  bool empty() const { return px_.empty(); }  ///< True for a default-constructed image.
  /// The pixels: row-major RGB, 3 bytes per pixel, height rows of 3 * width bytes.
  const std::uint8_t* data() const { return px_.data(); }  // row-major RGB, 3 bytes per pixel
  std::uint8_t* data() { return px_.data(); }  ///< The pixels, writable (layout as above).

  /// The colour of pixel (x, y), which must lie inside the image (not checked).
  rgb at(int x, int y) const {
    const std::uint8_t* p = &px_[(std::size_t(y) * std::size_t(w_) + std::size_t(x)) * 3];
    return {p[0], p[1], p[2]};
  }
  /// Sets pixel (x, y) to `c`; pixels outside the image or the clip rectangle stay as they are.
  void set(int x, int y, rgb c) {
    if (x < 0 || y < 0 || x >= w_ || y >= h_ || !clip_.contains(x, y)) return;
    std::uint8_t* p = &px_[(std::size_t(y) * std::size_t(w_) + std::size_t(x)) * 3];
    p[0] = c.r, p[1] = c.g, p[2] = c.b;
  }
  void fill(rgb c);  ///< Sets every pixel to `c`, whatever the clip rectangle.

  /// Drawing is limited to `r` (and the image) until reset_clip().
  void clip(rect r) { clip_ = r; }
  /// Removes the clip rectangle: drawing reaches the whole image again.
  void reset_clip() { clip_ = {-(1 << 30), -(1 << 30), 1 << 30, 1 << 30}; }

  /// Fills the `w` x `h` pixels with their top-left corner at (x, y), crisp (not anti-aliased).
  void fill_rect(int x, int y, int w, int h, rgb c);
  /// The outline of that rectangle, `thickness` pixels wide, drawn inside its edges.
  void outline_rect(int x, int y, int w, int h, rgb c, int thickness = 1);

  /// `alpha` (0..1) of `c` over the pixel's colour.
  void blend(int x, int y, rgb c, double alpha);

  /// A polyline `width` pixels wide with round joins and caps; a dash pattern runs on across
  /// its points. Anti-aliased: each pixel gets the largest coverage of any piece of the line.
  void stroke(std::span<const point> pts, rgb c, double width = 1, line_style style = line_style::solid);
  /// A filled, anti-aliased disc.
  void disc(point centre, double radius, rgb c);
  /// A filled, anti-aliased convex polygon (4 x 4 samples per pixel).
  void fill_convex(std::span<const point> corners, rgb c);
  /// A marker of about `size` pixels across, centred on `p`.
  void mark(point p, marker m, double size, rgb c);

  /// Text with its top-left corner at (x, y); returns the width drawn.
  int text(int x, int y, std::string_view s, rgb c, int scale = 1);
  /// Text rotated 90 degrees counter-clockwise (reads bottom to top); (x, y) is the top-left
  /// corner of its bounding box, which is text_height wide and text_width tall.
  void text_vertical(int x, int y, std::string_view s, rgb c, int scale = 1);

  /// Copies `src` with its top-left corner at (x, y).
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
