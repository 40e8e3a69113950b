// Learning-rate schedulers against torch.optim.lr_scheduler (tests/fixtures/schedulers.txt,
// written by tests/fixtures/gen_optim.py with torch 2.15.0): the lr (and OneCycleLR's momentum)
// after construction and after each of 30 steps, at relative 1e-6; plus checkpoints of the
// counters, argument checks and the optimizer concept.
#include <lamina/optim/optim.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "runtime/fixture.hpp"

namespace {

namespace lm = lamina;
namespace opt = lamina::optim;
using lamina_test::close_to;

constexpr double kRel = 1e-6, kAbs = 1e-12;
constexpr int kSteps = 30;

const lamina_test::fixture& sched_fixture() {
  static const lamina_test::fixture f(std::string(LAMINA_TEST_FIXTURES) + "/schedulers.txt");
  return f;
}

// A one-parameter optimizer of each kind, like the fixtures' (lr 0.1, momentum 0.9 for SGD).
struct one_param {
  std::vector<float> p{0.f}, g{0.f};
  lm::TensorView params() { return {p.data(), lm::make_dims(1)}; }
  lm::TensorView grads() { return {g.data(), lm::make_dims(1)}; }
};
struct sgd_rig : one_param {
  opt::SGD<> sgd;
  explicit sgd_rig(float momentum = 0.9f) : sgd(params(), grads(), {.lr = 0.1f, .momentum = momentum}) {}
};

// lr after construction, then after each step() (or step(metric[k])), as in the fixture.
template <class Sched, class Opt>
std::vector<float> drive(Sched& s, Opt& o, int from = 0, const std::vector<float>* metric = nullptr) {
  std::vector<float> lrs;
  if (from == 0) lrs.push_back(float(s.last_lr()));
  for (int k = from; k < kSteps; ++k) {
    o.step();
    if constexpr (requires { s.step(1.0); }) s.step(double((*metric)[std::size_t(k)]));
    else s.step();
    REQUIRE(float(s.last_lr()) == float(o.lr()));
    REQUIRE(s.last_epoch() == std::size_t(k + 1));
    lrs.push_back(float(s.last_lr()));
  }
  return lrs;
}

// lr and momentum (or beta1: `read`) after construction and after each step, as in the fixture.
template <class Sched, class Opt, class Read>
std::pair<std::vector<float>, std::vector<float>> momenta(Sched& s, Opt& o, Read read) {
  std::vector<float> lrs{float(s.last_lr())}, moms{float(read(o))};
  REQUIRE(float(s.last_momentum()) == float(read(o)));
  for (int k = 0; k < kSteps; ++k) {
    o.step();
    s.step();
    lrs.push_back(float(s.last_lr()));
    moms.push_back(float(read(o)));
  }
  return {lrs, moms};
}
const auto momentum = [](auto& o) { return o.momentum(); };
const auto beta1 = [](auto& o) { return o.beta1(); };

std::vector<float> tail(const lamina_test::fixture_tensor<float>& t, std::size_t from) {
  return {t.values.begin() + std::ptrdiff_t(from), t.values.end()};
}

// An optimizer of the user's own: only lr() and set_lr().
struct lr_only {
  double value = 0.5;
  double lr() const { return value; }
  void set_lr(double v) { value = v; }
  void step() {}
};

}  // namespace

TEST_CASE("StepLR, MultiStepLR and ExponentialLR match PyTorch", "[scheduler]") {
  const auto& f = sched_fixture();
  {
    sgd_rig r;
    opt::StepLR s(r.sgd, {.step_size = 7, .gamma = 0.5});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("step.lr"), kRel, kAbs));
  }
  {
    sgd_rig r;
    opt::StepLR s(r.sgd, {.step_size = 3});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("step_default.lr"), kRel, kAbs));
  }
  {
    sgd_rig r;
    opt::MultiStepLR s(r.sgd, {.milestones = {5, 12, 12, 20}, .gamma = 0.3});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("multistep.lr"), kRel, kAbs));
  }
  {
    sgd_rig r;
    opt::ExponentialLR s(r.sgd, {.gamma = 0.9});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("exponential.lr"), kRel, kAbs));
  }
}

