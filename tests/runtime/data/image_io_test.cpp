// Image reading (PNG, JPEG, BMP through stb_image, PGM/PPM by lamina) to float [C, H, W] in
// [0, 1], PNG writing, channel conversion, the limits, truncation and structure checks,
// ImageFolder listing, and the sample photographs.
#include <lamina/data/image_io.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <span>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "../temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using lamina::data::float_image;
using lamina::data::image_channels;

const fs::path seeds = fs::path(LAMINA_TEST_FIXTURES) / ".." / "fuzz" / "corpus" / "image";

using lamina_test::temp_dir;

void touch(const fs::path& p, const std::string& bytes = "x") {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

float q8(int v) { return static_cast<float>(v) / 255.0f; }

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

lamina::data::float_image decode(const std::string& b, const lamina::data::image_read_options& opt = {}) {
  return lamina::data::decode_image(std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(b.data()), b.size()),
                                    "mem.img", opt);
}

void put32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + std::size_t(i)] = char((v >> (8 * i)) & 0xFF);
}
void put16(std::string& s, std::size_t at, std::uint32_t v) {
  s[at] = char(v & 0xFF);
  s[at + 1] = char((v >> 8) & 0xFF);
}

// A BMP with a 40-byte header: `rows` are the stored rows (bottom-up unless top_down), already
// padded to 4 bytes; `palette` holds B, G, R, 0 quadruples.
std::string bmp(int width, int height, int bpp, const std::string& palette, const std::string& rows, bool top_down = false) {
  std::string h(54, '\0');
  h[0] = 'B', h[1] = 'M';
  const std::uint32_t offset = 54 + static_cast<std::uint32_t>(palette.size());
  put32(h, 2, offset + static_cast<std::uint32_t>(rows.size()));
  put32(h, 10, offset);
  put32(h, 14, 40);
  put32(h, 18, static_cast<std::uint32_t>(width));
  put32(h, 22, static_cast<std::uint32_t>(top_down ? -height : height));
  put16(h, 26, 1);
  put16(h, 28, static_cast<std::uint32_t>(bpp));
  put32(h, 46, static_cast<std::uint32_t>(palette.size() / 4));
  return h + palette + rows;
}

// The photographs in the repository's data/images.
fs::path photo(const std::string& name) {
  return fs::path(LAMINA_TEST_FIXTURES) / ".." / ".." / "data" / "images" / name;
}

}  // namespace

TEST_CASE("write_png / read_image: 8-bit round trip for 1, 3 and 4 channels", "[data][image]") {
  temp_dir dir;
  for (std::size_t c : {1u, 3u, 4u}) {
    INFO("channels " << c);
    const std::size_t h = 5, w = 7;
    std::vector<float> chw(c * h * w);
    for (std::size_t i = 0; i < chw.size(); ++i) chw[i] = q8(static_cast<int>((i * 37 + 5) % 256));
    lamina::data::write_png(dir / "a.png", chw, {c, h, w});
    const float_image img = lamina::data::read_image(dir / "a.png");
    CHECK(img.channels == c);
    CHECK(img.height == h);
    CHECK(img.width == w);
    CHECK(img.data == chw);  // exact: every value is k / 255
  }
  // [H, W] is gray.
  const std::vector<float> hw = {0.0f, q8(1), q8(254), 1.0f, q8(100), q8(200)};
  lamina::data::write_png(dir / "g.png", hw, {2, 3});
  const float_image g = lamina::data::read_image(dir / "g.png");
  CHECK(g.channels == 1);
  CHECK(g.data == hw);
  // No temporary file is left beside the target.
  for (const auto& e : fs::directory_iterator(dir.path)) CHECK(e.path().extension() == ".png");
}

