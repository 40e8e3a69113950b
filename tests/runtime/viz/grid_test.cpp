// Image grids: layout sizes, normalisation (min -> 0, max -> 255, fixed ranges, NaN/inf,
// constant images), captions and row labels drawn in the expected bands, atomic PNG writes,
// and clear errors for inputs that are not images.
#include <catch2/catch.hpp>
#include <lamina/viz/viz.hpp>

#include <cmath>
#include <filesystem>
#include <limits>
#include <vector>

#include "png_reader.hpp"

namespace lm = lamina;
namespace viz = lamina::viz;
namespace fs = std::filesystem;
using lamina_test::read_png;

namespace {
lm::ConstTensorView view(const std::vector<float>& v, lm::dims d) { return {v.data(), d}; }
viz::grid_options bare() {  // no padding, no upscaling: tiles map 1:1 to pixels
  viz::grid_options o;
  o.padding = 0;
  o.scale = 1;
  return o;
}
}  // namespace

// Encoded in the other translation unit (link_second_tu_test.cpp): both include stb_image_write.
std::vector<unsigned char> lamina_viz_encode_in_second_tu(const viz::image& img);

TEST_CASE("grid: per-image min-max maps each image's min to 0 and max to 255", "[viz]") {
  const std::vector<float> v = {0, 1, 2, 3, 10, 20, 30, 40};  // two 2x2 images
  const viz::image img = viz::grid(view(v, lm::make_dims(2, 1, 2, 2)), bare());
  REQUIRE(img.width() == 4);  // ceil(sqrt(2)) = 2 columns
  REQUIRE(img.height() == 2);
  CHECK(img.at(0, 0) == viz::rgb{0, 0, 0});
  CHECK(img.at(1, 1) == viz::rgb{255, 255, 255});
  CHECK(img.at(1, 0).r == 85);  // 1/3
  CHECK(img.at(2, 0).r == 0);   // second image: 10 -> 0
  CHECK(img.at(3, 1).r == 255);
}

TEST_CASE("grid: global and fixed normalisation share one range, values clamp", "[viz]") {
  const std::vector<float> v = {0, 1, 2, 3, 10, 20, 30, 40};
  auto o = bare();
  o.norm = viz::normalize::global();
  viz::image img = viz::grid(view(v, lm::make_dims(2, 1, 2, 2)), o);
  CHECK(img.at(0, 0).r == 0);
  CHECK(img.at(1, 1).r == std::lround(3.0 / 40 * 255));
  CHECK(img.at(3, 1).r == 255);

  const std::vector<float> w = {-1.f, 0.5f, 2.f, 0.f};
  o.norm = viz::normalize::range(0, 1);
  img = viz::grid(view(w, lm::make_dims(1, 2, 2)), o);
  CHECK(img.at(0, 0).r == 0);
  CHECK(img.at(1, 0).r == 128);
  CHECK(img.at(0, 1).r == 255);

  o.norm = viz::normalize::symmetric();  // 0 -> mid grey
  img = viz::grid(view(w, lm::make_dims(1, 2, 2)), o);
  CHECK(img.at(1, 1).r == 128);
  CHECK(img.at(0, 1).r == 255);

  o.norm = viz::normalize::range(1, 1);
  CHECK_THROWS_AS(viz::grid(view(w, lm::make_dims(1, 2, 2)), o), std::invalid_argument);
}

TEST_CASE("grid: NaN pixels take nan_color, infinities clamp, constant images are grey", "[viz]") {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  auto o = bare();
  const std::vector<float> w = {nan, 1, inf, 3, -inf, 7, 7, 7};  // one 2x4 grey image
  const viz::image one = viz::grid(view(w, lm::make_dims(1, 2, 4)), o);
  CHECK(one.at(0, 0) == viz::colors::magenta);
  CHECK(one.at(1, 0).r == 0);    // 1 is the finite min
  CHECK(one.at(2, 0).r == 255);  // +inf clamps high
  CHECK(one.at(0, 1).r == 0);    // -inf clamps low
  CHECK(one.at(1, 1).r == 255);  // 7 is the finite max
  const std::vector<float> c(4, 0.25f);
  CHECK(viz::grid(view(c, lm::make_dims(1, 2, 2)), o).at(1, 1).r == 128);
}