TEST_CASE("CosineAnnealingLR matches PyTorch, with and without warm-up", "[scheduler]") {
  const auto& f = sched_fixture();
  {
    sgd_rig r;  // runs past t_max: PyTorch's schedule goes back up with period 2 * t_max
    opt::CosineAnnealingLR s(r.sgd, {.t_max = 10, .eta_min = 0.001});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("cosine.lr"), kRel, kAbs));
  }
  {
    sgd_rig r;
    opt::CosineAnnealingLR s(r.sgd, {.t_max = 30});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("cosine_zero.lr"), kRel, kAbs));
  }
  {
    sgd_rig r;  // SequentialLR([LinearLR(0.1, 1.0, 5), CosineAnnealingLR(25, 1e-4)], milestones=[5])
    opt::CosineAnnealingLR s(r.sgd, {.t_max = 25, .eta_min = 1e-4, .warmup_steps = 5, .warmup_start_factor = 0.1});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("cosine_warmup.lr"), kRel, kAbs));
  }
  {
    sgd_rig r;  // LinearLR's default start factor 1/3
    opt::CosineAnnealingLR s(r.sgd, {.t_max = 12, .warmup_steps = 3});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("cosine_warmup_default.lr"), kRel, kAbs));
  }
}

TEST_CASE("OneCycleLR matches PyTorch's lr and momentum / beta1", "[scheduler]") {
  const auto& f = sched_fixture();
  {
    sgd_rig r;
    opt::OneCycleLR s(r.sgd, {.max_lr = 0.5, .total_steps = kSteps});
    auto [lrs, moms] = momenta(s, r.sgd, momentum);
    REQUIRE_THAT(lrs, close_to(f.tensor("onecycle.lr"), kRel, kAbs));
    REQUIRE_THAT(moms, close_to(f.tensor("onecycle.momentum"), kRel, kAbs));
    REQUIRE_THROWS_WITH(s.step(), Catch::Contains("tried to step 31 times; total_steps is 30"));
  }
  {
    sgd_rig r(0.f);  // SGD without momentum: OneCycleLR gives it one, as PyTorch does
    opt::OneCycleLR s(r.sgd, {.max_lr = 1.0, .total_steps = 40, .pct_start = 0.4, .base_momentum = 0.8,
                              .max_momentum = 0.9, .div_factor = 10.0, .final_div_factor = 100.0});
    auto [lrs, moms] = momenta(s, r.sgd, momentum);
    REQUIRE_THAT(lrs, close_to(f.tensor("onecycle_custom.lr"), kRel, kAbs));
    REQUIRE_THAT(moms, close_to(f.tensor("onecycle_custom.momentum"), kRel, kAbs));
  }
  {
    one_param p;
    opt::Adam adam(p.params(), p.grads(), {.lr = 1e-3});
    opt::OneCycleLR s(adam, {.max_lr = 0.01, .total_steps = kSteps, .pct_start = 0.25,
                             .anneal_strategy = opt::annealing::linear, .three_phase = true});
    auto [lrs, moms] = momenta(s, adam, beta1);
    REQUIRE_THAT(lrs, close_to(f.tensor("onecycle_adam_linear_3phase.lr"), kRel, kAbs));
    REQUIRE_THAT(moms, close_to(f.tensor("onecycle_adam_linear_3phase.momentum"), kRel, kAbs));
  }
  {
    one_param p;
    opt::RMSprop rms(p.params(), p.grads(), {.lr = 1e-2, .momentum = 0.5});
    opt::OneCycleLR s(rms, {.max_lr = 0.02, .total_steps = kSteps, .three_phase = true});
    auto [lrs, moms] = momenta(s, rms, momentum);
    REQUIRE_THAT(lrs, close_to(f.tensor("onecycle_rmsprop_cos_3phase.lr"), kRel, kAbs));
    REQUIRE_THAT(moms, close_to(f.tensor("onecycle_rmsprop_cos_3phase.momentum"), kRel, kAbs));
  }
  {
    sgd_rig r;
    opt::OneCycleLR s(r.sgd, {.max_lr = 0.3, .total_steps = kSteps, .cycle_momentum = false});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("onecycle_no_momentum.lr"), kRel, kAbs));
    REQUIRE(r.sgd.momentum() == 0.9f);  // untouched
  }
}