TEST_CASE("write_png: clamps to [0, 1] and rounds, rejects bad shapes", "[data][image]") {
  temp_dir dir;
  const std::vector<float> v = {-3.0f, 2.0f, 0.5f, std::nanf(""), 0.2f / 255.0f, 0.6f / 255.0f};
  lamina::data::write_png(dir / "c.png", v, {1, 6});
  const float_image img = lamina::data::read_image(dir / "c.png");
  CHECK(img.data == std::vector<float>{0.0f, 1.0f, q8(128), 0.0f, 0.0f, q8(1)});
  CHECK_THROWS_AS(lamina::data::write_png(dir / "x.png", v, {2, 2}), std::invalid_argument);
  CHECK_THROWS_AS(lamina::data::write_png(dir / "x.png", v, {6}), std::invalid_argument);
  CHECK_THROWS_AS(lamina::data::write_png(dir / "x.png", v, {6, 1, 1}), std::invalid_argument);
  CHECK_FALSE(fs::exists(dir / "x.png"));
}

TEST_CASE("read_image: every supported format", "[data][image]") {
  struct expect { const char* file; std::size_t c, h, w; };
  for (const expect e : {expect{"rgb_3x2.png", 3, 2, 3}, expect{"gray_2x2.png", 1, 2, 2}, expect{"gray16_2x1.png", 1, 1, 2},
                         expect{"rgba_1x1.png", 4, 1, 1}, expect{"rgb_8x6.jpg", 3, 6, 8}, expect{"gray_4x4.jpg", 3, 4, 4} /* stbi_write_jpg always writes YCbCr */,
                         expect{"rgb_2x2.bmp", 3, 2, 2}, expect{"gray_3x2.pgm", 1, 2, 3}, expect{"rgb_2x1.ppm", 3, 1, 2}}) {
    INFO(e.file);
    const float_image img = lamina::data::read_image(seeds / e.file);
    CHECK(img.channels == e.c);
    CHECK(img.height == e.h);
    CHECK(img.width == e.w);
    for (float v : img.data) REQUIRE((v >= 0.0f && v <= 1.0f));
  }
  // Exact pixels where the format is lossless.
  const float_image png = lamina::data::read_image(seeds / "rgb_3x2.png");
  CHECK(png.at(0, 0, 0) == 1.0f);   // red pixel
  CHECK(png.at(1, 0, 1) == 1.0f);   // green
  CHECK(png.at(2, 0, 2) == 1.0f);   // blue
  CHECK(png.at(0, 1, 1) == q8(200));
  CHECK(lamina::data::read_image(seeds / "gray16_2x1.png").data == std::vector<float>{0.0f, 1.0f});
  CHECK(lamina::data::read_image(seeds / "gray_3x2.pgm").data ==
        std::vector<float>{0.0f, q8(50), q8(100), q8(150), q8(200), q8(250)});
  const float_image bmp = lamina::data::read_image(seeds / "rgb_2x2.bmp");  // BMP stores B, G, R = 10, 20, 30
  CHECK(bmp.at(0, 1, 1) == q8(30));
  CHECK(bmp.at(2, 0, 0) == q8(10));
  const float_image rgba = lamina::data::read_image(seeds / "rgba_1x1.png");
  CHECK(rgba.data == std::vector<float>{q8(0x10), q8(0x20), q8(0x30), q8(0x40)});
}

TEST_CASE("read_image: forced channels", "[data][image]") {
  using lamina::data::image_read_options;
  const float_image gray = lamina::data::read_image(seeds / "rgb_3x2.png", {.channels = image_channels::gray});
  CHECK(gray.channels == 1);
  CHECK(gray.at(0, 0, 0) == Approx(0.299f));  // pure red
  CHECK(gray.at(0, 0, 1) == Approx(0.587f));
  CHECK(gray.at(0, 1, 1) == Approx(q8(200)));
  const float_image rgb = lamina::data::read_image(seeds / "gray_2x2.png", {.channels = image_channels::rgb});
  CHECK(rgb.channels == 3);
  for (std::size_t c = 0; c < 3; ++c) CHECK(rgb.at(c, 1, 0) == q8(0x80));
  const float_image rgba = lamina::data::read_image(seeds / "rgb_3x2.png", {.channels = image_channels::rgba});
  CHECK(rgba.channels == 4);
  CHECK(rgba.at(3, 1, 2) == 1.0f);  // opaque alpha added
  const float_image no_alpha = lamina::data::read_image(seeds / "rgba_1x1.png", {.channels = image_channels::rgb});
  CHECK(no_alpha.data == std::vector<float>{q8(0x10), q8(0x20), q8(0x30)});
}