TEST_CASE("grid: RGB images, [N, D] rows reshaped, layout sizes with padding and scale", "[viz]") {
  std::vector<float> rgb(3 * 2 * 2, 0.f);
  rgb[0] = 1.f;      // R of pixel (0, 0)
  rgb[4 + 1] = 1.f;  // G of pixel (1, 0)
  auto o = bare();
  o.norm = viz::normalize::range(0, 1);
  viz::image img = viz::grid(view(rgb, lm::make_dims(1, 3, 2, 2)), o);
  CHECK(img.at(0, 0) == viz::rgb{255, 0, 0});
  CHECK(img.at(1, 0) == viz::rgb{0, 255, 0});

  std::vector<float> rows(6 * 16, 0.5f);  // six 4x4 images as rows of [6, 16]
  o.padding = 3, o.scale = 2, o.cols = 4;
  img = viz::grid(view(rows, lm::make_dims(6, 16)), o);
  CHECK(img.width() == 3 + 4 * (8 + 3));
  CHECK(img.height() == 3 + 2 * (8 + 3));
  o.height = 2, o.width = 8;  // explicit reshape
  img = viz::grid(view(rows, lm::make_dims(6, 16)), o);
  CHECK(img.width() == 3 + 4 * (16 + 3));
  CHECK(img.height() == 3 + 2 * (4 + 3));

  viz::grid_options a;  // auto scale: 28x28 -> 4x, at least 96 pixels; padding 4
  std::vector<float> mnist(2 * 784, 0.f);
  img = viz::grid(view(mnist, lm::make_dims(2, 784)), a);
  CHECK(img.height() == 4 + 112 + 4);
}

TEST_CASE("grid: captions and titles draw text-colour pixels in their bands", "[viz]") {
  const std::vector<float> v(4 * 16 * 16, 0.5f);  // mid-grey tiles: no pure black inside
  viz::grid_options o;
  o.norm = viz::normalize::range(0, 1);
  o.scale = 1, o.padding = 2, o.cols = 4;
  const auto in = view(v, lm::make_dims(4, 1, 16, 16));
  const viz::image plain = viz::grid(in, o);
  o.captions = {"a", "bb", "ccc", "dddd"};
  const fs::path dir = lamina_test::fresh_dir("captions");
  viz::save_png(dir / "captions.png", viz::grid(in, o));
  const auto png = read_png(dir / "captions.png");
  // a caption band: a quarter em of gap and one line of text (font_size 20)
  const viz::typeface& face = viz::typeface::standard();
  const int line = int(std::ceil(face.ascent(20))) + int(std::ceil(face.descent(20)));
  REQUIRE(png.height == plain.height() + 5 + line);
  const int tiles_end = 2 + 16;
  // the widest caption widens the columns (plus a quarter em between neighbours)
  CHECK(png.width == 2 + 4 * (int(std::ceil(face.width("dddd", 20))) + 5 + 2));
  CHECK(png.count(viz::colors::black, 0, 0, png.width, tiles_end) == 0);
  CHECK(png.count(viz::colors::black, 0, tiles_end, png.width, png.height) > 20);

  o.captions.clear();
  o.title = "epoch 7";
  const viz::image titled = viz::grid(in, o);
  const int title_band = titled.height() - plain.height();
  CHECK(title_band > face.ascent(20));
  std::size_t black_top = 0;
  for (int y = 0; y < title_band; ++y)
    for (int x = 0; x < titled.width(); ++x) black_top += titled.at(x, y) == viz::colors::black;
  CHECK(black_top > 20);
}

TEST_CASE("rows: labelled rows (clean / noisy / reconstructed) share columns and a label band", "[viz]") {
  const std::vector<float> a(3 * 8 * 8, 0.2f), b(3 * 8 * 8, 0.8f), c(2 * 8 * 8, 0.5f);
  viz::grid_options o;
  o.scale = 2, o.padding = 2;
  o.norm = viz::normalize::range(0, 1);
  const viz::image img = viz::rows({{"clean", view(a, lm::make_dims(3, 8, 8))},
                                    {"noisy", view(b, lm::make_dims(3, 1, 8, 8))},
                                    {"reconstructed", view(c, lm::make_dims(2, 64))}},
                                   o);
  // the label band: the widest label, half an em (font_size 20) and the padding
  const viz::typeface& face = viz::typeface::standard();
  const int label_w = int(std::ceil(face.width("reconstructed", 20))) + 10 + 2;
  CHECK(img.width() == 2 + label_w + 3 * 16 + 2 * 2 + 2);
  CHECK(img.height() == 2 + 3 * 16 + 2 * 2 + 2);
  std::size_t label_px = 0, tile_black = 0;
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x)
      (x < 2 + label_w ? label_px : tile_black) += img.at(x, y) == viz::colors::black;
  CHECK(label_px > 50);
  CHECK(tile_black == 0);
  CHECK(img.at(2 + label_w + 1, 2 + 1).r == 51);        // clean: 0.2
  CHECK(img.at(2 + label_w + 1, 2 + 18 + 1).r == 204);  // noisy: 0.8, one row below

  // global min-max across rows: the darkest row maps to 0, the brightest to 255
  o.norm = viz::normalize::global();
  const viz::image g = viz::rows({{"a", view(a, lm::make_dims(3, 8, 8))}, {"b", view(b, lm::make_dims(3, 8, 8))}}, o);
  const int lw = int(std::ceil(face.width("a", 20))) + 10 + 2;
  CHECK(g.at(2 + lw + 1, 2 + 1).r == 0);
  CHECK(g.at(2 + lw + 1, 2 + 18 + 1).r == 255);

  CHECK_THROWS_WITH(viz::rows({{"a", view(a, lm::make_dims(3, 8, 8))}, {"b", view(a, lm::make_dims(3, 4, 16))}}),
                    Catch::Contains("8x8") && Catch::Contains("4x16"));
}

