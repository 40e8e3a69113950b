// The learning-rate range test (lm::train::find_lr) against the same test run in PyTorch
// (tests/fixtures/lr_finder.txt, written by tests/fixtures/gen_optim.py with torch 2.15.0): the
// lr schedule, the smoothed losses, the stop on divergence and the suggestion; the model and
// optimizer come back as they were; bad options are named.
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "runtime/fixture.hpp"
#include "runtime/temp_dir.hpp"

namespace {
namespace lm = lamina;
using lamina_test::close_to;
using M = lm::Model<lm::Linear<3, 1>, lm::Shape<3>>;

const lamina_test::fixture& lr_fixture() {
  static const lamina_test::fixture f(std::string(LAMINA_TEST_FIXTURES) + "/lr_finder.txt");
  return f;
}
std::vector<float> as_floats(const std::vector<double>& v) { return {v.begin(), v.end()}; }
std::vector<float> host(M& m, lm::TensorView v) { return lamina_test::values(m.to_host(v)); }
}  // namespace

TEST_CASE("find_lr runs torch-lr-finder's range test and restores the model and optimizer", "[train][lr_finder]") {
  const auto& f = lr_fixture();
  M model(0);
  model.from_host(f.tensor("weight").values, model.parameter("weight"));
  model.from_host(f.tensor("bias").values, model.parameter("bias"));
  const auto x = f.tensor("x").values, y = f.tensor("y").values;
  lm::data::RegressionLoader loader(x, y, 3, lm::make_dims(1), {.batch_size = 8, .shuffle = false});
  lm::optim::SGD sgd(model, {.lr = 0.5f, .momentum = 0.9f});
  const auto before = host(model, model.parameters());

  // The settings of gen_optim.py's LR_FINDER.
  const auto r = lm::train::find_lr(model, loader, lm::loss::MSE{}, sgd,
                                    {.start_lr = 1e-3, .end_lr = 3.0, .num_iter = 24, .smoothing = 0.05,
                                     .diverge_threshold = 5.0});
  REQUIRE(r.diverged);
  REQUIRE(r.lrs.size() == f.tensor("lrs").size());  // stopped one iteration before num_iter
  REQUIRE_THAT(as_floats(r.lrs), close_to(f.tensor("lrs"), 1e-6, 0));
  REQUIRE_THAT(as_floats(r.losses), close_to(f.tensor("losses"), 1e-4, 0));
  REQUIRE(r.suggested_lr == Approx(f.scalar("suggested_lr")).epsilon(1e-6));
  REQUIRE(r.min_loss_lr == r.lrs[std::size_t(std::min_element(r.losses.begin(), r.losses.end()) - r.losses.begin())]);

  // Put back: weights, lr, step count, momentum buffer (none yet: SGD starts it on its first step).
  REQUIRE(host(model, model.parameters()) == before);
  REQUIRE(sgd.lr() == 0.5f);
  REQUIRE(sgd.steps() == 0);
  REQUIRE(host(model, sgd.momentum_buffer()) == std::vector<float>(4, 0.f));

  // The plot: loss against lr on a log axis, the suggestion marked.
  const lm::viz::plot p = r.plot();
  REQUIRE(p.x.log);
  REQUIRE(p.curves.size() == 2);
  REQUIRE(p.curves[1].x == std::vector<double>{r.suggested_lr});
  lamina_test::temp_dir dir("lamina_lr_finder");
  lm::viz::save_svg(dir / "lr.svg", p);
  REQUIRE(std::filesystem::file_size(dir / "lr.svg") > 1000);
}

TEST_CASE("find_lr: a short run suggests nothing, linear steps, bad options are named", "[train][lr_finder]") {
  M model(1);
  std::vector<float> x(16 * 3, 0.1f), y(16, 0.2f);
  lm::data::RegressionLoader loader(x, y, 3, lm::make_dims(1), {.batch_size = 4});
  lm::optim::Adam adam(model, {.lr = 1e-3});
  const auto r = lm::train::find_lr(model, loader, lm::loss::MSE{}, adam,
                                    {.start_lr = 0.1, .end_lr = 0.5, .num_iter = 5, .exponential = false});
  REQUIRE(r.lrs.size() == 5);
  REQUIRE(r.lrs[2] == Approx(0.3));
  REQUIRE(std::isnan(r.suggested_lr));  // fewer points than skip_start + skip_end + 2
  REQUIRE(adam.steps() == 0);
  REQUIRE(adam.lr() == 1e-3);

  REQUIRE_THROWS_WITH(lm::train::find_lr(model, loader, lm::loss::MSE{}, adam, {.start_lr = 1.0, .end_lr = 0.5}),
                      Catch::Contains("lr_finder_options::end_lr must be finite and above start_lr"));
  REQUIRE_THROWS_WITH(lm::train::find_lr(model, loader, lm::loss::MSE{}, adam, {.num_iter = 1}),
                      Catch::Contains("num_iter must be at least 2, got 1"));
  REQUIRE_THROWS_WITH(lm::train::find_lr(model, loader, lm::loss::MSE{}, adam, {.smoothing = 1.0}),
                      Catch::Contains("smoothing must be in [0, 1)"));
}

namespace {
// A loader that fails at its third batch, to check that find_lr puts everything back anyway.
struct failing_loader {
  lm::data::RegressionLoader inner;
  std::size_t batches() const { return inner.batches(); }
  void start_epoch(std::size_t e) { inner.start_epoch(e); }
  auto batch(std::size_t b) {
    if (b == 2) throw std::runtime_error("disk gone");
    return inner.batch(b);
  }
};
}  // namespace

TEST_CASE("find_lr puts the model, its generator and the optimizer back, also when it fails", "[train][lr_finder]") {
  using Net = lm::Sequential<lm::Linear<3, 8>, lm::Dropout<0.5f>, lm::Linear<8, 1>>;
  lm::Model<Net, lm::Shape<3>> model(4);
  std::vector<float> x(32 * 3, 0.3f), y(32, 0.1f);
  lm::data::RegressionLoader loader(x, y, 3, lm::make_dims(1), {.batch_size = 8});
  lm::optim::Adam adam(model, {.lr = 1e-3});
  const lm::Tensor before = model.to_host(model.parameters());
  lm::rng expected = model.generator();
  lm::train::find_lr(model, loader, lm::loss::MSE{}, adam, {.num_iter = 6});
  REQUIRE(model.generator()() == expected());  // dropout draws as if find_lr never ran

  failing_loader failing{lm::data::RegressionLoader(x, y, 3, lm::make_dims(1), {.batch_size = 8})};
  REQUIRE_THROWS_WITH(lm::train::find_lr(model, failing, lm::loss::MSE{}, adam, {.num_iter = 6}),
                      Catch::Contains("disk gone"));
  const lm::Tensor after = model.to_host(model.parameters());
  REQUIRE(std::equal(after.begin(), after.end(), before.begin()));
  REQUIRE(adam.steps() == 0);
  REQUIRE(adam.lr() == 1e-3);
  for (const auto& [name, view] : adam.state()) REQUIRE(lamina_test::values(model.to_host(view)) == std::vector<float>(view.size(), 0.f));
}
