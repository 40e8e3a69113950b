// A tour of lamina's data sets: loads each one, prints shapes, a few statistics and load
// times, and writes a PNG grid of samples of each to the results folder.
//
//   datasets_tour [--out results/datasets_tour] [--quick] [--seed 0] [--threads N] [--help]
//
// Data: Fashion-MNIST from Debian's dataset-fashion-mnist (or $LAMINA_FASHION_MNIST_DIR; skipped
// with a note when absent), faces and photos from lamina's data/ folder (or $LAMINA_DATA_DIR),
// balls generated. --quick makes smaller synthetic sets (used by CTest). --seed S shifts the
// seeds of the random draws (noise, patches, balls; S + 0 ... S + 3).
#include <lamina/data/balls.hpp>
#include <lamina/data/bouncing_balls.hpp>
#include <lamina/data/coordinate_grid.hpp>
#include <lamina/data/data_dir.hpp>
#include <lamina/data/fashion_mnist.hpp>
#include <lamina/data/loader.hpp>
#include <lamina/data/olivetti.hpp>
#include <lamina/data/patches.hpp>
#include <lamina/data/photos.hpp>
#include <lamina/data/split.hpp>
#include <lamina/data/transforms.hpp>
#include <lamina/viz/grid.hpp>
#include <lamina/viz/png.hpp>

#include <algorithm>
#include <array>
#include "../common/command_line.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace lm = lamina;
namespace fs = std::filesystem;

namespace {

struct stats {
  double mean = 0, stddev = 0, lo = 0, hi = 0;
};
stats stats_of(const float* p, std::size_t n) {
  stats s{0, 0, p[0], p[0]};
  for (std::size_t i = 0; i < n; ++i) {
    s.mean += p[i];
    s.lo = std::min<double>(s.lo, p[i]);
    s.hi = std::max<double>(s.hi, p[i]);
  }
  s.mean /= double(n);
  for (std::size_t i = 0; i < n; ++i) s.stddev += (p[i] - s.mean) * (p[i] - s.mean);
  s.stddev = std::sqrt(s.stddev / double(n));
  return s;
}
void print(const char* name, const lm::dims& shape, const float* p, double ms) {
  const stats s = stats_of(p, shape.size());
  std::printf("%-34s %-20s mean %.3f  std %.3f  range [%.2f, %.2f]  %7.1f ms\n", name, lm::to_string(shape).c_str(),
              s.mean, s.stddev, s.lo, s.hi, ms);
}
double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}
// The first n samples of a [N, ...] tensor as a view.
lm::ConstTensorView first(const lm::Tensor& t, std::size_t n) {
  lm::dims s = t.shape();
  s.d[0] = std::min(n, s[0]);
  return {t.data(), s};
}

}  // namespace

