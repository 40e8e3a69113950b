// What happens off the happy path of training: data of the wrong size, empty batches, NaN
// losses and gradients, an optimizer of another model, conflicting callbacks, bad optimizer
// options, and checkpoints that must not load (all-or-nothing resume) or must resume exactly.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <span>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/temp_dir.hpp"

namespace lm = lamina;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {
constexpr auto silent = lm::train::progress_bar::style::silent;

std::vector<float> ramp(std::size_t n, float scale = 0.01f) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = scale * float(int(i % 17) - 8);
  return v;
}
std::vector<std::int32_t> classes(std::size_t n, std::int32_t c) {
  std::vector<std::int32_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = std::int32_t(i % std::size_t(c));
  return v;
}

using ImageNet = lm::Sequential<lm::Conv2d<3, 4, 3, 1, 1>, lm::ReLU, lm::MaxPool2d<2>, lm::Flatten, lm::Linear<256, 10>>;
using ImageModel = lm::Model<ImageNet, lm::Shape<3, 16, 16>>;

using Net = lm::Sequential<lm::Linear<6, 16>, lm::ReLU, lm::Dropout<0.3f>, lm::Linear<16, 3>>;
using M = lm::Model<Net, lm::Shape<6>>;

std::vector<float> values(lm::TensorView v) { return {v.begin(), v.end()}; }

// A loss that is finite but hands back a NaN gradient (as a bad custom loss would).
struct nan_gradient_loss {
  float operator()(lm::ConstTensorView y, std::span<const std::int32_t>, lm::TensorView grad) const {
    if (grad.data) {
      for (float& g : grad) g = 0.f;
      grad[1] = std::numeric_limits<float>::quiet_NaN();
    }
    return float(y.size());
  }
};
}  // namespace

TEST_CASE("A loader or batch of the wrong size is an error naming both sizes", "[train][hardening]") {
  // Grey 1x16x16 images for a model that takes 3x16x16.
  const auto grey = ramp(40 * 256);
  const auto labels = classes(40, 10);
  lm::data::ClassificationLoader loader(grey, labels, 256, {.batch_size = 8});
  ImageModel model(1);
  lm::optim::SGD opt(model, {.lr = 0.01f});
  lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = silent});
  REQUIRE_THROWS_WITH(trainer.fit(loader, 1), Contains("256 floats") && Contains("[3, 16, 16] has 768"));
  REQUIRE_THROWS_WITH(trainer.evaluate(loader), Contains("evaluation loader"));

  const auto x = ramp(2 * 768);
  REQUIRE_THROWS_WITH(model.forward(x, 3), Contains("got 1536 input values for a batch of 3, expected 2304"));
  REQUIRE_THROWS_WITH(lm::train::step(model, x, 3, std::vector<std::int32_t>{0, 1, 2}, lm::loss::CrossEntropy{}, opt),
                      Contains("expected 2304"));
  REQUIRE_THROWS_WITH(lm::train::step(model, x, 2, std::vector<std::int32_t>{0}, lm::loss::CrossEntropy{}, opt),
                      Contains("1 labels for a batch of 2"));
  REQUIRE_THROWS_WITH(lm::testing::check_gradients(model, std::span<const float>(x).first(700), 1),
                      Contains("check_gradients"));
  REQUIRE_THROWS_WITH(model.predict(std::span<const float>(x).first(700)), Contains("multiple of 768"));
  // The right sizes work, and predict() gives every sample's output in evaluation mode.
  REQUIRE(lm::train::step(model, x, 2, std::vector<std::int32_t>{0, 1}, lm::loss::CrossEntropy{}, opt) > 0);
  const lm::Tensor p = model.predict(x, 1);
  REQUIRE(p.shape() == lm::make_dims(2, 10));
  REQUIRE(model.is_training());
}

