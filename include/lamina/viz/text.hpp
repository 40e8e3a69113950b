#pragma once
// Text for figures: a TrueType face drawn anti-aliased by stb_truetype (Debian's libstb-dev), by
// default DejaVu Sans (Debian's fonts-dejavu-core, matplotlib's default face) found at run time,
// and the embedded bitmap font (viz/bitmap_font.hpp) where no TrueType font is installed. Plots
// lay out their text with the same face for PNG and SVG, so both give the same picture.
//
//   const lm::viz::typeface& face = lm::viz::typeface::standard();
//   double w = face.width("epoch", 13);                       // pixels, at 13 pixels per em
//   face.draw(img, {x, baseline}, "epoch", 13, lm::viz::colors::black);
//
// standard() decides once per program: $LAMINA_FONT when set (a .ttf file, or "bitmap" for the
// bitmap font; a file that does not load is a format_error naming it, never a silent
// fallback), else the first DejaVuSans.ttf in the usual font folders, else the bitmap font.
// Strings are UTF-8; characters the face lacks are drawn as its "missing" glyph (the bitmap font:
// '?').
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../core/config.hpp"
#include "color.hpp"
#include "image.hpp"

namespace lamina::viz {

/// A font face that measures and draws text on a viz::image: a TrueType font (through
/// stb_truetype) or the embedded bitmap font. Cheap to copy (the font data is shared).
class typeface {
 public:
  /// The face figures use (see above).
  static const typeface& standard();
  /// A TrueType (.ttf) face; throws data::format_error naming the file when it cannot be read.
  static typeface from_file(const std::filesystem::path& ttf);
  /// The embedded bitmap font, scaled by whole pixels.
  static typeface bitmap();
  /// The folders standard() searches for DejaVuSans.ttf, in order.
  static std::vector<std::filesystem::path> font_folders();

  bool is_truetype() const { return ttf_ != nullptr; }  ///< False for the bitmap font.
  /// "DejaVuSans.ttf" (the file name) or "bitmap".
  std::string name() const;

  /// Metrics at `size` pixels per em (SVG's font-size): the height above and below the
  /// baseline, and the advance of a string.
  double ascent(double size) const;
  /// Height below the baseline in pixels at `size` pixels per em (positive).
  double descent(double size) const;
  /// The height of capitals ('H'), for centring labels on a tick.
  double cap_height(double size) const;
  /// Advance width in pixels of the UTF-8 string `utf8` at `size` pixels per em (with the
  /// TrueType font's kerning).
  double width(std::string_view utf8, double size) const;

  /// Draws `utf8` with the left end of its baseline at `origin`. Vertical text is turned 90
  /// degrees counter-clockwise (it reads bottom to top, glyph tops to the left); `origin` is then
  /// the bottom end of its baseline.
  void draw(image& img, point origin, std::string_view utf8, double size, rgb c, bool vertical = false) const;

 private:
  struct truetype;  // the font file and stb_truetype's view of it (text-inl.hpp)
  std::shared_ptr<const truetype> ttf_;
};

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "text-inl.hpp"
#endif
