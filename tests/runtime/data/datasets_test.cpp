// Bundled datasets: the data folder lookup, Olivetti faces, photos, patches and the coordinate
// grid for implicit neural representations.
#include <catch2/catch.hpp>

#include <lamina/data/coordinate_grid.hpp>
#include <lamina/data/data_dir.hpp>
#include <lamina/data/olivetti.hpp>
#include <lamina/data/patches.hpp>
#include <lamina/data/photos.hpp>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

namespace lm = lamina;

namespace {
bool same(const lm::Tensor& a, const lm::Tensor& b) {
  return a.shape() == b.shape() && std::equal(a.data(), a.data() + a.size(), b.data());
}
// Sets an environment variable for one scope.
struct scoped_env {
  std::string name;
  std::string old;
  bool had;
  scoped_env(std::string n, const char* value) : name(std::move(n)) {
    const char* o = std::getenv(name.c_str());
    had = o != nullptr;
    if (had) old = o;
    if (value) ::setenv(name.c_str(), value, 1);
    else ::unsetenv(name.c_str());
  }
  ~scoped_env() {
    if (had) ::setenv(name.c_str(), old.c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};
}  // namespace

TEST_CASE("data_path finds the bundled data and lists where it looked", "[data][data_dir]") {
  const auto faces = lm::data::data_path("faces/olivetti_faces.npy");
  REQUIRE(std::filesystem::is_regular_file(faces));
  REQUIRE(std::filesystem::is_directory(lm::data::default_data_dir()));
  const auto other = std::filesystem::temp_directory_path() / ("lamina_data_dir_" + std::to_string(::getpid()));
  std::filesystem::create_directories(other);
  {
    // An existing folder without the file: the next folder is tried, and a missing file lists them all.
    scoped_env env("LAMINA_DATA_DIR", other.c_str());
    REQUIRE(lm::data::data_dir_candidates().front() == other);
    REQUIRE(lm::data::data_path("faces/olivetti_faces.npy") == faces);
    REQUIRE_THROWS_WITH(lm::data::data_path("faces/missing.npy"),
                        Catch::Contains("cannot find data file") && Catch::Contains((other / "faces/missing.npy").string()) &&
                            Catch::Contains("LAMINA_DATA_DIR"));
  }
  {
    // A folder that does not exist is an error, never a silent fallback.
    scoped_env env("LAMINA_DATA_DIR", "/nonexistent/lamina-data");
    const std::string expected =
        "$LAMINA_DATA_DIR: environment variable: '/nonexistent/lamina-data' does not exist, expected the folder "
        "holding faces/ and images/ (or unset it for the bundled data)";
    REQUIRE_THROWS_AS(lm::data::data_path("faces/olivetti_faces.npy"), lm::data::format_error);
    REQUIRE_THROWS_WITH(lm::data::data_path("faces/olivetti_faces.npy"), expected);
    REQUIRE_THROWS_WITH(lm::data::default_data_dir(), expected);
    REQUIRE_THROWS_WITH(lm::data::load_olivetti_faces(), expected);
  }
  {
    scoped_env env("LAMINA_DATA_DIR", faces.c_str());  // a file, not a folder
    REQUIRE_THROWS_WITH(lm::data::default_data_dir(), Catch::Contains("is not a directory, expected the folder"));
  }
  {
    scoped_env env("LAMINA_DATA_DIR", "");  // empty: as if unset
    REQUIRE(lm::data::data_path("faces/olivetti_faces.npy") == faces);
  }
  std::filesystem::remove_all(other);
}

TEST_CASE("Olivetti faces: 400 images of 40 subjects in [0, 1]", "[data][faces]") {
  const auto faces = lm::data::load_olivetti_faces();
  REQUIRE(faces.size() == 400);
  REQUIRE(faces.images.shape() == lm::make_dims(400, 1, 64, 64));
  REQUIRE(faces.sample_size() == 4096);
  const auto [lo, hi] = std::minmax_element(faces.images.data(), faces.images.data() + faces.images.size());
  REQUIRE(*lo >= 0.0f);
  REQUIRE(*hi <= 1.0f);
  REQUIRE(*hi - *lo > 0.5f);
  for (std::size_t i = 0; i < 400; ++i) REQUIRE(faces.labels[i] == std::int32_t(i / 10));
  double mean = 0;
  for (float v : faces.images.view()) mean += v;
  mean /= double(faces.images.size());
  CHECK(mean > 0.2);
  CHECK(mean < 0.8);

  const auto flat = lm::data::load_olivetti_faces({.flatten = true});
  REQUIRE(flat.images.shape() == lm::make_dims(400, 4096));
  REQUIRE(std::equal(flat.images.data(), flat.images.data() + flat.images.size(), faces.images.data()));
}

TEST_CASE("Photos load by name as float [C, H, W]", "[data][photos]") {
  for (const auto& p : lm::data::photos) {
    const lm::Tensor img = lm::data::load_photo(p.file);
    INFO(p.file);
    REQUIRE(img.shape() == lm::make_dims(p.channels, p.height, p.width));
    const auto [lo, hi] = std::minmax_element(img.data(), img.data() + img.size());
    REQUIRE(*lo >= 0.0f);
    REQUIRE(*hi <= 1.0f);
    REQUIRE(*hi > *lo);
  }
  REQUIRE(lm::data::load_photo("rocket").shape() == lm::make_dims(3, 427, 640));  // without extension
  const lm::Tensor grass3 = lm::data::load_photo("grass", 3);
  REQUIRE(grass3.shape() == lm::make_dims(3, 512, 512));
  REQUIRE(std::equal(grass3.data(), grass3.data() + 512 * 512, grass3.data() + 2 * 512 * 512));
  REQUIRE(lm::data::load_photo("astronaut", 1).shape() == lm::make_dims(1, 512, 512));
  REQUIRE_THROWS_WITH(lm::data::load_photo("no_such_photo.png"), Catch::Contains("no_such_photo.png"));
}

TEST_CASE("Patches: random crops are deterministic and split by photo without sharing photos", "[data][patches]") {
  std::vector<lm::Tensor> photos;
  for (const char* name : {"astronaut", "coffee", "chelsea", "camera", "rocket"}) photos.push_back(lm::data::load_photo(name, 3));
  const lm::data::patch_options o{.size = 64, .count = 300, .validation = 0.4, .seed = 5};
  const auto a = lm::data::make_patches(photos, o);
  const auto b = lm::data::make_patches(photos, o);
  REQUIRE(a.train.shape() == lm::make_dims(180, 3, 64, 64));
  REQUIRE(a.validation.shape() == lm::make_dims(120, 3, 64, 64));
  REQUIRE(same(a.train, b.train));
  REQUIRE(same(a.validation, b.validation));

  std::set<std::size_t> train_src(a.train_photos.begin(), a.train_photos.end());
  std::set<std::size_t> val_src(a.validation_photos.begin(), a.validation_photos.end());
  REQUIRE(val_src.size() == 2);  // round(0.4 * 5) photos
  for (auto p : val_src) REQUIRE(train_src.count(p) == 0);

  auto c = o;
  c.seed = 6;
  REQUIRE_FALSE(same(lm::data::make_patches(photos, c).train, a.train));

  // Every crop is a window of its photo: check a patch against all positions of its source.
  const auto& src = photos[a.train_photos[0]];
  const std::size_t H = src.shape()[1], W = src.shape()[2];
  bool found = false;
  for (std::size_t top = 0; top + 64 <= H && !found; ++top)
    for (std::size_t left = 0; left + 64 <= W && !found; ++left) {
      bool eq = true;
      for (std::size_t k = 0; k < 3 && eq; ++k)
        for (std::size_t y = 0; y < 64 && eq; ++y)
          eq = std::equal(a.train.data() + (k * 64 + y) * 64, a.train.data() + (k * 64 + y) * 64 + 64,
                          src.data() + (k * H + top + y) * W + left);
      found = eq;
    }
  REQUIRE(found);
}

TEST_CASE("Patches: tiles cover the photo, a split by patch is disjoint", "[data][patches]") {
  std::vector<lm::Tensor> photos{lm::data::load_photo("camera", 3)};  // 512 x 512
  const auto tiles = lm::data::tiled_patches(photos, 64, 64, 64);
  REQUIRE(tiles.shape() == lm::make_dims(64, 3, 64, 64));
  REQUIRE(lm::data::tiled_patches(photos, 64, 64, 32).shape()[0] == 15 * 15);

  const auto s = lm::data::make_patches(photos, {.size = 64, .mode = lm::data::patch_mode::tiled, .validation = 0.25,
                                                 .split = lm::data::split_by::patch, .seed = 2});
  REQUIRE(s.train.shape()[0] == 48);
  REQUIRE(s.validation.shape()[0] == 16);
  // Tiles at stride 64 do not overlap, so every validation tile differs from every training tile
  // and together they are the 64 tiles.
  const std::size_t per = 3 * 64 * 64;
  auto index_of = [&](const float* p) {
    for (std::size_t i = 0; i < 64; ++i)
      if (std::equal(p, p + per, tiles.data() + i * per)) return i;
    return std::size_t(999);
  };
  std::set<std::size_t> seen;
  for (std::size_t i = 0; i < 48; ++i) seen.insert(index_of(s.train.data() + i * per));
  for (std::size_t i = 0; i < 16; ++i) seen.insert(index_of(s.validation.data() + i * per));
  REQUIRE(seen.size() == 64);
  REQUIRE(seen.count(999) == 0);
}

TEST_CASE("Coordinate grid: pixel centres (x, y), row-major, at any resolution", "[data][grid]") {
  const lm::Tensor g = lm::data::coordinate_grid(4, 8);  // H = 4, W = 8
  REQUIRE(g.shape() == lm::make_dims(32, 2));
  REQUIRE(g[0] == Approx(0.5 / 8));
  REQUIRE(g[1] == Approx(0.5 / 4));
  // Sample k = row * W + col: row 2, col 5.
  REQUIRE(g[(2 * 8 + 5) * 2 + 0] == Approx(5.5 / 8));
  REQUIRE(g[(2 * 8 + 5) * 2 + 1] == Approx(2.5 / 4));
  REQUIRE(g[31 * 2] == Approx(7.5 / 8));
  REQUIRE(g[31 * 2 + 1] == Approx(3.5 / 4));

  lm::Tensor img(lm::make_dims(3, 4, 8));
  for (std::size_t i = 0; i < img.size(); ++i) img[i] = float(i) / float(img.size());
  const auto set = lm::data::make_coordinate_set(img);
  REQUIRE(set.targets.shape() == lm::make_dims(32, 3));
  REQUIRE(set.targets[(2 * 8 + 5) * 3 + 1] == img[(1 * 4 + 2) * 8 + 5]);  // green of row 2, col 5
  REQUIRE(same(lm::data::grid_to_image(set.targets.view(), 4, 8), img));

  // A 4x denser grid: 16x the points, same (0, 1) square, finer centres.
  const lm::Tensor up = lm::data::coordinate_grid(16, 32);
  REQUIRE(up.shape() == lm::make_dims(512, 2));
  REQUIRE(up[0] == Approx(0.5 / 32));
  const auto [lo, hi] = std::minmax_element(up.data(), up.data() + up.size());
  REQUIRE(*lo > 0.0f);
  REQUIRE(*hi < 1.0f);
  // The dense grid's 4x4 block of a coarse pixel averages to that pixel's centre.
  double mx = 0, my = 0;
  for (std::size_t r = 8; r < 12; ++r)
    for (std::size_t c = 20; c < 24; ++c) mx += up[(r * 32 + c) * 2], my += up[(r * 32 + c) * 2 + 1];
  REQUIRE(mx / 16 == Approx(g[(2 * 8 + 5) * 2]));
  REQUIRE(my / 16 == Approx(g[(2 * 8 + 5) * 2 + 1]));
}
