// Draws one figure of every kind lm::viz makes, with the bundled faces and made-up training
// curves, into a folder: the pictures of docs/visualisation.md (docs/images/figures/). CTest
// runs it as docs.figure_gallery; by hand:
//   g++ -std=c++20 -O2 -fopenmp -Iinclude docs/images/figure_gallery.cpp -o figure_gallery -lz
//   ./figure_gallery docs/images/figures
#include <lamina/data/olivetti.hpp>
#include <lamina/viz/viz.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace lm = lamina;

namespace {

// Curves shaped like a classifier's training: accuracy rising towards a plateau, loss falling.
struct curves {
  std::vector<double> train_acc, test_acc, train_loss, test_loss, psnr, ssim;
};

curves made_up_training(int epochs) {
  curves c;
  for (int e = 1; e <= epochs; ++e) {
    const double t = double(e);
    const double wobble = 0.004 * std::sin(1.7 * t);
    c.train_acc.push_back(0.93 - 0.17 * std::exp(-t / 4.0) + 0.0008 * t);
    c.test_acc.push_back(0.89 - 0.15 * std::exp(-t / 3.5) + wobble);
    c.train_loss.push_back(0.22 + 0.5 * std::exp(-t / 3.0) - 0.002 * t);
    c.test_loss.push_back(0.31 + 0.42 * std::exp(-t / 3.0) + 0.003 * t + wobble);
    c.psnr.push_back(18 + 9 * (1 - std::exp(-t / 5.0)));
    c.ssim.push_back(0.55 + 0.35 * (1 - std::exp(-t / 4.0)));
  }
  return c;
}

void save_both(const std::filesystem::path& dir, const std::string& name, const lm::viz::plot& p) {
  lm::viz::save_png(dir / (name + ".png"), p);
  lm::viz::save_svg(dir / (name + ".svg"), p);
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : "figures";
  std::filesystem::create_directories(dir);
  const curves c = made_up_training(20);

  // 1. Accuracy per epoch, train and test, with markers.
  lm::viz::plot acc;
  acc.title = "CNN on Fashion-MNIST, lr 1e-3";
  acc.x.label = "epoch";
  acc.y.label = "accuracy";
  acc.add(c.train_acc, "train").style.mark = lm::viz::marker::circle;
  acc.add(c.test_acc, "test").style.mark = lm::viz::marker::square;
  save_both(dir, "plot_accuracy", acc);

  // 2. Two y axes: loss and PSNR on the left, SSIM on the right (dashed).
  lm::viz::plot two;
  two.title = "Autoencoder (64, 96), lr 1e-3";
  two.x.label = "epoch";
  two.y.label = "loss x 100, PSNR (dB)";
  two.y2.label = "SSIM";
  std::vector<double> loss100;
  for (double v : c.train_loss) loss100.push_back(100 * v * 0.1);
  two.add(loss100, "loss x 100");
  two.add(c.psnr, "PSNR");
  auto& s = two.add(c.ssim, "SSIM", lm::viz::side::right);
  s.style.line = lm::viz::line_style::dashed;
  s.style.mark = lm::viz::marker::triangle;
  save_both(dir, "plot_two_axes", two);

  // 3. A log-scale loss, train and test.
  lm::viz::plot loss;
  loss.title = "MLP, training and test loss";
  loss.x.label = "epoch";
  loss.y.label = "cross-entropy";
  loss.y.log = true;
  loss.add(c.train_loss, "train");
  loss.add(c.test_loss, "test").style.line = lm::viz::line_style::dashed;
  save_both(dir, "plot_log", loss);

  // 4. A grid with a title and captions: faces as a layer's weights would be shown.
  const auto faces = lm::data::load_olivetti_faces();
  const lm::ConstTensorView sixteen{faces.images.data(), lm::make_dims(16, 1, 64, 64)};
  lm::viz::grid_options g;
  g.cols = 8;
  g.title = "Olivetti faces, subjects 0 and 1";
  for (int i = 0; i < 16; ++i) g.captions.push_back("subject " + std::to_string(i / 10) + "." + std::to_string(i % 10));
  lm::viz::save_png(dir / "grid.png", lm::viz::grid(sixteen, g));

  // 5. Labelled rows with captions: clean, noisy and a smoothed "reconstruction".
  constexpr std::size_t n = 6, side = 64;
  std::vector<float> clean(faces.images.data(), faces.images.data() + n * side * side), noisy(clean), recon(clean);
  std::uint32_t state = 12345;  // uniform noise in [-0.4, 0.4] from a small LCG, the same on every machine
  for (float& v : noisy) {
    state = state * 1664525u + 1013904223u;
    v = std::clamp(v + 0.8f * (float(state >> 8) / float(1u << 24) - 0.5f), 0.f, 1.f);
  }
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t y = 1; y + 1 < side; ++y)
      for (std::size_t x = 1; x + 1 < side; ++x) {
        float sum = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) sum += noisy[(k * side + y + dy) * side + x + dx];
        recon[(k * side + y) * side + x] = sum / 9;
      }
  const auto dims = lm::make_dims(n, 1, side, side);
  std::vector<std::string> names;
  for (std::size_t k = 0; k < n; ++k) names.push_back("face " + std::to_string(10 * k));
  lm::viz::grid_options r;
  r.norm = lm::viz::normalize::range(0.f, 1.f);
  r.title = "Denoising, noise +-0.4";
  lm::viz::save_png(dir / "rows.png", lm::viz::rows({{"clean", {clean.data(), dims}, names},
                                                     {"noisy", {noisy.data(), dims}, names},
                                                     {"reconstructed", {recon.data(), dims}, names}},
                                                    r));

  // 6. Feature maps: one face through six 3x3 filters (edges, blur, sharpen).
  const float filters[6][9] = {{-1, 0, 1, -2, 0, 2, -1, 0, 1}, {-1, -2, -1, 0, 0, 0, 1, 2, 1},
                               {0, 1, 0, 1, -4, 1, 0, 1, 0},   {1, 1, 1, 1, 1, 1, 1, 1, 1},
                               {0, -1, 0, -1, 5, -1, 0, -1, 0}, {2, 1, 0, 1, 0, -1, 0, -1, -2}};
  std::vector<float> maps(6 * side * side, 0.f);
  for (std::size_t f = 0; f < 6; ++f)
    for (std::size_t y = 1; y + 1 < side; ++y)
      for (std::size_t x = 1; x + 1 < side; ++x) {
        float sum = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) sum += filters[f][(dy + 1) * 3 + dx + 1] * clean[(y + dy) * side + x + dx];
        maps[(f * side + y) * side + x] = sum;
      }
  lm::viz::grid_options m;
  m.title = "conv1 feature maps";
  lm::viz::save_png(dir / "feature_maps.png", lm::viz::feature_maps({maps.data(), lm::make_dims(6, side, side)}, m));
  std::printf("figure_gallery: wrote 6 figures (PNG, and SVG for the plots) to %s\n", dir.string().c_str());
}
