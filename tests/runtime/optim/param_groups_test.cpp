// Parameter groups against torch.optim's param_groups (tests/fixtures/groups.txt, written by
// tests/fixtures/gen_optim.py): per-group lr, weight decay and momentum, frozen layers, and a
// scheduler scaling every group; then the errors, checkpoints and the Trainer's view of them.
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

using Net = lm::Sequential<lm::Linear<3, 4>, lm::ReLU, lm::Linear<4, 2>>;  // 0.weight, 0.bias, 2.weight, 2.bias
using M = lm::Model<Net, lm::Shape<3>>;

const lamina_test::fixture& groups_fixture() {
  static const lamina_test::fixture f(std::string(LAMINA_TEST_FIXTURES) + "/groups.txt");
  return f;
}

// Runs five steps with the fixture's gradients, a scheduler step after each, and compares the
// parameters with PyTorch's after every step.
template <class Optimizer, class Scheduler>
void check_against_fixture(const std::string& tag, M& model, Optimizer& o, Scheduler& sched) {
  const auto& f = groups_fixture();
  for (int k = 1; k <= 5; ++k) {
    model.from_host(f.tensor("grad." + std::to_string(k)).values, model.gradients());
    o.step();
    sched.step();
    INFO(tag << " step " << k);
    REQUIRE_THAT(lamina_test::values(model.to_host(model.parameters())),
                 close_to(f.tensor(tag + ".step" + std::to_string(k)), 1e-6, 1e-7));
  }
}
}  // namespace

TEST_CASE("ParamGroups: SGD with per-group weight decay, lr and momentum matches torch.optim", "[optim][groups]") {
  M model(1);
  model.from_host(groups_fixture().tensor("params0").values, model.parameters());
  // PyTorch's groups: {0.weight}, {0.bias, 2.bias: weight_decay 0}, {2.weight: lr 0.02, momentum 0.5}
  opt::ParamGroups<opt::SGD<>> sgd(model, {.lr = 0.1f, .momentum = 0.9f, .weight_decay = 0.01f},
                                   {{.names = {"*.bias"}, .weight_decay = 0.0}, {.layers = {2}, .lr = 0.02, .momentum = 0.5}});
  CHECK(sgd.runs().size() == 4);  // 0.weight | 0.bias | 2.weight | 2.bias: neighbours of one group share a run
  opt::StepLR sched(sgd, {.step_size = 2, .gamma = 0.5});
  check_against_fixture("sgd", model, sgd, sched);
  CHECK(sgd.lr() == Approx(0.1 * 0.25));        // after 5 steps: halved twice
  CHECK(sgd.runs()[2].lr() == Approx(0.02 * 0.25));  // every group by the same factor
}

TEST_CASE("ParamGroups: AdamW with a frozen layer and a group without decay matches torch.optim", "[optim][groups]") {
  M model(1);
  const auto& params0 = groups_fixture().tensor("params0").values;
  model.from_host(params0, model.parameters());
  // PyTorch: layer 2 left out of the optimizer; {0.weight}, {0.bias: weight_decay 0, lr 0.01}
  opt::ParamGroups<opt::AdamW<>> adamw(model, {.lr = 0.05, .weight_decay = 0.1},
                                       {{.names = {"2.*"}, .frozen = true},
                                        {.names = {"0.bias"}, .lr = 0.01, .weight_decay = 0.0}});
  CHECK(adamw.runs().size() == 2);
  opt::ExponentialLR sched(adamw, {.gamma = 0.9});
  check_against_fixture("adamw", model, adamw, sched);
  // the frozen layer never moved
  const auto after = lamina_test::values(model.to_host(model.parameters()));
  CHECK(std::vector<float>(after.begin() + 16, after.end()) == std::vector<float>(params0.begin() + 16, params0.end()));
}

TEST_CASE("ParamGroups: errors name the group, checkpoints and the Trainer take it", "[optim][groups]") {
  M model(1);
  CHECK_THROWS_WITH((opt::ParamGroups<opt::SGD<>>(model, {.lr = 0.1f}, {{.names = {"*.baias"}}})),
                    Catch::Contains("group 0 takes no parameter") && Catch::Contains("0.weight, 0.bias, 2.weight, 2.bias"));
  CHECK_THROWS_WITH((opt::ParamGroups<opt::SGD<>>(model, {.lr = 0.1f}, {{.layers = {1}}})),  // ReLU: no parameters
                    Catch::Contains("group 0 takes no parameter"));
  CHECK_THROWS_WITH((opt::ParamGroups<opt::Adam<>>(model, {}, {{.layers = {0}, .momentum = 0.9}})),
                    Catch::Contains("group 0 sets momentum"));
  CHECK_THROWS_WITH((opt::ParamGroups<opt::SGD<>>(model, {.lr = 0.0f}, {})), Catch::Contains("lr must not be 0"));
  CHECK_THROWS_WITH((opt::ParamGroups<opt::SGD<>>(model, {.lr = 0.1f}, {{.layers = {0}, .lr = -1.0}})),
                    Catch::Contains("lr"));
  CHECK(lm::detail::glob_match("*.bias", "10.bias"));
  CHECK(lm::detail::glob_match("0.?eight", "0.weight"));
  CHECK_FALSE(lm::detail::glob_match("*.bias", "0.bias_hh"));

  // A checkpoint round trip restores every run's state and the scaled learning rates.
  static_assert(opt::CheckpointOptimizer<opt::ParamGroups<opt::Adam<>>>);
  static_assert(opt::Beta1Optimizer<opt::ParamGroups<opt::Adam<>>>);
  static_assert(opt::MomentumOptimizer<opt::ParamGroups<opt::SGD<>>>);
  opt::ParamGroups<opt::Adam<>> a(model, {.lr = 0.1}, {{.layers = {2}, .lr = 0.01}});
  std::vector<float> g(M::param_count, 0.5f);
  model.from_host(g, model.gradients());
  a.step();
  a.set_lr(0.05);
  const lamina_test::temp_dir dir("param_groups");
  lm::train::save_checkpoint(dir / "c.safetensors", model, a, 1);
  M restored(2);
  opt::ParamGroups<opt::Adam<>> b(restored, {.lr = 0.1}, {{.layers = {2}, .lr = 0.01}});
  lm::train::load_checkpoint(dir / "c.safetensors", restored, b);
  CHECK(b.steps() == 1);
  CHECK(b.lr() == Approx(0.05));
  CHECK(b.runs()[1].lr() == Approx(0.005));
  REQUIRE(b.state().size() == a.state().size());
  CHECK(b.state()[0].first == "0.exp_avg");
  CHECK(lamina_test::values(restored.to_host(b.state()[2].second)) == lamina_test::values(model.to_host(a.state()[2].second)));

  // and it trains through lm::train::step like any optimizer
  std::vector<float> x(8 * 3, 0.25f);
  std::vector<float> y(8 * 2, 1.0f);
  const lm::ConstTensorView target{y.data(), lm::make_dims(8, 2)};
  const float first = lm::train::step(model, x, 8, target, lm::loss::MSE{}, a);
  float last = first;
  for (int s = 0; s < 20; ++s) last = lm::train::step(model, x, 8, target, lm::loss::MSE{}, a);
  CHECK(last < first);
}
