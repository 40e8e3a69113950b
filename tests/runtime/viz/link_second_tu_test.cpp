// A second translation unit that includes the same lamina/viz headers (and so stb_image_write
// and, through png_reader.hpp, stb_image): linking it with grid_test.cpp proves the
// implementations have internal linkage (no duplicate symbols).
#include <catch2/catch.hpp>
#include <lamina/viz/viz.hpp>

#include <vector>

#include "png_reader.hpp"

std::vector<unsigned char> lamina_viz_encode_in_second_tu(const lamina::viz::image& img) {
  return lamina::viz::encode_png(img);
}

TEST_CASE("second translation unit: PNG round trip through stb_image", "[viz]") {
  namespace viz = lamina::viz;
  viz::image img(10, 4, viz::colors::white);
  img.fill_rect(0, 0, 5, 4, viz::palette(0));
  const auto dir = lamina_test::fresh_dir("second_tu");
  viz::save_png(dir / "a.png", img);
  const auto png = lamina_test::read_png(dir / "a.png");
  REQUIRE(png.width == 10);
  REQUIRE(png.height == 4);
  CHECK(png.at(4, 3) == viz::palette(0));
  CHECK(png.at(5, 0) == viz::colors::white);
}