TEST_CASE("Zero-sized batches are named errors, not crashes", "[train][hardening]") {
  M model(1);
  lm::optim::SGD opt(model, {.lr = 0.01f});
  const std::vector<float> none;
  REQUIRE_THROWS_WITH(model.forward(none, 0), Contains("a batch of 0 samples"));
  REQUIRE_THROWS_WITH(lm::train::step(model, none, 0, std::vector<std::int32_t>{}, lm::loss::CrossEntropy{}, opt),
                      Contains("0 samples"));
  const std::vector<float> logits;
  REQUIRE_THROWS_WITH(lm::loss::CrossEntropy{}(lm::ConstTensorView{logits.data(), lm::make_dims(0, 3)},
                                               std::span<const std::int32_t>{}),
                      Contains("no samples"));
  REQUIRE_THROWS_WITH(lm::loss::MSE{}(lm::ConstTensorView{logits.data(), lm::make_dims(0, 3)},
                                      lm::ConstTensorView{logits.data(), lm::make_dims(0, 3)}),
                      Contains("no values"));
  const std::vector<std::int32_t> no_labels;
  lm::data::ClassificationLoader empty(none, no_labels, 6, {.batch_size = 4});
  lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = silent});
  REQUIRE_THROWS_WITH(trainer.fit(empty, 1), Contains("no batches"));
}

TEST_CASE("An optimizer built for another model is refused", "[train][hardening]") {
  M model(1), other(2);
  lm::optim::Adam opt(other, {.lr = 1e-3});
  const auto x = ramp(4 * 6);
  REQUIRE_THROWS_WITH(lm::train::step(model, x, 4, classes(4, 3), lm::loss::CrossEntropy{}, opt),
                      Contains("another model"));
  REQUIRE_THROWS_WITH(lm::train::Trainer(model, lm::loss::CrossEntropy{}, opt), Contains("another model"));
  // An optimizer over a part of this model's parameters (fine-tuning the last layer) is fine.
  const auto last = model.parameter("3.weight");
  const std::size_t n = last.size() + model.parameter("3.bias").size();
  const std::size_t off = std::size_t(last.data - model.parameters().data);
  lm::optim::SGD head({last.data, lm::make_dims(n)}, {model.gradients().data + off, lm::make_dims(n)}, {.lr = 0.1f});
  const auto first_layer = values(model.parameter("0.weight"));
  REQUIRE(lm::train::step(model, x, 4, classes(4, 3), lm::loss::CrossEntropy{}, head) > 0);
  REQUIRE(values(model.parameter("0.weight")) == first_layer);
}

TEST_CASE("Optimizer options and step counts are range-checked", "[optim][hardening]") {
  M model(1);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  REQUIRE_THROWS_WITH(lm::optim::SGD(model, {.lr = nan}), Contains("lr must be >= 0, got nan"));
  REQUIRE_THROWS_WITH(lm::optim::SGD(model, {.lr = 0.1f, .momentum = INFINITY}), Contains("momentum"));
  REQUIRE_THROWS_WITH(lm::optim::Adam(model, {.lr = double(nan)}), Contains("lr"));
  REQUIRE_THROWS_WITH(lm::optim::RMSprop(model, {.eps = -1.0}), Contains("eps"));
  lm::optim::SGD sgd(model, {.lr = 0.1f});
  REQUIRE_THROWS_WITH(sgd.set_lr(nan), Contains("lr must be a finite float, got nan"));
  REQUIRE_THROWS_WITH(sgd.set_lr(1e300), Contains("lr must be a finite float"));
  REQUIRE_THROWS_WITH(sgd.set_steps(std::numeric_limits<std::size_t>::max()), Contains("2^53"));
  lm::optim::Adam adam(model, {});
  REQUIRE_THROWS_WITH(adam.set_steps(std::numeric_limits<std::size_t>::max()), Contains("2^53"));
  REQUIRE(sgd.steps() == 0);
  REQUIRE(sgd.lr() == 0.1f);
}