TEST_CASE("read_image: the pixel limit is checked before decoding", "[data][image]") {
  const fs::path p = seeds / "rgb_8x6.jpg";
  CHECK(lamina::data::read_image(p, {.max_pixels = 48}).size() == 3u * 48u);
  REQUIRE_THROWS_WITH(lamina::data::read_image(p, {.max_pixels = 47}),
                      Catch::StartsWith(p.string() + ": image header: 8x6 = 48 pixels exceeds the limit of 47"));
}

TEST_CASE("read_image: file errors", "[data][image]") {
  temp_dir dir;
  REQUIRE_THROWS_WITH(lamina::data::read_image(dir / "none.png"),
                      Catch::Contains((dir / "none.png").string() + ": cannot open: No such file or directory"));
  REQUIRE_THROWS_WITH(lamina::data::read_image(dir.path), Catch::Contains(": cannot open: Is a directory"));
  REQUIRE(::mkfifo((dir / "fifo.png").c_str(), 0600) == 0);
  REQUIRE_THROWS_WITH(lamina::data::read_image(dir / "fifo.png"), Catch::Contains("fifo.png: cannot open: not a regular file"));
}

TEST_CASE("read_image: every truncation of every format is an error", "[data][image]") {
  // stb_image pads truncated BMP and PNM data with zeros (or leaves it uninitialised) and
  // accepts a JPEG without its end: lamina checks the structure first.
  for (const auto& e : fs::directory_iterator(seeds)) {
    const std::string b = slurp(e.path());
    INFO(e.path().filename().string());
    REQUIRE_NOTHROW(decode(b));
    for (std::size_t n = 0; n < b.size(); ++n) {
      INFO("first " << n << " of " << b.size() << " bytes");
      REQUIRE_THROWS_AS(decode(b.substr(0, n)), lamina::data::format_error);
    }
  }
  for (const char* name : {"chelsea.png", "rocket.jpg"}) {  // real files, cut at a few places
    const fs::path p = photo(name);
    if (!fs::exists(p)) continue;
    const std::string b = slurp(p);
    INFO(name);
    for (std::size_t n : {b.size() / 10, b.size() / 2, b.size() - 100, b.size() - 2, b.size() - 1})
      REQUIRE_THROWS_WITH(decode(b.substr(0, n)), Catch::StartsWith("mem.img: image ") && Catch::Contains("truncated"));
  }
}

TEST_CASE("read_image: the format comes from the signature, not the name", "[data][image]") {
  temp_dir dir;
  touch(dir / "really_a_png.jpg", slurp(seeds / "rgb_3x2.png"));
  CHECK(lamina::data::read_image(dir / "really_a_png.jpg").width == 3);
  // A truncated JPEG reports the JPEG's problem (not another format's, as stb's last-tried reason would).
  const std::string jpg = slurp(seeds / "rgb_8x6.jpg");
  CHECK_THROWS_WITH(decode(jpg.substr(0, jpg.size() - 10)), Catch::Contains("truncated JPEG"));
  CHECK_THROWS_WITH(decode("\x89PNG\n\x1a\n\n" + std::string(40, '\0')), Catch::Contains("damaged PNG signature"));
  CHECK_THROWS_WITH(decode("P7\nWIDTH 1\n"), Catch::Contains("PNM type P7 (PAM) is not supported"));
  CHECK_THROWS_WITH(decode(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)), Catch::Contains("a WebP image"));
}

TEST_CASE("read_image: dimension limits before decoding", "[data][image]") {
  // A 2^24 + 1 wide PGM header: refused for its width before the (absent) raster is looked at.
  CHECK_THROWS_WITH(decode("P5 16777217 1 255\n"),
                    Catch::Contains("image header: PGM dimensions 16777217x1 exceed the limit of 16777216 (2^24) per side"));
  CHECK_THROWS_WITH(decode("P5 70000 70000 255\n"),
                    Catch::Contains("70000x70000 = 4900000000 pixels exceeds the limit of 268435456"));
  CHECK_THROWS_WITH(decode("P5 0 3 255\n"), Catch::Contains("PGM dimensions 0x3, expected width and height >= 1"));
  CHECK_THROWS_WITH(decode("P5 99999999999 1 255\n"), Catch::Contains("more than 10 digits"));
  CHECK_THROWS_WITH(decode("P5 3 2 255"), Catch::Contains("expected one whitespace character after the maxval"));
  CHECK_THROWS_WITH(decode("P5 -3 2 255\n"), Catch::Contains("header field 'width'"));
}

