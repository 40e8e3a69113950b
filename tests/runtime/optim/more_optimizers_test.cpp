// Adagrad, Adamax and NAdam against torch.optim, Lion against its authors' PyTorch reference
// (tests/fixtures/optim.txt, written by tests/fixtures/gen_optim.py with torch 2.15.0):
// parameters after each of 5 steps and the state after the last, at relative 1e-5; defaults,
// argument checks and NAdam's mu_product on resume.
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/fixture.hpp"

namespace {

namespace lm = lamina;
namespace opt = lamina::optim;
using lamina_test::close_to;
using lamina_test::values;

constexpr double kRel = 1e-5, kAbs = 1e-6;

const lamina_test::fixture& optim_fixture() {
  static const lamina_test::fixture f(std::string(LAMINA_TEST_FIXTURES) + "/optim.txt");
  return f;
}

struct flat {
  std::vector<float> p, g;
  explicit flat(std::vector<float> params) : p(std::move(params)), g(p.size()) {}
  lm::TensorView params() { return {p.data(), lm::make_dims(p.size())}; }
  lm::TensorView grads() { return {g.data(), lm::make_dims(g.size())}; }
};

// Five steps on the fixture's gradients; returns the optimizer for more checks.
template <template <class> class Opt, class Options>
void check_against_torch(const std::string& tag, const Options& options, const std::vector<const char*>& state) {
  const auto& f = optim_fixture();
  flat x(f.tensor("params0").values);
  Opt<lm::cpu> o(x.params(), x.grads(), options);
  for (int k = 1; k <= 5; ++k) {
    const auto& grad = f.tensor("grad." + std::to_string(k)).values;
    std::copy(grad.begin(), grad.end(), x.g.begin());
    o.step();
    INFO(tag << " after step " << k);
    REQUIRE_THAT(x.p, close_to(f.tensor(tag + ".step" + std::to_string(k)), kRel, kAbs));
  }
  REQUIRE(o.steps() == 5);
  const auto s = o.state();
  REQUIRE(s.size() == state.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    INFO(tag << " state " << state[i]);
    REQUIRE(s[i].first == state[i]);
    REQUIRE_THAT(values(s[i].second), close_to(f.tensor(tag + ".state." + state[i]), kRel, kAbs));
  }
  if constexpr (requires { o.mu_product(); }) {
    REQUIRE(o.mu_product() == Approx(f.scalar(tag + ".state.mu_product")).epsilon(1e-6));
    Opt<lm::cpu> resumed(x.params(), x.grads(), options);
    resumed.set_steps(5);  // a checkpoint restores steps; mu_product follows
    REQUIRE(resumed.mu_product() == o.mu_product());
  }
}

}  // namespace

TEST_CASE("Adagrad, Adamax and NAdam match torch.optim", "[optim]") {
  // The settings of tests/fixtures/gen_optim.py's OPTIMIZERS.
  check_against_torch<opt::Adagrad>("adagrad", opt::adagrad_options{.lr = 0.1}, {"sum"});
  check_against_torch<opt::Adagrad>(
      "adagrad_all",
      opt::adagrad_options{.lr = 0.05, .lr_decay = 0.1, .weight_decay = 0.05, .initial_accumulator_value = 0.2, .eps = 1e-6},
      {"sum"});
  check_against_torch<opt::Adamax>("adamax", opt::adamax_options{.lr = 0.1}, {"exp_avg", "exp_inf"});
  check_against_torch<opt::Adamax>(
      "adamax_wd", opt::adamax_options{.lr = 0.05, .beta1 = 0.3, .beta2 = 0.99, .eps = 1e-6, .weight_decay = 0.1},
      {"exp_avg", "exp_inf"});
  check_against_torch<opt::NAdam>("nadam", opt::nadam_options{.lr = 0.1}, {"exp_avg", "exp_avg_sq"});
  check_against_torch<opt::NAdam>(
      "nadam_wd", opt::nadam_options{.lr = 0.05, .beta1 = 0.8, .beta2 = 0.99, .weight_decay = 0.1, .momentum_decay = 0.01},
      {"exp_avg", "exp_avg_sq"});
  check_against_torch<opt::NAdam>("nadamw",
                                  opt::nadam_options{.lr = 0.05, .beta1 = 0.3, .beta2 = 0.995, .eps = 1e-6,
                                                     .weight_decay = 0.2, .decoupled_weight_decay = true},
                                  {"exp_avg", "exp_avg_sq"});
}