TEST_CASE("A non-finite loss or gradient stops the Trainer, naming epoch, batch and quantity", "[train][hardening]") {
  auto x = ramp(64 * 6);
  const auto y = classes(64, 3);
  x[6 * 20] = std::numeric_limits<float>::quiet_NaN();  // sample 20: in batch 3 of 8 without shuffling
  lm::data::ClassificationLoader loader(x, y, 6, {.batch_size = 8, .shuffle = false});
  {
    M model(1);
    lm::optim::SGD opt(model, {.lr = 0.1f});
    lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = silent});
    try {
      trainer.fit(loader, 2);
      FAIL("fit() went on with a NaN loss");
    } catch (const lm::train::nonfinite_error& e) {
      REQUIRE(e.epoch() == 1);
      REQUIRE(e.batch() == 3);
      REQUIRE(e.quantity() == "loss");
      REQUIRE_THAT(e.what(), Contains("epoch 1, batch 3 of 8") && Contains("find_nonfinite"));
    }
    // Stopped before that batch's update: the weights are still finite.
    for (float v : model.parameters()) REQUIRE(std::isfinite(v));
    // find_nonfinite points at the input of that batch.
    const auto b = loader.batch(2);
    const auto r = lm::testing::find_nonfinite(model, b.x, b.size);
    REQUIRE(r.found);
    REQUIRE(r.quantity == "input");
  }
  {  // warn: carries on to the end, with a warning.
    M model(1);
    lm::optim::SGD opt(model, {.lr = 0.1f});
    lamina_test::temp_dir dir("lamina_nonfinite");
    std::FILE* log = std::fopen((dir / "log.txt").c_str(), "w+");
    lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt,
                               {.progress = silent, .out = log, .nonfinite = lm::train::on_nonfinite::warn});
    REQUIRE(trainer.fit(loader, 2).epochs.size() == 2);
    std::fclose(log);
    std::ifstream in(dir / "log.txt");
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    REQUIRE_THAT(text, Contains("warning: the loss is nan at epoch 1, batch 3 of 8"));
  }
  {  // A finite loss whose gradient is NaN.
    const auto clean = ramp(64 * 6);
    lm::data::ClassificationLoader ok(clean, y, 6, {.batch_size = 8, .shuffle = false});
    M model(1);
    lm::optim::SGD opt(model, {.lr = 0.1f});
    lm::train::Trainer trainer(model, nan_gradient_loss{}, opt, {.progress = silent});
    REQUIRE_THROWS_WITH(trainer.fit(ok, 1), Contains("gradients hold NaN or infinite values at epoch 1, batch 1"));
  }
}

TEST_CASE("find_nonfinite names the first layer that produces a NaN, forward and backward", "[testing][hardening]") {
  M model(1);
  const auto x = ramp(4 * 6);
  const auto gen = model.generator().state();
  REQUIRE_FALSE(lm::testing::find_nonfinite(model, x, 4).found);
  REQUIRE(model.generator().state() == gen);  // the model is not changed, its generator included
  // Weights that overflow: layer 0 produces infinities from finite values.
  const auto w0 = values(model.parameter("0.weight"));
  for (float& w : model.parameter("0.weight")) w = 3e38f;
  auto huge = lm::testing::find_nonfinite(model, std::vector<float>(4 * 6, 10.f), 4);
  REQUIRE(huge.found);
  REQUIRE(huge.layer == 0);
  REQUIRE(huge.quantity == "output");
  std::copy(w0.begin(), w0.end(), model.parameter("0.weight").begin());
  // Backward: an overflowing dLoss/dOutput makes the last layer's gradients overflow first.
  std::vector<float> big(4 * 3, 3e38f);
  for (float& w : model.parameter("3.weight")) w = 1e30f;
  huge = lm::testing::find_nonfinite(model, x, 4, big);
  REQUIRE(huge.found);
  REQUIRE(huge.layer == 3);
  M fresh(1);
  std::copy(fresh.parameters().begin(), fresh.parameters().end(), model.parameters().begin());
  model.parameter("3.bias")[1] = INFINITY;
  auto r = lm::testing::find_nonfinite(model, x, 4);
  REQUIRE(r.found);
  REQUIRE(r.layer == 3);
  REQUIRE(r.quantity == "parameter");
  REQUIRE(r.tensor == "3.bias");
  REQUIRE_THAT(r.message(), Contains("layer 3 (Linear)"));
  model.parameter("3.bias")[1] = 0.f;
  // Backward: a NaN in dLoss/dOutput reaches the last layer's weight gradient first.
  std::vector<float> dy(4 * 3, 0.1f);
  dy[2] = std::numeric_limits<float>::quiet_NaN();
  r = lm::testing::find_nonfinite(model, x, 4, dy);
  REQUIRE(r.found);
  REQUIRE(r.layer == 3);
  REQUIRE(r.quantity == "parameter gradient");
  REQUIRE(r.tensor == "3.weight");
}