int main(int argc, char** argv) try {
  fs::path out = "results/datasets_tour";
  bool quick = false;
  std::uint64_t seed = 0;
  examples::cli cli("datasets_tour",
                    "Loads each of lamina's data sets (Fashion-MNIST if installed, the Olivetti faces, the photos, "
                    "their 64x64 patches and coordinate grids, the generated balls and bouncing-ball sequences), "
                    "prints its shape, statistics and load time, and writes a PNG grid of samples of each to --out.");
  cli.option("--out DIR", out, "where the PNG grids go");
  cli.flag("--quick", quick, "smaller generated sets (CTest runs it)");
  cli.option("--seed N", seed, "first seed of the random draws (noise, patches, balls)");
  cli.parse(argc, argv);
  fs::create_directories(out);
  std::printf("data folder: %s\n\n", lm::data::default_data_dir().string().c_str());
  using clock = std::chrono::steady_clock;
  lm::viz::grid_options g;
  g.cols = 10;

  // Fashion-MNIST (Debian package; optional here).
  try {
    auto t = clock::now();
    const auto train = lm::data::load_fashion_mnist(lm::data::split::train);
    const double ms = ms_since(t);
    print("Fashion-MNIST train images", lm::make_dims(train.size, 1, 28, 28), train.images.data(), ms);
    const auto s = lm::data::split_indices(train.size, {.validation = 1.0 / 6.0, .seed = seed});
    std::printf("  split 5:1 -> train %zu, validation %zu\n", s.train.size(), s.validation.size());
    const auto val = lm::data::subset(train, s.validation);
    lm::data::ClassificationLoader loader(val.images, val.labels, val.sample_size(), {.batch_size = 256, .prefetch = true});
    t = clock::now();
    loader.start_epoch(0);
    for (std::size_t b = 0; b < loader.batches(); ++b) (void)loader.batch(b);
    std::printf("  one epoch of %zu batches with prefetch: %.1f ms\n", loader.batches(), ms_since(t));
    lm::viz::save_png(out / "fashion_mnist.png", lm::viz::grid({train.images.data(), lm::make_dims(30, 1, 28, 28)}, g));
  } catch (const lm::data::format_error& e) {
    std::printf("Fashion-MNIST: skipped (%s)\n", e.what());
  }

  // Olivetti faces.
  auto t = clock::now();
  const auto faces = lm::data::load_olivetti_faces();
  print("Olivetti faces", faces.images.shape(), faces.images.data(), ms_since(t));
  std::printf("  %zu subjects, labels %d..%d\n", lm::data::olivetti_subjects, faces.labels.front(), faces.labels.back());
  lm::rng gen(seed);
  const lm::Tensor noisy = lm::data::with(first(faces.images, 10), [&](lm::TensorView x) {
    lm::data::add_uniform_noise(x, 0.4f, gen);
  });
  print("  + uniform noise +-0.4 (10 faces)", noisy.shape(), noisy.data(), 0);
  lm::viz::save_png(out / "faces.png", lm::viz::rows({{"clean", first(faces.images, 10)}, {"noisy", noisy.view()}}));

  // Photos.
  std::vector<lm::Tensor> rgb;
  for (const auto& p : lm::data::photos) {
    t = clock::now();
    lm::Tensor img = lm::data::load_photo(p.file);
    print(("photo " + std::string(p.file)).c_str(), img.shape(), img.data(), ms_since(t));
    if (p.channels == 3 && p.height <= 600) rgb.push_back(std::move(img));
  }

  // Patches for the autoencoder.
  t = clock::now();
  const auto patches =
      lm::data::make_patches(rgb, {.size = 64, .count = quick ? 200u : 2000u, .validation = 0.25, .seed = seed + 1});
  const double patch_ms = ms_since(t);
  print("64x64 patches, train", patches.train.shape(), patches.train.data(), patch_ms);
  print("64x64 patches, validation", patches.validation.shape(), patches.validation.data(), 0);
  lm::viz::save_png(out / "patches.png", lm::viz::grid(first(patches.train, 30), g));

  // Coordinate grid (INR) of the sky photo, and a 4x denser query grid.
  t = clock::now();
  const auto sky = lm::data::make_coordinate_set(lm::data::load_photo("rocket"));
  print("rocket: coordinates", sky.coords.shape(), sky.coords.data(), ms_since(t));
  print("rocket: colours", sky.targets.shape(), sky.targets.data(), 0);
  const lm::Tensor dense = lm::data::coordinate_grid(4 * sky.height, 4 * sky.width);
  print("rocket: 4x grid (coordinates only)", dense.shape(), dense.data(), 0);

  // Balls: counting, a harder test set, bouncing sequences.
  const std::size_t n_balls = quick ? 300 : 3000;
  t = clock::now();
  const auto balls = lm::data::make_balls({.count = n_balls, .seed = seed + 1});
  print("balls (count 1-3)", balls.images.shape(), balls.images.data(), ms_since(t));
  std::array<std::size_t, 3> per_class{};
  for (auto l : balls.labels) ++per_class[std::size_t(l)];
  std::printf("  classes (1, 2, 3 balls): %zu / %zu / %zu\n", per_class[0], per_class[1], per_class[2]);
  const auto hard = lm::data::make_balls(lm::data::balls_options::harder({.count = n_balls / 5, .seed = seed + 2}));
  print("balls, harder test set", hard.images.shape(), hard.images.data(), 0);
  std::vector<std::string> captions;
  for (std::size_t i = 0; i < 20; ++i) captions.push_back(std::to_string(balls.labels[i] + 1));
  lm::viz::grid_options gb = g;
  gb.captions = captions;
  lm::viz::save_png(out / "balls.png", lm::viz::grid(first(balls.images, 20), gb));
  lm::viz::save_png(out / "balls_harder.png", lm::viz::grid(first(hard.images, 20), g));

  t = clock::now();
  const auto seqs =
      lm::data::make_bouncing_balls({.sequences = quick ? 20u : 200u, .frames = 20, .size = 32, .seed = seed + 3});
  print("bouncing balls sequences", seqs.frames.shape(), seqs.frames.data(), ms_since(t));
  const auto pairs = lm::data::next_frame_pairs(seqs, 3);
  print("  next-frame inputs (3 frames)", pairs.inputs.shape(), pairs.inputs.data(), 0);
  print("  next-frame targets", pairs.targets.shape(), pairs.targets.data(), 0);
  lm::viz::save_png(out / "bouncing_balls.png",
                    lm::viz::grid({seqs.frames.data(), lm::make_dims(20, 1, 32, 32)}, g));  // sequence 0, frames 0..19
  std::printf("\nsample grids written to %s\n", out.string().c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "datasets_tour: %s\n", e.what());
  return 1;
}
