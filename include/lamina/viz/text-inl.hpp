#pragma once
// Definitions for text.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../data/error.hpp"
#include "bitmap_font.hpp"
#include "detail/stb_truetype.hpp"
#include "text.hpp"

namespace lamina::viz {

struct typeface::truetype {
  std::vector<unsigned char> bytes;  // stb reads the font in place: never resized after init
  stbtt_fontinfo info{};
  std::string file_name;
  int ascent = 0, descent = 0;  // font units (descent negative)
};

namespace detail {
// Code points of a UTF-8 string; a malformed sequence gives U+FFFD and resumes at the next byte.
LAMINA_INLINE std::vector<int> code_points(std::string_view s) {
  std::vector<int> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + std::size_t(n) <= s.size();
    int cp = n == 1 ? b : n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
    for (int k = 1; ok && k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + std::size_t(k)]);
      ok = (c >> 6) == 0x2;
      cp = (cp << 6) | (c & 0x3F);
    }
    out.push_back(ok ? cp : 0xFFFD);
    i += ok ? std::size_t(n) : 1;
  }
  return out;
}

// The bitmap font draws ASCII: one '?' for every other character.
LAMINA_INLINE std::string ascii_of(std::string_view s) {
  std::string out;
  for (int cp : code_points(s)) out += cp >= 32 && cp <= 126 ? char(cp) : '?';
  return out;
}

LAMINA_INLINE int bitmap_scale(double size) { return std::max(1, int(std::lround(size / 10))); }
}  // namespace detail

LAMINA_INLINE std::vector<std::filesystem::path> typeface::font_folders() {
  return {"/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu-sans-fonts", "/usr/share/fonts/dejavu",
          "/usr/share/fonts/TTF", "/usr/local/share/fonts"};
}

LAMINA_INLINE typeface typeface::from_file(const std::filesystem::path& ttf) {
  auto t = std::make_shared<truetype>();
  std::ifstream in(ttf, std::ios::binary);
  if (!in) throw data::format_error(ttf, "font file", "cannot be opened, expected a TrueType (.ttf) font");
  t->bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  const int offset = t->bytes.size() < 12 ? -1 : stbtt_GetFontOffsetForIndex(t->bytes.data(), 0);
  if (offset < 0 || !stbtt_InitFont(&t->info, t->bytes.data(), offset))
    throw data::format_error(ttf, "font file", "is not a TrueType font that stb_truetype can read (" +
                                                   std::to_string(t->bytes.size()) + " bytes)");
  int gap = 0;
  stbtt_GetFontVMetrics(&t->info, &t->ascent, &t->descent, &gap);
  if (t->ascent <= 0) throw data::format_error(ttf, "hhea ascent", "is not positive");
  t->file_name = ttf.filename().string();
  typeface f;
  f.ttf_ = std::move(t);
  return f;
}

LAMINA_INLINE typeface typeface::bitmap() { return typeface{}; }

LAMINA_INLINE const typeface& typeface::standard() {
  static const typeface face = [] {
    if (const char* env = std::getenv("LAMINA_FONT"); env != nullptr && *env != '\0')
      return std::string_view(env) == "bitmap" ? bitmap() : from_file(env);
    for (const auto& dir : font_folders()) {
      std::error_code ec;
      const auto file = dir / "DejaVuSans.ttf";
      if (!std::filesystem::is_regular_file(file, ec)) continue;
      try {
        return from_file(file);
      } catch (const data::format_error&) {  // a damaged system font: try the next, then the bitmap font
      }
    }
    return bitmap();
  }();
  return face;
}

LAMINA_INLINE std::string typeface::name() const { return ttf_ ? ttf_->file_name : "bitmap"; }

LAMINA_INLINE double typeface::ascent(double size) const {
  if (!ttf_) return font::ascent * detail::bitmap_scale(size);
  return ttf_->ascent * double(stbtt_ScaleForMappingEmToPixels(&ttf_->info, float(size)));
}