TEST_CASE("Two callbacks that restore weights are refused at fit()", "[train][hardening]") {
  const auto x = ramp(32 * 6);
  const auto y = classes(32, 3);
  lm::data::ClassificationLoader loader(x, y, 6, {.batch_size = 8});
  M model(1);
  lm::optim::SGD opt(model, {.lr = 0.1f});
  lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = silent});
  trainer.add_callback(std::make_shared<lm::train::KeepBest>(
      lm::train::KeepBest::options{.monitor = "loss", .mode = lm::train::goal::minimize, .restore_at_end = true}));
  trainer.add_callback(std::make_shared<lm::train::EarlyStopping>(lm::train::EarlyStopping::options{.monitor = "loss"}));
  REQUIRE_THROWS_WITH(trainer.fit(loader, 1), Contains("KeepBest{.restore_at_end = true}") &&
                                                  Contains("EarlyStopping{.restore_best = true}"));
  // One restorer is fine.
  lm::train::Trainer one(model, lm::loss::CrossEntropy{}, opt, {.progress = silent});
  one.add_callback(std::make_shared<lm::train::KeepBest>(
      lm::train::KeepBest::options{.monitor = "loss", .mode = lm::train::goal::minimize, .restore_at_end = true}));
  one.add_callback(std::make_shared<lm::train::EarlyStopping>(
      lm::train::EarlyStopping::options{.monitor = "loss", .restore_best = false}));
  REQUIRE(one.fit(loader, 1).epochs.size() == 1);
}

namespace {
// Trains `epochs` epochs of a Dropout network with Adam; the loader shuffles.
struct dropout_run {
  std::vector<float> x = ramp(96 * 6, 0.05f);
  std::vector<std::int32_t> y = classes(96, 3);
  lm::data::ClassificationLoader loader{x, y, 6, {.batch_size = 16, .seed = 3}};
  M model{7};
  lm::optim::Adam<> opt{model, {.lr = 1e-2}};
  lm::train::Trainer<M, lm::loss::CrossEntropy, lm::optim::Adam<>> trainer{model, lm::loss::CrossEntropy{}, opt,
                                                                         {.progress = silent}};
};
}  // namespace

TEST_CASE("Resume is bit-identical with Dropout (the generator is in the checkpoint)", "[train][hardening][checkpoint]") {
  lamina_test::temp_dir dir("lamina_resume_dropout");
  dropout_run straight;
  straight.trainer.fit(straight.loader, 2);

  dropout_run first;
  first.trainer.fit(first.loader, 1);
  first.trainer.save_checkpoint(dir / "e1.safetensors");
  dropout_run resumed;  // a fresh process would start like this
  resumed.trainer.resume(dir / "e1.safetensors");
  resumed.trainer.fit(resumed.loader, 2);

  REQUIRE(values(resumed.model.parameters()) == values(straight.model.parameters()));
  REQUIRE(values(resumed.opt.exp_avg()) == values(straight.opt.exp_avg()));
  REQUIRE(resumed.trainer.get_history().last().get("loss") == straight.trainer.get_history().last().get("loss"));
}