TEST_CASE("Lion matches its reference implementation", "[optim]") {
  check_against_torch<opt::Lion>("lion", opt::lion_options{.lr = 0.01}, {"exp_avg"});
  check_against_torch<opt::Lion>("lion_wd", opt::lion_options{.lr = 0.02, .beta1 = 0.5, .beta2 = 0.9, .weight_decay = 0.5},
                                 {"exp_avg"});
  // Every coordinate moves by exactly lr (sign of the interpolated momentum), none where it is 0.
  flat f(std::vector<float>{1.f, 1.f, 1.f});
  f.g = {0.5f, -1e-6f, 0.f};
  opt::Lion lion(f.params(), f.grads(), {.lr = 0.25});
  lion.step();
  REQUIRE(f.p == std::vector<float>{0.75f, 1.25f, 1.f});
}

TEST_CASE("Adagrad, Adamax, NAdam and Lion: defaults, schedulers, checks", "[optim]") {
  STATIC_REQUIRE(opt::adagrad_options{}.lr == 1e-2);
  STATIC_REQUIRE(opt::adagrad_options{}.eps == 1e-10);
  STATIC_REQUIRE(opt::adamax_options{}.lr == 2e-3);
  STATIC_REQUIRE(opt::nadam_options{}.lr == 2e-3);
  STATIC_REQUIRE(opt::nadam_options{}.momentum_decay == 4e-3);
  STATIC_REQUIRE(opt::LrOptimizer<opt::Adagrad<>>);
  STATIC_REQUIRE(opt::Beta1Optimizer<opt::Adamax<>>);
  STATIC_REQUIRE(opt::Beta1Optimizer<opt::NAdam<>>);
  STATIC_REQUIRE(opt::lion_options{}.lr == 1e-4 && opt::lion_options{}.beta2 == 0.99);  // the paper's
  STATIC_REQUIRE(opt::Beta1Optimizer<opt::Lion<>>);
  STATIC_REQUIRE(opt::CheckpointOptimizer<opt::Lion<>>);

  using Net = lm::Sequential<lm::Linear<3, 2>>;
  lm::Model<Net, lm::Shape<3>> model(0);
  opt::NAdam nadam(model, {.lr = 0.01});
  STATIC_REQUIRE(std::is_same_v<decltype(nadam), opt::NAdam<lm::cpu>>);
  opt::CyclicLR cyclic(nadam, {.base_lr = 1e-3, .max_lr = 1e-2, .step_size_up = 2});  // cycles beta1
  REQUIRE(nadam.beta1() == Approx(0.9));
  std::vector<float> x(4 * 3, 0.5f);
  std::vector<std::int32_t> y{0, 1, 0, 1};
  lm::train::step(model, x, 4, y, lm::loss::CrossEntropy{}, nadam);
  cyclic.step();
  REQUIRE(nadam.beta1() == Approx(0.85));

  flat f(std::vector<float>(4));
  REQUIRE_THROWS_WITH(opt::Adagrad(f.params(), f.grads(), {.lr_decay = -1}), Catch::Contains("Adagrad: lr_decay must be >= 0, got -1"));
  REQUIRE_THROWS_WITH(opt::Adamax(f.params(), f.grads(), {.beta2 = 1.0}), Catch::Contains("Adamax: beta2 must be in [0, 1), got 1"));
  REQUIRE_THROWS_WITH(opt::NAdam(f.params(), f.grads(), {.momentum_decay = -0.5}),
                      Catch::Contains("NAdam: momentum_decay must be >= 0, got -0.5"));
  REQUIRE_THROWS_WITH(opt::Lion(f.params(), f.grads(), {.beta1 = 1.5}), Catch::Contains("Lion: beta1 must be in [0, 1], got 1.5"));
}
