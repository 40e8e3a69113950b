// Synthetic balls: counting images (labels match the balls drawn) and bouncing sequences.
#include <catch2/catch.hpp>

#include <lamina/data/balls.hpp>
#include <lamina/data/bouncing_balls.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace lm = lamina;

namespace {
// 8-connected blobs of pixels above `threshold` in an h x w image.
std::size_t count_blobs(const float* img, std::size_t h, std::size_t w, float threshold) {
  std::vector<int> seen(h * w, 0);
  std::vector<std::size_t> stack;
  std::size_t blobs = 0;
  for (std::size_t i = 0; i < h * w; ++i) {
    if (seen[i] || img[i] <= threshold) continue;
    ++blobs;
    stack.push_back(i);
    seen[i] = 1;
    while (!stack.empty()) {
      const std::size_t p = stack.back();
      stack.pop_back();
      const long r = long(p / w), c = long(p % w);
      for (long dr = -1; dr <= 1; ++dr)
        for (long dc = -1; dc <= 1; ++dc) {
          const long rr = r + dr, cc = c + dc;
          if (rr < 0 || cc < 0 || rr >= long(h) || cc >= long(w)) continue;
          const std::size_t q = std::size_t(rr) * w + std::size_t(cc);
          if (!seen[q] && img[q] > threshold) seen[q] = 1, stack.push_back(q);
        }
    }
  }
  return blobs;
}
double mass(const float* p, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += p[i];
  return s;
}
}  // namespace

TEST_CASE("Balls: labels are the number of separate balls drawn", "[data][balls]") {
  const lm::data::balls_options o{.count = 600, .seed = 11};
  const auto set = lm::data::make_balls(o);
  REQUIRE(set.images.shape() == lm::make_dims(600, 1, 32, 32));
  REQUIRE(set.size() == 600);
  std::array<std::size_t, 3> per_class{};
  std::array<double, 3> mass_per_class{};
  for (std::size_t i = 0; i < set.size(); ++i) {
    const float* img = set.images.data() + i * 1024;
    const auto label = set.labels[i];
    REQUIRE(label >= 0);
    REQUIRE(label <= 2);
    REQUIRE(set.balls[i].size() == std::size_t(label + 1));
    // Balls never touch by default, so each is its own blob (threshold: half the dimmest level).
    REQUIRE(count_blobs(img, 32, 32, 0.5f * o.min_level) == std::size_t(label + 1));
    for (const auto& b : set.balls[i]) {  // fully inside the frame
      REQUIRE(b.x - b.radius >= 0.0f);
      REQUIRE(b.y - b.radius >= 0.0f);
      REQUIRE(b.x + b.radius <= 32.0f);
      REQUIRE(b.y + b.radius <= 32.0f);
    }
    ++per_class[std::size_t(label)];
    mass_per_class[std::size_t(label)] += mass(img, 1024);
  }
  for (std::size_t k = 0; k < 3; ++k) {  // balanced classes: 200 expected each
    CHECK(per_class[k] > 150);
    CHECK(per_class[k] < 250);
    mass_per_class[k] /= double(per_class[k]);
  }
  REQUIRE(mass_per_class[0] < mass_per_class[1]);  // more balls, more light
  REQUIRE(mass_per_class[1] < mass_per_class[2]);
  const auto [lo, hi] = std::minmax_element(set.images.data(), set.images.data() + set.images.size());
  REQUIRE(*lo == 0.0f);
  REQUIRE(*hi <= 1.0f);
}

TEST_CASE("Balls: deterministic for a seed, a prefix of a larger set, colour and harder variants", "[data][balls]") {
  const auto a = lm::data::make_balls({.count = 50, .seed = 3});
  const auto b = lm::data::make_balls({.count = 80, .seed = 3});
  const auto c = lm::data::make_balls({.count = 50, .seed = 4});
  REQUIRE(std::equal(a.images.data(), a.images.data() + a.images.size(), b.images.data()));
  REQUIRE(std::equal(a.labels.begin(), a.labels.end(), b.labels.begin()));
  REQUIRE_FALSE(std::equal(a.images.data(), a.images.data() + a.images.size(), c.images.data()));

  const auto colour = lm::data::make_balls({.count = 20, .size = 64, .channels = 3, .seed = 1});
  REQUIRE(colour.images.shape() == lm::make_dims(20, 3, 64, 64));
  bool coloured = false;  // some pixel has unequal channels
  for (std::size_t i = 0; i < 64 * 64 && !coloured; ++i)
    coloured = colour.images[i] != colour.images[64 * 64 + i] || colour.images[i] != colour.images[2 * 64 * 64 + i];
  REQUIRE(coloured);

  const auto hard = lm::data::make_balls(lm::data::balls_options::harder({.count = 300, .seed = 9}));
  REQUIRE(hard.images.shape() == lm::make_dims(300, 1, 32, 32));
  bool touching = false, noisy = false;
  for (std::size_t i = 0; i < hard.size(); ++i) {
    const auto& bs = hard.balls[i];
    for (std::size_t p = 0; p < bs.size(); ++p)
      for (std::size_t q = p + 1; q < bs.size(); ++q)
        touching |= std::hypot(bs[p].x - bs[q].x, bs[p].y - bs[q].y) < bs[p].radius + bs[q].radius + 1.0f;
    noisy |= hard.images[i * 1024] > 0.0f;  // the corner pixel is never inside a ball
    for (const auto& b : bs) REQUIRE(b.radius <= 4.5f);
  }
  REQUIRE(touching);
  REQUIRE(noisy);
}

