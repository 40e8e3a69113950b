// Transforms: noise statistics, flips, crops, normalisation, u8 -> float, flatten.
#include <catch2/catch.hpp>

#include <lamina/data/transforms.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace lm = lamina;

namespace {
lm::Tensor ramp(std::size_t n, std::size_t c, std::size_t h, std::size_t w) {
  lm::Tensor t(lm::make_dims(n, c, h, w));
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = float(i % 97) / 97.0f;
  return t;
}
bool same(const lm::Tensor& a, const lm::Tensor& b) {
  return a.shape() == b.shape() && std::equal(a.data(), a.data() + a.size(), b.data());
}
}  // namespace

TEST_CASE("Noise: uniform and Gaussian have the asked spread, drop-out the asked rate", "[data][transforms]") {
  const std::size_t n = 200'000;
  lm::Tensor x(lm::make_dims(n));
  std::fill(x.begin(), x.end(), 0.5f);
  lm::rng gen(1);
  lm::data::add_uniform_noise(x.view(), 0.4f, gen);
  double mean = 0, var = 0;
  for (float v : x.view()) mean += v - 0.5;
  mean /= double(n);
  for (float v : x.view()) var += (v - 0.5 - mean) * (v - 0.5 - mean);
  var /= double(n);
  REQUIRE(std::abs(mean) < 0.005);
  REQUIRE(var == Approx(0.4 * 0.4 / 3).epsilon(0.02));  // U(-a, a): a^2 / 3
  REQUIRE(*std::max_element(x.begin(), x.end()) <= 0.9f);

  std::fill(x.begin(), x.end(), 0.5f);
  lm::data::add_gaussian_noise(x.view(), 0.1f, gen, /*clamp=*/false);
  mean = var = 0;
  for (float v : x.view()) mean += v - 0.5;
  mean /= double(n);
  for (float v : x.view()) var += (v - 0.5 - mean) * (v - 0.5 - mean);
  REQUIRE(std::abs(mean) < 0.002);
  REQUIRE(std::sqrt(var / double(n)) == Approx(0.1).epsilon(0.02));

  // Clamping keeps values in [0, 1] even for large noise.
  std::fill(x.begin(), x.end(), 0.5f);
  lm::data::add_uniform_noise(x.view(), 0.9f, gen);
  REQUIRE(*std::min_element(x.begin(), x.end()) == 0.0f);
  REQUIRE(*std::max_element(x.begin(), x.end()) == 1.0f);

  // Pixel drop-out zeroes whole pixels (all channels) at rate p.
  lm::Tensor img(lm::make_dims(50, 3, 32, 32));
  std::fill(img.begin(), img.end(), 1.0f);
  lm::data::pixel_dropout(img.view(), 0.25f, gen);
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < 50; ++i)
    for (std::size_t j = 0; j < 1024; ++j) {
      const float* p = img.data() + i * 3 * 1024 + j;
      REQUIRE((p[0] == p[1024] && p[0] == p[2048]));
      dropped += p[0] == 0.0f;
    }
  REQUIRE(double(dropped) / (50 * 1024) == Approx(0.25).epsilon(0.05));
}

TEST_CASE("Noise is deterministic for a seed", "[data][transforms]") {
  const lm::Tensor x = ramp(4, 1, 8, 8);
  lm::rng g1(7), g2(7), g3(8);
  auto noisy = [&](lm::rng& g) { return lm::data::with(x, [&](lm::TensorView v) { lm::data::add_gaussian_noise(v, 0.2f, g); }); };
  const lm::Tensor a = noisy(g1), b = noisy(g2), c = noisy(g3);
  REQUIRE(same(a, b));
  REQUIRE_FALSE(same(a, c));
  REQUIRE_FALSE(same(a, x));  // out of place: the input is untouched
  REQUIRE(x[5] == float(5) / 97.0f);
}