TEST_CASE("A checkpoint with bad counters, lr, history or generator does not resume, and changes nothing",
          "[train][hardening][checkpoint]") {
  lamina_test::temp_dir dir("lamina_bad_checkpoints");
  dropout_run source;
  source.trainer.fit(source.loader, 2);
  const fs::path good = dir / "good.safetensors";
  source.trainer.save_checkpoint(good);
  const auto file = lm::io::read_safetensors(good);

  struct bad_case {
    const char* key;
    std::string value;  // "" with erase: the key is removed
    const char* expect;
    bool erase = false;
  };
  const std::vector<bad_case> cases = {
      {"epoch", "18446744073709551615", "__metadata__.epoch"},
      {"epoch", "-5", "expected an integer"},
      {"epoch", "nan", "__metadata__.epoch"},
      {"epoch", "1e300", "__metadata__.epoch"},
      {"epoch", "3", "__metadata__.history"},  // the history has 2 epochs
      {"epoch", "", "missing", true},
      {"optimizer.steps", "-5", "__metadata__.optimizer.steps"},
      {"optimizer.steps", "1e300", "__metadata__.optimizer.steps"},
      {"optimizer.steps", "18446744073709551615", "__metadata__.optimizer.steps"},
      {"optimizer.lr", "nan", "__metadata__.optimizer.lr"},
      {"optimizer.lr", "inf", "__metadata__.optimizer.lr"},
      {"optimizer.lr", "1e300", "__metadata__.optimizer.lr"},
      {"optimizer.lr", "0.1abc", "__metadata__.optimizer.lr"},
      {"history", "1 0.5 100 loss=1\n3 0.5 100 loss=1\n", "expected epoch 2"},
      {"history", "1 0.5 100 loss=1\n", "the history has 1 epochs, expected 2"},
      {"history", "1 0.5 100 loss=oops\n2 1 1 loss=1\n", "expected a number"},
      {"generator", "0 0 0 0 0 0", "__metadata__.generator"},
      {"generator", "zz", "__metadata__.generator"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.key << " = " << c.value) {
      auto meta = file.metadata;
      if (c.erase) meta.erase(c.key);
      else meta[c.key] = c.value;
      const fs::path bad = dir / "bad.safetensors";
      lm::io::write_safetensors(bad, file.tensors, meta);

      dropout_run target;
      target.trainer.fit(target.loader, 1);
      const auto params = values(target.model.parameters());
      const auto exp_avg = values(target.opt.exp_avg());
      const auto steps = target.opt.steps();
      const double lr = target.opt.lr();
      const auto gen = target.model.generator().state();
      REQUIRE_THROWS_WITH(target.trainer.resume(bad), Contains("bad.safetensors") && Contains(c.expect));
      REQUIRE(values(target.model.parameters()) == params);
      REQUIRE(values(target.opt.exp_avg()) == exp_avg);
      REQUIRE(target.opt.steps() == steps);
      REQUIRE(target.opt.lr() == lr);
      REQUIRE(target.model.generator().state() == gen);
      REQUIRE(target.trainer.get_history().epochs.size() == 1);
    }
  }
  // A missing optimizer tensor, after the model's tensors checked out: the model is untouched.
  auto tensors = file.tensors;
  std::erase_if(tensors, [](const lm::io::tensor_record& t) { return t.name == "optimizer.exp_avg_sq"; });
  lm::io::write_safetensors(dir / "no_state.safetensors", tensors, file.metadata);
  dropout_run target;
  const auto params = values(target.model.parameters());
  REQUIRE_THROWS_WITH(target.trainer.resume(dir / "no_state.safetensors"), Contains("optimizer.exp_avg_sq"));
  REQUIRE(values(target.model.parameters()) == params);
  // And the good file resumes.
  target.trainer.resume(good);
  REQUIRE(target.trainer.get_history().epochs.size() == 2);
  REQUIRE(values(target.model.parameters()) == values(source.model.parameters()));
}

TEST_CASE("The broken checkpoints of tests/data/broken/checkpoint do not resume, and change nothing",
          "[train][hardening][checkpoint][broken]") {
  const fs::path dir = fs::path(LAMINA_TEST_FIXTURES) / ".." / "data" / "broken" / "checkpoint";
  const std::map<std::string, std::string> expected = {
      {"epoch_huge.safetensors", "__metadata__.epoch: expected an integer in [0, 10000000]"},
      {"epoch_negative.safetensors", "__metadata__.epoch: expected an integer"},
      {"epoch_nan.safetensors", "__metadata__.epoch: expected an integer"},
      {"epoch_1e300.safetensors", "__metadata__.epoch: expected an integer"},
      {"epoch_missing.safetensors", "__metadata__.epoch: missing"},
      {"epoch_after_history.safetensors", "__metadata__.history: the history has 2 epochs, expected 3"},
      {"steps_negative.safetensors", "__metadata__.optimizer.steps: expected an integer"},
      {"steps_1e300.safetensors", "__metadata__.optimizer.steps: expected an integer"},
      {"steps_max.safetensors", "__metadata__.optimizer.steps: expected an integer in [0, 9007199254740992]"},
      {"lr_nan.safetensors", "__metadata__.optimizer.lr: expected a finite number"},
      {"lr_inf.safetensors", "__metadata__.optimizer.lr: expected a finite number"},
      {"lr_1e300.safetensors", "__metadata__.optimizer.lr: expected a finite number"},
      {"lr_trailing.safetensors", "__metadata__.optimizer.lr: expected a finite number"},
      {"history_gap.safetensors", "__metadata__.history: line 2: expected epoch 2"},
      {"history_short.safetensors", "__metadata__.history: the history has 1 epochs, expected 2"},
      {"history_value.safetensors", "__metadata__.history: line 1: expected a number"},
      {"generator_zero.safetensors", "__metadata__.generator: expected the generator state"},
      {"generator_text.safetensors", "__metadata__.generator: expected the generator state"},
      {"no_optimizer_state.safetensors", "tensor 'optimizer.exp_avg_sq': missing"},
      {"missing_weight.safetensors", "tensor '3.weight': missing"},
  };
  std::set<std::string> on_disk;
  for (const auto& entry : fs::directory_iterator(dir)) on_disk.insert(entry.path().filename().string());
  std::set<std::string> listed;
  for (const auto& [name, _] : expected) listed.insert(name);
  REQUIRE(on_disk == listed);

  dropout_run target;
  target.trainer.fit(target.loader, 1);
  const auto params = values(target.model.parameters());
  const auto exp_avg = values(target.opt.exp_avg());
  const auto steps = target.opt.steps();
  const auto gen = target.model.generator().state();
  for (const auto& [name, message] : expected) {
    INFO(name);
    REQUIRE_THROWS_WITH(target.trainer.resume(dir / name), Contains((dir / name).string()) && Contains(message));
    REQUIRE(values(target.model.parameters()) == params);
    REQUIRE(values(target.opt.exp_avg()) == exp_avg);
    REQUIRE(target.opt.steps() == steps);
    REQUIRE(target.model.generator().state() == gen);
    REQUIRE(target.trainer.get_history().epochs.size() == 1);
  }
}