TEST_CASE("read_image: PGM/PPM scaled by maxval, 16-bit, comments", "[data][image]") {
  const auto g = decode("P5\n# a comment\n3 1 # another\n15\n" + std::string("\x00\x05\x0f", 3));
  CHECK(g.data == std::vector<float>{0.0f, 5.0f / 15.0f, 1.0f});
  const auto p = decode("P6 1 1 65535\n" + std::string("\xff\xff\x80\x00\x00\x01", 6));
  CHECK(p.data == std::vector<float>{1.0f, 32768.0f / 65535.0f, 1.0f / 65535.0f});
  const auto g16 = decode("P5 2 1 1000\n" + std::string("\x03\xe8\x01\xf4", 4));
  CHECK(g16.data == std::vector<float>{1.0f, 500.0f / 1000.0f});
  CHECK_THROWS_WITH(decode("P5 2 1 1000\n" + std::string("\x03\xe9\x01\xf4", 4)),
                    Catch::Contains("PGM sample 0 (at byte 12) is 1001, expected at most the maxval 1000"));
  CHECK(decode("P5 1 1 255\n\x07\n").data == std::vector<float>{q8(7)});  // trailing whitespace is fine
  const auto rgb = decode("P5 1 1 255\n\x80", {.channels = image_channels::rgb});
  CHECK(rgb.data == std::vector<float>{q8(128), q8(128), q8(128)});
}

TEST_CASE("read_image: BMP palettes, bit depths and orientation", "[data][image]") {
  const std::string pal = std::string("\x00\x00\x00\x00", 4) + std::string("\xff\xff\xff\x00", 4);
  // 8-bit: rows bottom-up, each padded to 4 bytes.
  const auto b8 = decode(bmp(2, 2, 8, pal, std::string("\x01\x00\x00\x00\x00\x01\x00\x00", 8)));
  CHECK(b8.channels == 3);
  CHECK(b8.at(0, 0, 1) == 1.0f);  // top row (stored last) is 0, 1
  CHECK(b8.at(0, 1, 0) == 1.0f);
  const auto top = decode(bmp(2, 2, 8, pal, std::string("\x01\x00\x00\x00\x00\x01\x00\x00", 8), true));
  CHECK(top.at(0, 0, 0) == 1.0f);
  // 1-bit and 4-bit; padding bits beyond the width are ignored.
  CHECK(decode(bmp(3, 1, 1, pal, std::string("\xbf\x00\x00\x00", 4))).data == std::vector<float>{1, 0, 1, 1, 0, 1, 1, 0, 1});
  CHECK_THROWS_WITH(decode(bmp(3, 1, 4, pal, std::string("\x10\x20\x00\x00", 4))),
                    Catch::Contains("BMP palette index 2 at pixel (2, row 0 in file order), expected < 2"));
  CHECK(decode(bmp(3, 1, 4, pal, std::string("\x10\x1f\x00\x00", 4))).width == 3);  // the padding nibble may be anything
  // 32-bit BGRA.
  const auto b32 = decode(bmp(1, 1, 32, "", std::string("\x10\x20\x30\x40", 4)));
  CHECK(b32.data == std::vector<float>{q8(0x30), q8(0x20), q8(0x10), q8(0x40)});
  CHECK_THROWS_WITH(decode(bmp(1, 1, 32, "", std::string("\x10\x20\x30", 3))), Catch::Contains("truncated BMP"));
  CHECK_THROWS_WITH(decode(bmp(2, 1, 8, "", std::string("\x00\x00\x00\x00", 4))),
                    Catch::Contains("leaves no room for the palette of a 8-bit image"));
  CHECK_THROWS_WITH(decode(bmp(0, 1, 24, "", "")), Catch::Contains("BMP width 0, expected >= 1"));
  CHECK_THROWS_WITH(decode(bmp(1, 0, 24, "", "")), Catch::Contains("BMP height 0"));
}