TEST_CASE("LinearLR, PolynomialLR, LambdaLR and CosineAnnealingWarmRestarts match PyTorch", "[scheduler]") {
  const auto& f = sched_fixture();
  auto check = [&](const char* tag, auto make) {
    INFO(tag);
    sgd_rig r;
    auto s = make(r.sgd);
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor(std::string(tag) + ".lr"), kRel, kAbs));
  };
  check("linear", [](opt::SGD<>& o) { return opt::LinearLR(o, {.start_factor = 0.25, .end_factor = 0.9, .total_iters = 8}); });
  check("linear_default", [](opt::SGD<>& o) { return opt::LinearLR(o, {}); });
  check("polynomial", [](opt::SGD<>& o) { return opt::PolynomialLR(o, {.total_iters = 20, .power = 2.0}); });
  check("lambda", [](opt::SGD<>& o) {
    return opt::LambdaLR(o, {.factor = [](std::size_t e) { return std::pow(0.95, double(e)) / (1 + 0.1 * double(e)); }});
  });
  check("warm_restarts", [](opt::SGD<>& o) {
    return opt::CosineAnnealingWarmRestarts(o, {.t_0 = 4, .t_mult = 2, .eta_min = 0.002});
  });
  check("warm_restarts_default", [](opt::SGD<>& o) { return opt::CosineAnnealingWarmRestarts(o, {.t_0 = 7}); });
}

TEST_CASE("CyclicLR matches PyTorch's lr and momentum / beta1 in every mode", "[scheduler]") {
  const auto& f = sched_fixture();
  {
    sgd_rig r;
    opt::CyclicLR s(r.sgd, {.base_lr = 0.01, .max_lr = 0.1, .step_size_up = 4});
    auto [lrs, moms] = momenta(s, r.sgd, momentum);
    REQUIRE_THAT(lrs, close_to(f.tensor("cyclic.lr"), kRel, kAbs));
    REQUIRE_THAT(moms, close_to(f.tensor("cyclic.momentum"), kRel, kAbs));
  }
  {
    sgd_rig r(0.5f);
    opt::CyclicLR s(r.sgd, {.base_lr = 0.01, .max_lr = 0.1, .step_size_up = 3, .step_size_down = 5,
                            .mode = opt::cyclic_mode::triangular2, .base_momentum = 0.7, .max_momentum = 0.95});
    auto [lrs, moms] = momenta(s, r.sgd, momentum);
    REQUIRE_THAT(lrs, close_to(f.tensor("cyclic_triangular2.lr"), kRel, kAbs));
    REQUIRE_THAT(moms, close_to(f.tensor("cyclic_triangular2.momentum"), kRel, kAbs));
  }
  {
    one_param p;
    opt::Adam adam(p.params(), p.grads(), {.lr = 1e-3});
    opt::CyclicLR s(adam, {.base_lr = 1e-3, .max_lr = 1e-2, .step_size_up = 5, .mode = opt::cyclic_mode::exp_range,
                           .gamma = 0.97});
    auto [lrs, moms] = momenta(s, adam, beta1);
    REQUIRE_THAT(lrs, close_to(f.tensor("cyclic_exp_range_adam.lr"), kRel, kAbs));
    REQUIRE_THAT(moms, close_to(f.tensor("cyclic_exp_range_adam.momentum"), kRel, kAbs));
  }
  {
    sgd_rig r;
    opt::CyclicLR s(r.sgd, {.base_lr = 0.02, .max_lr = 0.2, .step_size_up = 6,
                            .scale_fn = [](double k) { return 1.0 / (1.0 + 0.05 * k); },
                            .scale_mode = opt::cyclic_scale::iterations, .cycle_momentum = false});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("cyclic_scale_fn.lr"), kRel, kAbs));
    REQUIRE(r.sgd.momentum() == 0.9f);  // untouched
  }
}

