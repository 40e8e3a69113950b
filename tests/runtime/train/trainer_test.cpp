// The Trainer: metrics per epoch, validation, callbacks (early stopping, keep-best, CSV),
// resuming from a checkpoint exactly where training stopped, and regression targets.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <filesystem>
#include <fstream>
#include <vector>

namespace lm = lamina;
namespace fs = std::filesystem;

namespace {
// Three Gaussian blobs in 4-D: learnable to ~100 % accuracy.
struct blobs {
  std::vector<float> x;
  std::vector<std::int32_t> y;
  blobs(std::size_t n, std::uint64_t seed) {
    lm::rng g(seed);
    for (std::size_t i = 0; i < n; ++i) {
      const auto c = std::int32_t(g.below(3));
      y.push_back(c);
      for (std::size_t d = 0; d < 4; ++d) x.push_back(g.normal(d == std::size_t(c) ? 2.f : 0.f, 0.5f));
    }
  }
};
using Net = lm::Sequential<lm::Linear<4, 16>, lm::ReLU, lm::Linear<16, 3>>;
using M = lm::Model<Net, lm::Shape<4>>;
fs::path temp_dir() {
  auto d = fs::temp_directory_path() / ("lamina_trainer_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}
}  // namespace

TEST_CASE("fit records loss and metrics, and learns", "[train][trainer]") {
  blobs train(300, 1), val(90, 2);
  lm::data::ClassificationLoader tl(train.x, train.y, 4, {.batch_size = 32, .seed = 1});
  lm::data::ClassificationLoader vl(val.x, val.y, 4, {.batch_size = 64, .shuffle = false});
  M model(3);
  lm::optim::SGD opt(model, {.lr = 0.1f, .momentum = 0.9f});
  lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = lm::train::progress_bar::style::silent});
  trainer.add_metric(lm::train::accuracy());
  const auto& h = trainer.fit(tl, 5, &vl);
  REQUIRE(h.epochs.size() == 5);
  REQUIRE(h.epochs[4].get("loss") < h.epochs[0].get("loss"));
  REQUIRE(h.last().get("val_accuracy") > 0.9);
  REQUIRE(h.last().get("lr") == Approx(0.1));
  REQUIRE(h.last().samples_per_second > 0);
  const auto eval = trainer.evaluate(vl);
  REQUIRE(eval.at("accuracy") == Approx(h.last().get("val_accuracy")));
  REQUIRE(model.is_training());
}

TEST_CASE("Early stopping stops, keep-best saves the best epoch, the CSV log is complete", "[train][trainer]") {
  const auto dir = temp_dir();
  blobs train(200, 3), val(60, 4);
  lm::data::ClassificationLoader tl(train.x, train.y, 4, {.batch_size = 50, .seed = 2});
  lm::data::ClassificationLoader vl(val.x, val.y, 4, {.batch_size = 60, .shuffle = false});
  M model(5);
  lm::optim::SGD opt(model, {.lr = 0.0f});  // nothing changes, so nothing improves after epoch 1
  lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = lm::train::progress_bar::style::silent});
  auto stop = std::make_shared<lm::train::EarlyStopping>(lm::train::EarlyStopping::options{.monitor = "val_loss", .patience = 2});
  auto best = std::make_shared<lm::train::KeepBest>(
      lm::train::KeepBest::options{.monitor = "val_loss", .mode = lm::train::goal::minimize, .path = dir / "best.safetensors"});
  trainer.add_callback(stop).add_callback(best).add_callback(std::make_shared<lm::train::CSVLogger>(dir / "log.csv"));
  const auto& h = trainer.fit(tl, 10, &vl);
  REQUIRE(h.epochs.size() == 3);
  REQUIRE(stop->stopped_epoch() == 3);
  REQUIRE(best->best_epoch() == 1);
  REQUIRE(fs::exists(dir / "best.safetensors"));
  std::ifstream csv(dir / "log.csv");
  std::string header, line;
  std::getline(csv, header);
  REQUIRE(header == "epoch,loss,lr,val_loss,seconds,samples_per_second");
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  REQUIRE(rows == 3);
  // A monitor that is never recorded is a clear error.
  lm::train::Trainer bad(model, lm::loss::CrossEntropy{}, opt, {.progress = lm::train::progress_bar::style::silent});
  bad.add_callback(std::make_shared<lm::train::EarlyStopping>(lm::train::EarlyStopping::options{.monitor = "val_acc"}));
  REQUIRE_THROWS_WITH(bad.fit(tl, 1, &vl), Catch::Contains("'val_acc'") && Catch::Contains("val_loss"));
  fs::remove_all(dir);
}

