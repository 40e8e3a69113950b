// Text for figures: DejaVu Sans through stb_truetype when installed, the bitmap font otherwise;
// metrics, anti-aliased drawing (horizontal and vertical), UTF-8, and clear errors for bad fonts.
#include <catch2/catch.hpp>
#include <lamina/viz/viz.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace viz = lamina::viz;
namespace fs = std::filesystem;

namespace {
struct box {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
  std::size_t inked = 0, partial = 0;
};
// The bounding box of the pixels that are not white, and how many are fully / partly inked.
box ink(const viz::image& img) {
  box b;
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x) {
      const viz::rgb c = img.at(x, y);
      if (c == viz::colors::white) continue;
      b.x0 = std::min(b.x0, x), b.y0 = std::min(b.y0, y), b.x1 = std::max(b.x1, x), b.y1 = std::max(b.y1, y);
      (c == viz::colors::black ? b.inked : b.partial) += 1;
    }
  return b;
}
fs::path dejavu() {
  for (const auto& dir : viz::typeface::font_folders())
    if (fs::is_regular_file(dir / "DejaVuSans.ttf")) return dir / "DejaVuSans.ttf";
  return {};
}
}  // namespace

TEST_CASE("typeface: DejaVu Sans is anti-aliased text with proportional widths", "[viz]") {
  const fs::path file = dejavu();
  if (file.empty()) {
    WARN("DejaVuSans.ttf is not installed (Debian: fonts-dejavu-core): TrueType checks skipped");
    return;
  }
  const viz::typeface face = viz::typeface::from_file(file);
  REQUIRE(face.is_truetype());
  CHECK(face.name() == "DejaVuSans.ttf");
  // DejaVu Sans: ascent 0.928 em, descent 0.236 em, capitals 0.729 em
  CHECK(face.ascent(100) == Approx(92.8).margin(0.1));
  CHECK(face.descent(100) == Approx(23.6).margin(0.1));
  CHECK(face.cap_height(100) == Approx(72.9).margin(0.1));
  CHECK(face.width("iiii", 20) < face.width("MMMM", 20));  // proportional, unlike the bitmap font
  CHECK(face.width("epoch", 26) == Approx(2 * face.width("epoch", 13)));
  CHECK(face.width("x ± σ", 13) > face.width("x", 13));    // UTF-8 code points, not bytes

  viz::image img(200, 60);
  face.draw(img, {10, 40}, "Loss", 24, viz::colors::black);
  const box b = ink(img);
  CHECK(b.inked > 30);    // stems are solid
  CHECK(b.partial > 30);  // and edges anti-aliased
  CHECK(b.x0 >= 10);
  CHECK(b.x1 <= 10 + int(face.width("Loss", 24)) + 1);
  CHECK(b.y1 < 40 + 1);  // nothing below the baseline: no descenders in "Loss"
  CHECK(40 - b.y0 == Approx(face.cap_height(24)).margin(1.5));

  viz::image vertical(60, 200);
  face.draw(vertical, {40, 190}, "Loss", 24, viz::colors::black, true);
  const box v = ink(vertical);
  CHECK(v.y1 <= 190);  // reads bottom to top from the origin
  CHECK(v.y0 >= 190 - int(face.width("Loss", 24)) - 1);
  CHECK(v.x0 >= 40 - int(face.cap_height(24)) - 2);
  CHECK(v.x1 <= 40);  // glyph tops to the left of the baseline
}

TEST_CASE("typeface: the bitmap font, UTF-8 as '?', and errors that name the font file", "[viz]") {
  const viz::typeface bitmap = viz::typeface::bitmap();
  CHECK_FALSE(bitmap.is_truetype());
  CHECK(bitmap.name() == "bitmap");
  CHECK(bitmap.width("ab", 10) == viz::font::text_width("ab", 1));
  CHECK(bitmap.width("ab", 20) == viz::font::text_width("ab", 2));
  CHECK(bitmap.width("±", 10) == bitmap.width("?", 10));  // one code point, one '?'
  viz::image img(100, 40);
  bitmap.draw(img, {5, 20}, "ab", 10, viz::colors::black);
  CHECK(ink(img).inked > 10);
  CHECK(ink(img).y1 < 20 + 2 + 1);  // two rows of descender room below the baseline

  const fs::path dir = fs::temp_directory_path() / "lamina_text_test";
  fs::create_directories(dir);
  { std::ofstream(dir / "not_a_font.ttf") << "this is not a font"; }
  CHECK_THROWS_WITH(viz::typeface::from_file(dir / "not_a_font.ttf"),
                    Catch::Contains("not_a_font.ttf") && Catch::Contains("TrueType"));
  CHECK_THROWS_WITH(viz::typeface::from_file(dir / "missing.ttf"), Catch::Contains("missing.ttf"));
  fs::remove_all(dir);
}