TEST_CASE("ChainedScheduler and SequentialLR match PyTorch and resume", "[scheduler]") {
  const auto& f = sched_fixture();
  {
    sgd_rig r;
    opt::LinearLR warmup(r.sgd, {.start_factor = 0.2, .total_iters = 6});
    opt::ExponentialLR decay(r.sgd, {.gamma = 0.9});
    opt::ChainedScheduler s{warmup, decay};
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("chained.lr"), kRel, kAbs));
  }
  // The three-part schedule, run whole, and saved at step 12 and resumed in a fresh set.
  struct three {
    sgd_rig r;
    opt::LinearLR warmup{r.sgd, {.start_factor = 0.1, .total_iters = 4}};
    opt::PolynomialLR poly{r.sgd, {.total_iters = 10, .power = 1.5}};
    opt::CosineAnnealingWarmRestarts restarts{r.sgd, {.t_0 = 5}};
    opt::SequentialLR s{{warmup, poly, restarts}, {.milestones = {4, 14}}};
  };
  {
    three t;
    REQUIRE_THAT(drive(t.s, t.r.sgd), close_to(f.tensor("sequential.lr"), kRel, kAbs));
  }
  {
    three a;
    for (int k = 0; k < 12; ++k) a.s.step();
    const opt::scheduler_state saved = a.s.state();
    three b;
    b.s.load_state(saved);
    REQUIRE(b.s.last_epoch() == 12);
    REQUIRE(float(b.r.sgd.lr()) == float(a.s.last_lr()));
    REQUIRE_THAT(drive(b.s, b.r.sgd, 12), close_to(tail(f.tensor("sequential.lr"), 13), kRel, kAbs));
    REQUIRE_THROWS_WITH(b.s.load_state({{"last_epoch", 3.0}, {"7.last_epoch", 1.0}}),
                        Catch::Contains("SequentialLR::load_state: unknown entry '7.last_epoch'"));
  }
  {
    sgd_rig r;
    opt::ExponentialLR decay(r.sgd, {.gamma = 0.8});
    opt::LambdaLR after(r.sgd, {.factor = [](std::size_t e) { return 1.0 / (1.0 + double(e)); }});
    opt::SequentialLR s({decay, after}, {.milestones = {6}});
    REQUIRE_THAT(drive(s, r.sgd), close_to(f.tensor("sequential_lambda.lr"), kRel, kAbs));
  }
  sgd_rig r;
  opt::StepLR a(r.sgd, {.step_size = 2});
  opt::ExponentialLR b(r.sgd, {.gamma = 0.5});
  REQUIRE_THROWS_WITH(opt::SequentialLR({a, b}, {}), Catch::Contains("2 schedulers need 1 milestones, got 0"));
  REQUIRE_THROWS_WITH(opt::SequentialLR({a, b}, {.milestones = {0}}),
                      Catch::Contains("milestones must be increasing and >= 1, got 0"));
}

TEST_CASE("ReduceLROnPlateau matches PyTorch for a fixed metric sequence", "[scheduler]") {
  const auto& f = sched_fixture();
  {
    sgd_rig r;
    opt::ReduceLROnPlateau s(r.sgd, {.factor = 0.5, .patience = 2, .threshold = 0.01, .cooldown = 1, .min_lr = 0.004});
    REQUIRE_THAT(drive(s, r.sgd, 0, &f.tensor("plateau_min.metric").values),
                 close_to(f.tensor("plateau_min.lr"), kRel, kAbs));
  }
  {
    sgd_rig r;
    opt::ReduceLROnPlateau s(r.sgd, {.mode = opt::plateau_mode::max, .factor = 0.2, .patience = 1, .threshold = 0.05,
                                     .threshold_mode = opt::plateau_threshold::abs, .min_lr = 1e-3, .eps = 1e-3});
    REQUIRE_THAT(drive(s, r.sgd, 0, &f.tensor("plateau_max_abs.metric").values),
                 close_to(f.tensor("plateau_max_abs.lr"), kRel, kAbs));
  }
  {
    sgd_rig r;
    opt::ReduceLROnPlateau s(r.sgd);
    REQUIRE_THAT(drive(s, r.sgd, 0, &f.tensor("plateau_default.metric").values),
                 close_to(f.tensor("plateau_default.lr"), kRel, kAbs));
  }
}