TEST_CASE("Anti-aliased discs: full inside, partial on the edge, area close to pi r^2", "[data][balls]") {
  lm::data::ball b;
  b.x = 16.0f, b.y = 16.0f, b.radius = 5.3f;
  lm::Tensor img(lm::make_dims(1, 32, 32));
  lm::data::render_balls(std::span<const lm::data::ball>(&b, 1), img.view());
  REQUIRE(img[15 * 32 + 15] == 1.0f);
  bool partial = false;
  for (float v : img.view()) partial |= v > 0.0f && v < 1.0f;
  REQUIRE(partial);
  REQUIRE(mass(img.data(), img.size()) == Approx(3.14159265 * 5.3 * 5.3).epsilon(0.02));
}

TEST_CASE("Bouncing balls stay inside the frame, conserve energy, and make aligned next-frame pairs",
          "[data][bouncing_balls]") {
  const lm::data::bouncing_balls_options o{.sequences = 20, .frames = 40, .size = 32, .max_speed = 3.0f, .seed = 5};
  const auto seqs = lm::data::make_bouncing_balls(o);
  REQUIRE(seqs.frames.shape() == lm::make_dims(20, 40, 1, 32, 32));
  std::size_t bounces = 0;
  for (std::size_t s = 0; s < 20; ++s) {
    auto energy = [&](std::size_t t) {
      double e = 0;
      for (const auto& b : seqs.states[s][t]) e += double(b.radius * b.radius) * (b.vx * b.vx + b.vy * b.vy);
      return e;
    };
    for (std::size_t t = 0; t < 40; ++t) {
      for (std::size_t i = 0; i < seqs.states[s][t].size(); ++i) {
        const auto& b = seqs.states[s][t][i];
        REQUIRE(b.x - b.radius >= -1e-4f);
        REQUIRE(b.y - b.radius >= -1e-4f);
        REQUIRE(b.x + b.radius <= 32.0f + 1e-4f);
        REQUIRE(b.y + b.radius <= 32.0f + 1e-4f);
        if (t > 0 && (std::signbit(b.vx) != std::signbit(seqs.states[s][t - 1][i].vx))) ++bounces;
      }
      REQUIRE(energy(t) == Approx(energy(0)).epsilon(1e-3));
    }
  }
  REQUIRE(bounces > 0);
  // The balls move: consecutive frames differ.
  REQUIRE_FALSE(std::equal(seqs.frames.data(), seqs.frames.data() + 1024, seqs.frames.data() + 1024));

  const auto pairs = lm::data::next_frame_pairs(seqs, 3);
  REQUIRE(pairs.inputs.shape() == lm::make_dims(20 * 37, 3, 32, 32));
  REQUIRE(pairs.targets.shape() == lm::make_dims(20 * 37, 1, 32, 32));
  // Sample (s = 4, t = 10): inputs are frames 7, 8, 9 and the target frame 10.
  const std::size_t i = 4 * 37 + (10 - 3);
  const float* seq = seqs.frames.data() + 4 * 40 * 1024;
  for (std::size_t k = 0; k < 3; ++k)
    REQUIRE(std::equal(seq + (7 + k) * 1024, seq + (8 + k) * 1024, pairs.inputs.data() + (i * 3 + k) * 1024));
  REQUIRE(std::equal(seq + 10 * 1024, seq + 11 * 1024, pairs.targets.data() + i * 1024));

  const auto again = lm::data::make_bouncing_balls(o);
  REQUIRE(std::equal(again.frames.data(), again.frames.data() + again.frames.size(), seqs.frames.data()));
  const auto big = lm::data::make_bouncing_balls({.sequences = 2, .frames = 5, .size = 64, .channels = 3, .seed = 1});
  REQUIRE(big.frames.shape() == lm::make_dims(2, 5, 3, 64, 64));
}