TEST_CASE("read_image: mutated images either decode or throw format_error", "[data][image]") {
  temp_dir dir;
  std::mt19937 rng(99);
  for (const char* name : {"rgb_3x2.png", "rgb_8x6.jpg", "rgb_2x2.bmp", "gray_3x2.pgm"}) {
    std::ifstream f(seeds / name, std::ios::binary);
    const std::string base{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    for (int trial = 0; trial < 100; ++trial) {
      std::string b = base;
      for (int e = 0; e < 1 + static_cast<int>(rng() % 3); ++e) b[rng() % b.size()] = static_cast<char>(rng());
      if (trial % 5 == 0) b.resize(rng() % b.size() + 1);
      touch(dir / "m.img", b);
      try {
        const float_image img = lamina::data::read_image(dir / "m.img", {.max_pixels = 1u << 20});
        REQUIRE(img.data.size() == img.channels * img.height * img.width);
      } catch (const lamina::data::format_error& e) {
        REQUIRE_THAT(e.what(), Catch::StartsWith((dir / "m.img").string() + ": "));
      }
    }
  }
}

TEST_CASE("read_image_folder: ImageFolder-style classes and labels", "[data][image]") {
  temp_dir dir;
  touch(dir / "zebra" / "b.png");
  touch(dir / "zebra" / "a.PNG");
  touch(dir / "zebra" / "notes.txt");
  touch(dir / "cat" / "nested" / "c.jpg");
  touch(dir / "cat" / "a.jpeg");
  fs::create_directories(dir / "empty");
  touch(dir / "top.png");  // ignored: only sub-folders are classes
  const lamina::data::image_folder f = lamina::data::read_image_folder(dir.path);
  CHECK(f.classes == std::vector<std::string>{"cat", "empty", "zebra"});
  REQUIRE(f.size() == 4);
  CHECK(f.files[0] == dir / "cat" / "a.jpeg");
  CHECK(f.files[1] == dir / "cat" / "nested" / "c.jpg");
  CHECK(f.files[2] == dir / "zebra" / "a.PNG");
  CHECK(f.files[3] == dir / "zebra" / "b.png");
  CHECK(f.labels == std::vector<std::size_t>{0, 0, 2, 2});

  const auto only_jpg = lamina::data::read_image_folder(dir.path, {"jpg"});
  CHECK(only_jpg.size() == 1);

  temp_dir flat;
  touch(flat / "2.png");
  touch(flat / "1.bmp");
  const auto f2 = lamina::data::read_image_folder(flat.path);
  CHECK(f2.classes.empty());
  CHECK(f2.files == std::vector<fs::path>{flat / "1.bmp", flat / "2.png"});
  CHECK(f2.labels == std::vector<std::size_t>{0, 0});

  REQUIRE_THROWS_WITH(lamina::data::read_image_folder(dir / "missing"), Catch::Contains("missing: cannot open"));
  REQUIRE_THROWS_WITH(lamina::data::read_image_folder(dir / "empty"), Catch::Contains("empty: image folder: no image files found"));
}

TEST_CASE("read_image: the sample photographs", "[data][image][photos]") {
  struct expect { const char* file; std::size_t c, h, w; };
  for (const expect e : {expect{"astronaut.png", 3, 512, 512}, expect{"camera.png", 1, 512, 512},
                         expect{"chelsea.png", 3, 300, 451}, expect{"rocket.jpg", 3, 427, 640}}) {
    const fs::path p = photo(e.file);
    if (!fs::exists(p)) {
      WARN("skipped: " << p << " not found");
      continue;
    }
    INFO(p);
    const float_image img = lamina::data::read_image(p);
    CHECK(img.channels == e.c);
    CHECK(img.height == e.h);
    CHECK(img.width == e.w);
    double sum = 0;
    for (float v : img.data) sum += v;
    const double mean = sum / static_cast<double>(img.size());
    CHECK(mean > 0.05);
    CHECK(mean < 0.95);
    // Round trip through PNG is exact for 8-bit sources.
    if (std::string(e.file).ends_with(".png")) {
      temp_dir dir;
      lamina::data::write_png(dir / "copy.png", img);
      CHECK(lamina::data::read_image(dir / "copy.png").data == img.data);
    }
  }
}
