// The exponential moving average of weights (lm::optim::EMA) against torch.optim.swa_utils'
// AveragedModel(get_ema_multi_avg_fn(decay), use_buffers=True) (tests/fixtures/ema.txt, written
// by tests/fixtures/gen_optim.py with torch 2.15.0), then as an optimizer: in the Trainer
// (evaluate_averaged, KeepBest), in checkpoints and under a scheduler.
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "runtime/fixture.hpp"
#include "runtime/temp_dir.hpp"

namespace {
namespace lm = lamina;
namespace opt = lamina::optim;
using lamina_test::close_to;

using Net = lm::Sequential<lm::Linear<4, 3>, lm::BatchNorm1d<3>>;
using M = lm::Model<Net, lm::Shape<4>>;

const lamina_test::fixture& ema_fixture() {
  static const lamina_test::fixture f(std::string(LAMINA_TEST_FIXTURES) + "/ema.txt");
  return f;
}
// Every state_dict tensor of the model: parameters, then buffers.
std::vector<std::pair<std::string, lm::TensorView>> state_dict(M& m) {
  std::vector<std::pair<std::string, lm::TensorView>> out;
  for (const auto& p : m.named_parameters()) out.emplace_back(p.name, p.value);
  for (const auto& b : m.named_buffers()) out.emplace_back(b.name, b.value);
  return out;
}
std::vector<float> host(M& m, lm::TensorView v) { return lamina_test::values(m.to_host(v)); }
}  // namespace

TEST_CASE("EMA matches AveragedModel(get_ema_multi_avg_fn, use_buffers=True)", "[optim][ema]") {
  const auto& f = ema_fixture();
  for (const auto& [tag, decay] : {std::pair{"ema", 0.8}, std::pair{"ema_large_weight", 0.3}}) {
    M model(1);
    opt::SGD sgd(model, {.lr = 0.f});
    opt::EMA ema(model, sgd, {.decay = decay});
    for (int k = 1; k <= 4; ++k) {
      for (auto& [name, view] : state_dict(model))
        model.from_host(f.tensor("model." + std::to_string(k) + "." + name).values, view);
      ema.update();
      ema.swap_weights();  // the averages into the model, to read them by name
      for (auto& [name, view] : state_dict(model)) {
        INFO(tag << " update " << k << " " << name);
        REQUIRE_THAT(host(model, view), close_to(f.tensor(std::string(tag) + "." + std::to_string(k) + "." + name),
                                                 1e-6, 1e-7));
      }
      ema.swap_weights();
      // and back: the model holds its own weights again
      REQUIRE(host(model, model.parameter("0.weight")) == f.tensor("model." + std::to_string(k) + ".0.weight").values);
    }
  }
}

TEST_CASE("EMA without buffers keeps the model's, copy_to_model, an optimizer for the rest of lamina",
          "[optim][ema]") {
  M model(2);
  opt::SGD sgd(model, {.lr = 0.1f, .momentum = 0.9f});
  opt::EMA ema(model, sgd, {.decay = 0.5, .use_buffers = false});
  STATIC_REQUIRE(opt::CheckpointOptimizer<decltype(ema)>);
  STATIC_REQUIRE(opt::MomentumOptimizer<decltype(ema)>);
  STATIC_REQUIRE(!opt::Beta1Optimizer<decltype(ema)>);
  STATIC_REQUIRE(opt::AveragingOptimizer<decltype(ema)>);
  REQUIRE(ema.averaged_buffers().size() == 0);
  REQUIRE(ema.state().size() == 3);  // momentum_buffer, ema.parameters, ema.n_averaged
  REQUIRE(ema.n_averaged() == 0);

  // A scheduler drives the wrapped optimizer's lr through the EMA.
  opt::StepLR sched(ema, {.step_size = 1, .gamma = 0.5});
  std::vector<float> x(8 * 4);
  lm::rng g(3);
  for (float& v : x) v = g.normal(0.f, 1.f);
  std::vector<float> y_values(8 * 3, 0.25f);
  const lm::ConstTensorView y{y_values.data(), lm::make_dims(8, 3)};
  const auto before = host(model, model.parameters());
  lm::train::step(model, x, 8, y, lm::loss::MSE{}, ema);  // SGD's step, then the first update: a copy
  sched.step();
  REQUIRE(sgd.lr() == Approx(0.05));
  const auto after_one = host(model, model.parameters());
  REQUIRE(after_one != before);
  REQUIRE(host(model, ema.averaged_parameters()) == after_one);
  lm::train::step(model, x, 8, y, lm::loss::MSE{}, ema);
  const auto after_two = host(model, model.parameters());
  const auto avg = host(model, ema.averaged_parameters());
  for (std::size_t i = 0; i < avg.size(); ++i) REQUIRE(avg[i] == Approx(0.5f * (after_one[i] + after_two[i])));
  ema.copy_to_model();
  REQUIRE(host(model, model.parameters()) == avg);

  // Wrapped around an optimizer that has stepped already, the first update still copies, also
  // after set_steps (what resuming and find_lr call).
  opt::EMA late(model, sgd, {.decay = 0.9});
  late.set_steps(sgd.steps());
  REQUIRE(late.n_averaged() == 0);
  late.update();
  REQUIRE(host(model, late.averaged_parameters()) == host(model, model.parameters()));

  REQUIRE_THROWS_WITH(opt::EMA(model, sgd, {.decay = 1.5}), Catch::Contains("EMA: decay must be in [0, 1], got 1.5"));
  M other(3);
  REQUIRE_THROWS_WITH(opt::EMA(other, sgd), Catch::Contains("the optimizer updates another model's parameters"));
}