TEST_CASE("Schedulers resume from a checkpoint of their counters", "[scheduler]") {
  const auto& f = sched_fixture();
  constexpr int kSaveAt = 12;
  // Runs `make` for kSaveAt steps, saves, builds a fresh optimizer and scheduler, loads, and
  // checks the remaining values against the fixture.
  auto resume = [&](const std::string& tag, auto make, const std::vector<float>* metric = nullptr) {
    sgd_rig a;
    auto first = make(a.sgd);
    for (int k = 0; k < kSaveAt; ++k) {
      if constexpr (requires { first.step(1.0); }) first.step(double((*metric)[std::size_t(k)]));
      else first.step();
    }
    const opt::scheduler_state saved = first.state();
    sgd_rig b;
    auto second = make(b.sgd);
    second.load_state(saved);
    REQUIRE(second.last_epoch() == std::size_t(kSaveAt));
    REQUIRE(float(b.sgd.lr()) == float(first.last_lr()));
    INFO(tag);
    REQUIRE_THAT(drive(second, b.sgd, kSaveAt, metric), close_to(tail(f.tensor(tag + ".lr"), kSaveAt + 1), kRel, kAbs));
  };
  resume("step", [](opt::SGD<>& o) { return opt::StepLR(o, {.step_size = 7, .gamma = 0.5}); });
  resume("cosine_warmup", [](opt::SGD<>& o) {
    return opt::CosineAnnealingLR(o, {.t_max = 25, .eta_min = 1e-4, .warmup_steps = 5, .warmup_start_factor = 0.1});
  });
  resume("onecycle", [](opt::SGD<>& o) { return opt::OneCycleLR(o, {.max_lr = 0.5, .total_steps = kSteps}); });
  resume("warm_restarts", [](opt::SGD<>& o) {
    return opt::CosineAnnealingWarmRestarts(o, {.t_0 = 4, .t_mult = 2, .eta_min = 0.002});
  });
  resume("cyclic", [](opt::SGD<>& o) { return opt::CyclicLR(o, {.base_lr = 0.01, .max_lr = 0.1, .step_size_up = 4}); });
  resume("polynomial", [](opt::SGD<>& o) { return opt::PolynomialLR(o, {.total_iters = 20, .power = 2.0}); });
  resume(
      "plateau_min",
      [](opt::SGD<>& o) {
        return opt::ReduceLROnPlateau(o, {.factor = 0.5, .patience = 2, .threshold = 0.01, .cooldown = 1, .min_lr = 0.004});
      },
      &f.tensor("plateau_min.metric").values);

  sgd_rig r;
  opt::StepLR s(r.sgd, {.step_size = 2});
  REQUIRE_THROWS_WITH(s.load_state({{"last_epoch", 3.0}}), Catch::Contains("StepLR::load_state: the state has no 'base_lr'"));
  REQUIRE_THROWS_WITH(s.load_state({{"last_epoch", -1.0}, {"base_lr", 0.1}, {"last_lr", 0.1}}),
                      Catch::Contains("last_epoch must be an integer in [0, 2^53], got -1"));
}