LAMINA_INLINE double typeface::descent(double size) const {
  if (!ttf_) return (font::glyph_height - font::ascent) * detail::bitmap_scale(size);
  return -ttf_->descent * double(stbtt_ScaleForMappingEmToPixels(&ttf_->info, float(size)));
}

LAMINA_INLINE double typeface::cap_height(double size) const {
  if (!ttf_) return font::ascent * detail::bitmap_scale(size);
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  if (!stbtt_GetCodepointBox(&ttf_->info, 'H', &x0, &y0, &x1, &y1)) return ascent(size) * 0.75;
  return y1 * double(stbtt_ScaleForMappingEmToPixels(&ttf_->info, float(size)));
}

LAMINA_INLINE double typeface::width(std::string_view utf8, double size) const {
  if (!ttf_) return font::text_width(detail::ascii_of(utf8), detail::bitmap_scale(size));
  const stbtt_fontinfo* info = &ttf_->info;
  const double scale = stbtt_ScaleForMappingEmToPixels(info, float(size));
  double w = 0;
  int previous = 0;
  for (int cp : detail::code_points(utf8)) {
    const int g = stbtt_FindGlyphIndex(info, cp);
    int advance = 0, lsb = 0;
    stbtt_GetGlyphHMetrics(info, g, &advance, &lsb);
    if (previous) w += scale * stbtt_GetGlyphKernAdvance(info, previous, g);
    w += scale * advance;
    previous = g;
  }
  return w;
}

LAMINA_INLINE void typeface::draw(image& img, point origin, std::string_view utf8, double size, rgb c,
                                  bool vertical) const {
  if (!ttf_) {
    const int s = detail::bitmap_scale(size), ox = int(std::lround(origin.x)), oy = int(std::lround(origin.y));
    const std::string text = detail::ascii_of(utf8);
    if (vertical) img.text_vertical(ox - font::ascent * s, oy - font::text_width(text, s), text, c, s);
    else img.text(ox, oy - font::ascent * s, text, c, s);
    return;
  }
  const stbtt_fontinfo* info = &ttf_->info;
  const float scale = stbtt_ScaleForMappingEmToPixels(info, float(size));
  // Along the text: sub-pixel positions from `start`; across it: whole pixels from the baseline.
  const double start = vertical ? -origin.y : origin.x;
  const int baseline = int(std::lround(vertical ? origin.x : origin.y));
  double pen = start;
  int previous = 0;
  std::vector<unsigned char> glyph;
  for (int cp : detail::code_points(utf8)) {
    const int g = stbtt_FindGlyphIndex(info, cp);
    if (previous) pen += scale * stbtt_GetGlyphKernAdvance(info, previous, g);
    const double whole = std::floor(pen);
    const float shift = float(pen - whole);
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    stbtt_GetGlyphBitmapBoxSubpixel(info, g, scale, scale, shift, 0, &x0, &y0, &x1, &y1);
    const int w = x1 - x0, h = y1 - y0;
    if (w > 0 && h > 0) {
      glyph.assign(std::size_t(w) * std::size_t(h), 0);
      stbtt_MakeGlyphBitmapSubpixel(info, glyph.data(), w, h, w, scale, scale, shift, 0, g);
      for (int j = 0; j < h; ++j)
        for (int i = 0; i < w; ++i) {
          const double a = glyph[std::size_t(j) * std::size_t(w) + std::size_t(i)] / 255.0;
          const int along = int(whole) + x0 + i, across = y0 + j;  // across: down from the baseline
          if (vertical) img.blend(baseline + across, -along - 1, c, a);
          else img.blend(along, baseline + across, c, a);
        }
    }
    int advance = 0, lsb = 0;
    stbtt_GetGlyphHMetrics(info, g, &advance, &lsb);
    pen += scale * advance;
    previous = g;
  }
}

}  // namespace lamina::viz