TEST_CASE("Resuming from a checkpoint continues exactly where training stopped", "[train][trainer][checkpoint]") {
  const auto dir = temp_dir();
  blobs train(160, 5);
  auto run = [&](bool interrupted) {
    lm::data::ClassificationLoader tl(train.x, train.y, 4, {.batch_size = 32, .seed = 7});
    auto model = std::make_unique<M>(11);
    lm::optim::Adam opt(*model, {.lr = 1e-2});
    lm::train::Trainer trainer(*model, lm::loss::CrossEntropy{}, opt, {.progress = lm::train::progress_bar::style::silent});
    if (!interrupted) {
      trainer.fit(tl, 4);
      return std::vector<float>(model->parameters().begin(), model->parameters().end());
    }
    trainer.fit(tl, 2);
    trainer.save_checkpoint(dir / "ckpt.safetensors");
    auto fresh = std::make_unique<M>(99);
    lm::optim::Adam opt2(*fresh, {.lr = 1e-2});
    lm::train::Trainer resumed(*fresh, lm::loss::CrossEntropy{}, opt2, {.progress = lm::train::progress_bar::style::silent});
    resumed.resume(dir / "ckpt.safetensors");
    REQUIRE(resumed.get_history().epochs.size() == 2);
    REQUIRE(opt2.steps() == opt.steps());
    const auto& h = resumed.fit(tl, 4);
    REQUIRE(h.epochs.size() == 4);
    REQUIRE(h.epochs[0].get("loss") == trainer.get_history().epochs[0].get("loss"));
    return std::vector<float>(fresh->parameters().begin(), fresh->parameters().end());
  };
  REQUIRE(run(false) == run(true));
  fs::remove_all(dir);
}

TEST_CASE("fit trains regression targets with a PSNR metric", "[train][trainer]") {
  // An autoencoder-like identity task on 8-D vectors in [0, 1].
  lm::rng g(1);
  std::vector<float> x(256 * 8);
  for (float& v : x) v = g.uniform();
  lm::data::RegressionLoader loader(x, x, 8, lm::make_dims(8), {.batch_size = 32});
  lm::Model<lm::Sequential<lm::Linear<8, 32>, lm::ReLU, lm::Linear<32, 8>, lm::Sigmoid>, lm::Shape<8>> model(2);
  lm::optim::Adam opt(model, {.lr = 1e-2});
  lm::train::Trainer trainer(model, lm::loss::MSE{}, opt, {.progress = lm::train::progress_bar::style::plain});
  trainer.add_metric(lm::train::psnr());
  const auto& h = trainer.fit(loader, 8, &loader);
  REQUIRE(h.last().get("val_psnr") > h.epochs[0].get("val_psnr"));
  REQUIRE(h.last().get("val_psnr") > 15);
}

TEST_CASE("The progress bar shows the running metrics, and validation has its own bar", "[train][trainer]") {
  blobs train(96, 5), val(48, 6);
  lm::data::ClassificationLoader tl(train.x, train.y, 4, {.batch_size = 16, .seed = 1});
  lm::data::ClassificationLoader vl(val.x, val.y, 4, {.batch_size = 16, .shuffle = false});
  auto output_of = [&](lm::train::progress_bar::style style) {
    M model(3);
    lm::optim::SGD opt(model, {.lr = 0.1f});
    std::FILE* out = std::tmpfile();
    lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = style, .out = out});
    trainer.add_metric(lm::train::accuracy());
    trainer.fit(tl, 1, &vl);
    trainer.evaluate(vl);
    std::rewind(out);
    std::string text;
    for (int c; (c = std::fgetc(out)) != EOF;) text += char(c);
    std::fclose(out);
    return text;
  };
  const std::string terminal = output_of(lm::train::progress_bar::style::terminal);
  CHECK(terminal.find("epoch 1/1 [") != std::string::npos);
  CHECK(terminal.find(" accuracy ") != std::string::npos);            // the running metric
  CHECK(terminal.find("epoch 1/1 validation [") != std::string::npos);  // validation's bar
  CHECK(terminal.find("evaluation [") != std::string::npos);           // evaluate()'s
  // Plain output (logs) keeps one summary line per epoch and no evaluation lines.
  const std::string plain = output_of(lm::train::progress_bar::style::plain);
  CHECK(plain.find("accuracy") != std::string::npos);
  CHECK(plain.find("validation") == std::string::npos);
  CHECK(plain.find("evaluation") == std::string::npos);
}