TEST_CASE("The Trainer evaluates the averaged weights when asked, checkpoints keep the averages", "[optim][ema]") {
  lm::rng g(4);
  std::vector<float> x(64 * 4), t(64 * 3);
  for (float& v : x) v = g.normal(0.f, 1.f);
  for (std::size_t i = 0; i < 64; ++i)
    for (std::size_t j = 0; j < 3; ++j) t[i * 3 + j] = x[i * 4 + j] - 0.5f * x[i * 4 + 3];
  lm::data::RegressionLoader loader(x, t, 4, lm::make_dims(3), {.batch_size = 16, .seed = 1});
  lamina_test::temp_dir dir("lamina_ema");

  M model(5);
  opt::Adam adam(model, {.lr = 1e-2});
  opt::EMA ema(model, adam, {.decay = 0.9});
  lm::train::Trainer trainer(model, lm::loss::MSE{}, ema,
                             {.progress = lm::train::progress_bar::style::silent, .evaluate_averaged = true});
  trainer.fit(loader, 3);
  const auto own = host(model, model.parameters());
  const double averaged_loss = trainer.evaluate(loader).at("loss");
  REQUIRE(host(model, model.parameters()) == own);  // swapped back
  // The same loss as the averaged weights copied into a model of their own.
  M copy(0);
  copy.from_host(host(model, ema.averaged_parameters()), copy.parameters());
  copy.from_host(host(model, ema.averaged_buffers()), copy.state());
  opt::SGD unused(copy, {.lr = 0.f});
  lm::train::Trainer plain(copy, lm::loss::MSE{}, unused, {.progress = lm::train::progress_bar::style::silent});
  REQUIRE(plain.evaluate(loader).at("loss") == Approx(averaged_loss).epsilon(1e-6));
  lm::train::Trainer own_weights(model, lm::loss::MSE{}, ema, {.progress = lm::train::progress_bar::style::silent});
  REQUIRE(own_weights.evaluate(loader).at("loss") != Approx(averaged_loss).epsilon(1e-3));

  // A checkpoint carries the averages; resuming restores them.
  trainer.save_checkpoint(dir / "ema.safetensors");
  M resumed_model(9);
  opt::Adam adam2(resumed_model, {.lr = 1e-2});
  opt::EMA ema2(resumed_model, adam2, {.decay = 0.9});
  lm::train::Trainer resumed(resumed_model, lm::loss::MSE{}, ema2,
                             {.progress = lm::train::progress_bar::style::silent, .evaluate_averaged = true});
  resumed.resume(dir / "ema.safetensors");
  REQUIRE(host(resumed_model, ema2.averaged_parameters()) == host(model, ema.averaged_parameters()));
  REQUIRE(ema2.n_averaged() == ema.n_averaged());
  REQUIRE(ema.n_averaged() == 3 * 4);  // 64 samples in batches of 16, 3 epochs
  REQUIRE(resumed.evaluate(loader).at("loss") == Approx(averaged_loss).epsilon(1e-6));

  // evaluate_averaged needs an averaging optimizer.
  REQUIRE_THROWS_WITH(
      lm::train::Trainer(copy, lm::loss::MSE{}, unused, {.evaluate_averaged = true}),
      Catch::Contains("evaluate_averaged needs an optimizer that keeps averaged weights"));
}