TEST_CASE("Flips: twice is the identity, a flip mirrors each row", "[data][transforms]") {
  const lm::Tensor x = ramp(3, 2, 5, 7);
  lm::Tensor y = x;
  lm::data::hflip(y.view());
  REQUIRE(y[0] == x[6]);
  REQUIRE(y[(1 * 2 + 1) * 35 + 2 * 7 + 1] == x[(1 * 2 + 1) * 35 + 2 * 7 + 5]);
  lm::data::hflip(y.view());
  REQUIRE(same(x, y));

  lm::Tensor z = x;
  lm::rng gen(3);
  lm::data::random_hflip(z.view(), gen, 1.0f);
  lm::data::hflip(z.view());
  REQUIRE(same(x, z));
  lm::data::random_hflip(z.view(), gen, 0.0f);
  REQUIRE(same(x, z));
  REQUIRE_THROWS_WITH(lm::data::hflip(lm::TensorView{z.data(), lm::make_dims(210)}), Catch::Contains("[N, C, H, W]"));
}

TEST_CASE("Random crop: windows inside the image, copied exactly", "[data][transforms]") {
  const lm::Tensor x = ramp(20, 3, 12, 10);
  lm::Tensor y(lm::make_dims(20, 3, 5, 4));
  lm::rng gen(9);
  std::vector<std::pair<std::size_t, std::size_t>> offsets;
  lm::data::random_crop(x.view(), y.view(), gen, &offsets);
  REQUIRE(offsets.size() == 20);
  bool moved = false;
  for (std::size_t i = 0; i < 20; ++i) {
    const auto [top, left] = offsets[i];
    REQUIRE(top + 5 <= 12);
    REQUIRE(left + 4 <= 10);
    moved |= top != offsets[0].first || left != offsets[0].second;
    for (std::size_t k = 0; k < 3; ++k)
      for (std::size_t r = 0; r < 5; ++r)
        for (std::size_t c = 0; c < 4; ++c)
          REQUIRE(y[((i * 3 + k) * 5 + r) * 4 + c] == x[((i * 3 + k) * 12 + top + r) * 10 + left + c]);
  }
  REQUIRE(moved);
  REQUIRE_THROWS(lm::data::random_crop(x.view(), 13, 4, gen));
}

TEST_CASE("Normalise per channel, u8 to float, flatten", "[data][transforms]") {
  lm::Tensor x = ramp(10, 3, 6, 6);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = x[i] * float(1 + (i / 36) % 3) + float((i / 36) % 3);
  const auto stats = lm::data::compute_channel_stats(x.view());
  REQUIRE(stats.mean.size() == 3);
  lm::data::normalize(x.view(), stats);
  const auto after = lm::data::compute_channel_stats(x.view());
  for (std::size_t k = 0; k < 3; ++k) {
    REQUIRE(after.mean[k] == Approx(0.0).margin(1e-5));
    REQUIRE(after.stddev[k] == Approx(1.0).epsilon(1e-4));
  }
  REQUIRE_THROWS_WITH(lm::data::normalize(x.view(), std::vector<float>{0, 0}, std::vector<float>{1, 1}),
                      Catch::Contains("3 channels"));

  const std::vector<std::uint8_t> bytes{0, 51, 255};
  const lm::Tensor f = lm::data::to_float(bytes, lm::make_dims(1, 3));
  REQUIRE(f[0] == 0.0f);
  REQUIRE(f[1] == 0.2f);
  REQUIRE(f[2] == 1.0f);

  const auto flat = lm::data::flatten(x);
  REQUIRE(flat.shape == lm::make_dims(10, 108));
  REQUIRE(flat.data == x.data());
}

TEST_CASE("Transform hooks compose and share the generator", "[data][transforms]") {
  const lm::Tensor x = ramp(4, 1, 8, 8);
  const auto t = lm::data::transform::compose(
      {lm::data::transform::uniform_noise(0.1f), lm::data::transform::hflip(1.0f), lm::data::transform::dropout(0.1f)});
  lm::Tensor a = x, b = x;
  lm::rng g1(5), g2(5);
  t(a.view(), g1);
  lm::data::add_uniform_noise(b.view(), 0.1f, g2);
  lm::data::random_hflip(b.view(), g2, 1.0f);
  lm::data::pixel_dropout(b.view(), 0.1f, g2);
  REQUIRE(same(a, b));
}