TEST_CASE("feature_maps: [C, H, W] or [1, C, H, W] give C captioned maps", "[viz]") {
  std::vector<float> m(5 * 6 * 6);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = float(i % 7);
  const viz::image a = viz::feature_maps(view(m, lm::make_dims(5, 6, 6)));
  const viz::image b = viz::feature_maps(view(m, lm::make_dims(1, 5, 6, 6)));
  REQUIRE(a.width() == b.width());
  REQUIRE(a.height() == b.height());
  CHECK(std::equal(a.data(), a.data() + std::size_t(a.width()) * std::size_t(a.height()) * 3, b.data()));
  CHECK_THROWS_WITH(viz::feature_maps(view(m, lm::make_dims(2, 5, 3, 6))), Catch::Contains("[C, H, W]"));
}

TEST_CASE("grid: bad input throws std::invalid_argument naming the problem", "[viz]") {
  const std::vector<float> v(2 * 3 * 4 * 4, 0.f);
  CHECK_THROWS_AS(viz::grid(lm::ConstTensorView{nullptr, lm::make_dims(0, 1, 4, 4)}), std::invalid_argument);
  CHECK_THROWS_WITH(viz::grid(lm::ConstTensorView{v.data(), lm::make_dims(0, 1, 4, 4)}), Catch::Contains("empty"));
  CHECK_THROWS_WITH(viz::grid(view(v, lm::make_dims(2, 2, 6, 4))), Catch::Contains("2 channels"));
  CHECK_THROWS_WITH(viz::grid(view(v, lm::make_dims(1, 1, 2, 3, 16))), Catch::Contains("expected images"));
  CHECK_THROWS_WITH(viz::grid(view(v, lm::make_dims(2, 48))), Catch::Contains("height and width"));
  viz::grid_options o;
  o.height = 5, o.width = 5;
  CHECK_THROWS_WITH(viz::grid(view(v, lm::make_dims(2, 48)), o), Catch::Contains("5x5"));
  CHECK_THROWS_AS(viz::rows({}), std::invalid_argument);
  CHECK_THROWS_AS(viz::image(0, 3), std::invalid_argument);
}

TEST_CASE("save_png: written atomically, no temporary left, readable, overwrites", "[viz]") {
  const fs::path dir = lamina_test::fresh_dir("atomic");
  std::vector<float> v(4 * 9, 0.f);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = float(i);
  viz::grid_options o;
  o.scale = 3, o.padding = 2;
  viz::save_png(dir / "g.png", viz::grid(view(v, lm::make_dims(4, 3, 3)), o));
  viz::save_png(dir / "g.png", viz::grid(view(v, lm::make_dims(4, 3, 3)), o));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path().filename());
  REQUIRE(files.size() == 1);
  CHECK(files[0] == "g.png");
  const auto png = read_png(dir / "g.png");
  CHECK(png.width == 2 + 2 * (9 + 2));
  CHECK(png.count(viz::rgb{255, 255, 255}) > 0);
  CHECK_THROWS_AS(viz::save_png(dir / "missing_dir" / "g.png", viz::image(2, 2)), std::runtime_error);
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
}

TEST_CASE("two translation units include stb_image_write and agree byte for byte", "[viz]") {
  viz::image img(7, 5, viz::palette(1));
  img.text(0, 0, "ok", viz::colors::black);
  CHECK(viz::encode_png(img) == lamina_viz_encode_in_second_tu(img));
}