TEST_CASE("Schedulers work with any optimizer that has lr() and set_lr()", "[scheduler]") {
  STATIC_REQUIRE(opt::LrOptimizer<lr_only>);
  STATIC_REQUIRE(!opt::MomentumOptimizer<lr_only>);
  lr_only o;
  opt::ExponentialLR s(o, {.gamma = 0.5});
  s.step();
  REQUIRE(o.lr() == 0.25);
  // A change made to the optimizer's lr between steps is picked up, as PyTorch reads group["lr"].
  o.set_lr(1.0);
  s.step();
  REQUIRE(o.lr() == 0.5);
  REQUIRE(s.base_lr() == 0.5);
  REQUIRE_THROWS_WITH((opt::OneCycleLR(o, {.max_lr = 1.0, .total_steps = 10})),
                      Catch::Contains("cycle_momentum needs an optimizer with momentum()"));
  opt::OneCycleLR ok(o, {.max_lr = 1.0, .total_steps = 10, .cycle_momentum = false});
  REQUIRE(o.lr() == Approx(1.0 / 25));
}

TEST_CASE("Schedulers reject invalid settings, naming the option and the value", "[scheduler]") {
  sgd_rig r;
  auto& o = r.sgd;
  REQUIRE_THROWS_WITH(opt::StepLR(o, {}), Catch::Contains("StepLR: step_size must be >= 1, got 0"));
  REQUIRE_THROWS_WITH(opt::ExponentialLR(o, {}), Catch::Contains("ExponentialLR: gamma must be > 0, got 0"));
  REQUIRE_THROWS_WITH(opt::CosineAnnealingLR(o, {}), Catch::Contains("CosineAnnealingLR: t_max must be >= 1, got 0"));
  REQUIRE_THROWS_WITH(opt::CosineAnnealingLR(o, {.t_max = 5, .warmup_steps = 2, .warmup_start_factor = 0.0}),
                      Catch::Contains("warmup_start_factor must be in (0, 1], got 0"));
  REQUIRE_THROWS_WITH(opt::OneCycleLR(o, {.max_lr = 0.1}), Catch::Contains("OneCycleLR: total_steps must be >= 1, got 0"));
  REQUIRE_THROWS_WITH(opt::OneCycleLR(o, {.total_steps = 10}), Catch::Contains("OneCycleLR: max_lr must be > 0, got 0"));
  REQUIRE_THROWS_WITH(opt::OneCycleLR(o, {.max_lr = 0.1, .total_steps = 10, .pct_start = 1.5}),
                      Catch::Contains("pct_start must be in [0, 1], got 1.5"));
  REQUIRE_THROWS_WITH(opt::LinearLR(o, {.start_factor = 0}), Catch::Contains("LinearLR: start_factor must be in (0, 1], got 0"));
  REQUIRE_THROWS_WITH(opt::LinearLR(o, {.end_factor = 1.5}), Catch::Contains("LinearLR: end_factor must be in [0, 1], got 1.5"));
  REQUIRE_THROWS_WITH(opt::PolynomialLR(o, {.total_iters = 0}), Catch::Contains("PolynomialLR: total_iters must be >= 1, got 0"));
  REQUIRE_THROWS_WITH(opt::LambdaLR(o, {}), Catch::Contains("LambdaLR: .factor is required"));
  REQUIRE_THROWS_WITH(opt::CosineAnnealingWarmRestarts(o, {}),
                      Catch::Contains("CosineAnnealingWarmRestarts: t_0 must be >= 1, got 0"));
  REQUIRE_THROWS_WITH(opt::CyclicLR(o, {.base_lr = 0.1, .max_lr = 0.01}), Catch::Contains("CyclicLR: max_lr must be >= base_lr, got 0.01"));
  REQUIRE_THROWS_WITH(opt::ReduceLROnPlateau(o, {.factor = 1.0}),
                      Catch::Contains("ReduceLROnPlateau: factor must be in [0, 1), got 1"));
  REQUIRE_THROWS_WITH(opt::ReduceLROnPlateau(o, {.threshold = -0.5}), Catch::Contains("threshold must be >= 0, got -0.5"));
  REQUIRE_THROWS_WITH(opt::ReduceLROnPlateau(o, {.min_lr = -1e-3}), Catch::Contains("min_lr must be >= 0, got -0.001"));
}
