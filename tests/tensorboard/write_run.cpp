// The lamina side of the TensorBoard check (driven by check_tensorboard.py):
//   tensorboard_run DIR  ->  DIR/run/events.out.tfevents.*: a Trainer run logged by
//                            TensorBoardLogger, plus an image and a text; DIR/expected.txt:
//                            every value it should hold, one per line:
//     scalar TAG STEP VALUE | histogram TAG STEP NUM MIN MAX SUM | image TAG STEP WIDTH HEIGHT | text TAG STEP
#include <lamina/lamina.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

namespace lm = lamina;

namespace {
// Records what TensorBoardLogger is expected to log per batch (every second step).
struct batch_losses : lm::train::callback {
  std::vector<std::pair<std::size_t, double>> logged;
  void on_batch_end(const lm::train::batch_record& b, lm::train::callback_context&) override {
    if (b.step % 2 == 0) logged.emplace_back(b.step, b.loss);
  }
  void on_epoch_end(const lm::train::history&, lm::train::callback_context&) override {}
};
}  // namespace

int main(int argc, char** argv) try {
  if (argc != 2) throw std::invalid_argument("usage: tensorboard_run DIR");
  const std::filesystem::path dir = argv[1];
  using Net = lm::Sequential<lm::Linear<4, 8>, lm::ReLU, lm::Linear<8, 3>>;
  lm::Model<Net, lm::Shape<4>> model(1);
  lm::rng g(2);
  std::vector<float> x(60 * 4);
  std::vector<std::int32_t> y(60);
  for (std::size_t i = 0; i < 60; ++i) {
    y[i] = std::int32_t(i % 3);
    for (std::size_t d = 0; d < 4; ++d) x[i * 4 + d] = g.normal(d == std::size_t(y[i]) ? 1.5f : 0.f, 0.5f);
  }
  lm::data::ClassificationLoader loader(x, y, 4, {.batch_size = 16, .seed = 3});
  lm::optim::SGD opt(model, {.lr = 0.1f, .momentum = 0.9f});
  lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = lm::train::progress_bar::style::silent});
  trainer.add_metric(lm::train::accuracy());
  auto tb = std::make_shared<lm::train::TensorBoardLogger>(lm::train::TensorBoardLogger::options{
      .logdir = dir / "run", .log_every_n_steps = 2, .hparams = {{"lr", "0.1"}, {"momentum", "0.9"}}});
  auto losses = std::make_shared<batch_losses>();
  trainer.add_callback(tb).add_callback(losses);
  const auto& h = trainer.fit(loader, 3, &loader);

  lm::viz::image picture(12, 7, lm::viz::rgb{10, 200, 30});
  tb->writer().add_image("picture", picture, 3);
  tb->writer().add_text("note", "lamina wrote this", 3);

  std::ofstream out(dir / "expected.txt");
  out.precision(9);
  for (const auto& [step, loss] : losses->logged) out << "scalar batch/loss " << step << ' ' << loss << '\n';
  for (const auto& r : h.epochs) {
    for (const auto& [name, v] : r.values) out << "scalar epoch/" << name << ' ' << r.epoch << ' ' << v << '\n';
    out << "scalar epoch/samples_per_second " << r.epoch << ' ' << r.samples_per_second << '\n';
  }
  // The histograms of the last epoch: the weights and gradients as they are now.
  for (const auto& p : model.named_parameters())
    for (const auto& [kind, view] : {std::pair{"weights/", p.value}, std::pair{"gradients/", p.grad}}) {
      const lm::Tensor t = model.to_host(view);
      const auto [lo, hi] = std::minmax_element(t.begin(), t.end());
      out << "histogram " << kind << p.name << " 3 " << t.size() << ' ' << *lo << ' ' << *hi << ' '
          << std::accumulate(t.begin(), t.end(), 0.0) << '\n';
    }
  out << "image picture 3 12 7\ntext note 3\ntext hparams 0\n";
  if (!out) throw std::runtime_error("cannot write " + (dir / "expected.txt").string());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "tensorboard_run: %s\n", e.what());
  return 1;
}