TEST_CASE("Metric names that a checkpoint's history cannot hold are refused", "[train][hardening]") {
  M model(1);
  lm::optim::SGD opt(model, {.lr = 0.1f});
  lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = silent});
  auto m = lm::train::accuracy();
  m.name = "top 5";
  REQUIRE_THROWS_WITH(trainer.add_metric(m), Contains("\"top 5\""));
  m.name = "a=b";
  REQUIRE_THROWS_WITH(trainer.add_metric(m), Contains("'='"));
}

TEST_CASE("predict gives forward's outputs in evaluation mode", "[train][hardening]") {
  M model(1);
  const auto x = ramp(5 * 6);
  const lm::Tensor p = model.predict(x, 2);
  model.eval();
  const auto y = model.forward(x, 5);
  REQUIRE(std::vector<float>(p.span().begin(), p.span().end()) == std::vector<float>(y.begin(), y.end()));
}

TEST_CASE("A scheduler that refuses its state leaves scheduler, optimizer and model as they were, and "
          "checkpoints without a generator still load", "[train][hardening][checkpoint]") {
  lamina_test::temp_dir dir("lamina_scheduler_rollback");
  M model(1);
  lm::optim::SGD opt(model, {.lr = 0.1f, .momentum = 0.9f});
  lm::optim::StepLR sched(opt, {.step_size = 2, .gamma = 0.5});
  sched.step();
  lm::train::save_checkpoint(dir / "ok.safetensors", model, opt, 1, &sched);
  const auto file = lm::io::read_safetensors(dir / "ok.safetensors");

  auto meta = file.metadata;
  meta.erase("scheduler.base_lr");
  lm::io::write_safetensors(dir / "bad.safetensors", file.tensors, meta);
  M other(2);
  lm::optim::SGD other_opt(other, {.lr = 0.3f, .momentum = 0.9f});
  lm::optim::StepLR other_sched(other_opt, {.step_size = 2, .gamma = 0.5});
  const auto params = values(other.parameters());
  const auto state = other_sched.state();
  REQUIRE_THROWS_WITH(lm::train::load_checkpoint(dir / "bad.safetensors", other, other_opt, &other_sched),
                      Contains("bad.safetensors") && Contains("base_lr"));
  REQUIRE(values(other.parameters()) == params);
  REQUIRE(other_opt.lr() == 0.3f);
  REQUIRE(other_sched.state() == state);

  meta = file.metadata;
  meta.erase("generator");  // written before checkpoints carried it
  lm::io::write_safetensors(dir / "old.safetensors", file.tensors, meta);
  const auto gen = other.generator().state();
  REQUIRE(lm::train::load_checkpoint(dir / "old.safetensors", other, other_opt, &other_sched).epoch == 1);
  REQUIRE(values(other.parameters()) == values(model.parameters()));
  REQUIRE(other.generator().state() == gen);  // left as it was
}
