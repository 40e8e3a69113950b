// RMSprop against torch.optim.RMSprop (tests/fixtures/optim.txt, written by
// tests/fixtures/gen_optim.py with torch 2.15.0): parameters after each of 5 steps and the state
// after the last, at relative 1e-5; plus argument checks and SGD's uniform state().
#include <lamina/core/model.hpp>
#include <lamina/layers/linear.hpp>
#include <lamina/optim/optim.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/fixture.hpp"

namespace {

namespace lm = lamina;
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

void check_against_torch(const std::string& tag, const lm::optim::rmsprop_options& options) {
  const auto& f = optim_fixture();
  flat x(f.tensor("params0").values);
  lm::optim::RMSprop opt(x.params(), x.grads(), options);
  for (int k = 1; k <= 5; ++k) {
    const auto& grad = f.tensor("grad." + std::to_string(k)).values;
    std::copy(grad.begin(), grad.end(), x.g.begin());
    opt.step();
    INFO(tag << " after step " << k);
    REQUIRE_THAT(x.p, close_to(f.tensor(tag + ".step" + std::to_string(k)), kRel, kAbs));
  }
  REQUIRE(opt.steps() == 5);
  std::size_t expected_entries = 0;
  for (const char* name : {"square_avg", "momentum_buffer", "grad_avg"})
    expected_entries += f.has(tag + ".state." + name);
  const auto state = opt.state();
  REQUIRE(state.size() == expected_entries);
  for (const auto& [name, view] : state) {
    INFO(tag << " state " << name);
    REQUIRE_THAT(values(view), close_to(f.tensor(tag + ".state." + name), kRel, kAbs));
  }
}

}  // namespace

TEST_CASE("RMSprop matches torch.optim.RMSprop", "[optim]") {
  // The settings of tests/fixtures/gen_optim.py's OPTIMIZERS.
  check_against_torch("rmsprop", {.lr = 0.01});
  check_against_torch("rmsprop_momentum", {.lr = 0.01, .momentum = 0.9});
  check_against_torch("rmsprop_centered", {.lr = 0.01, .alpha = 0.9, .centered = true});
  check_against_torch("rmsprop_wd", {.lr = 0.01, .weight_decay = 0.1});
  check_against_torch("rmsprop_all",
                      {.lr = 0.02, .alpha = 0.95, .eps = 1e-6, .weight_decay = 0.05, .momentum = 0.5, .centered = true});
}

TEST_CASE("RMSprop defaults are PyTorch's", "[optim]") {
  constexpr lm::optim::rmsprop_options o{};
  STATIC_REQUIRE(o.lr == 1e-2);
  STATIC_REQUIRE(o.alpha == 0.99);
  STATIC_REQUIRE(o.eps == 1e-8);
  STATIC_REQUIRE(o.weight_decay == 0.0);
  STATIC_REQUIRE(o.momentum == 0.0);
  STATIC_REQUIRE(!o.centered);
  STATIC_REQUIRE(lm::optim::MomentumOptimizer<lm::optim::RMSprop<>>);
  STATIC_REQUIRE(lm::optim::MomentumOptimizer<lm::optim::SGD<>>);
  STATIC_REQUIRE(!lm::optim::Beta1Optimizer<lm::optim::SGD<>>);
}

TEST_CASE("RMSprop works on a model and exposes its state by PyTorch's names", "[optim]") {
  lm::Model<lm::Linear<4, 3>, lm::Shape<4>> model(1);
  lm::optim::RMSprop opt(model, {.momentum = 0.9, .centered = true});
  const auto state = opt.state();
  REQUIRE(state.size() == 3);
  REQUIRE(state[0].first == "square_avg");
  REQUIRE(state[1].first == "momentum_buffer");
  REQUIRE(state[2].first == "grad_avg");
  for (const auto& [name, view] : state) REQUIRE(view.size() == model.param_count);
  lm::optim::RMSprop plain(model, {});
  REQUIRE(plain.state().size() == 1);
  // A momentum set later (as OneCycleLR does) gets its buffer outside step().
  plain.set_momentum(0.5);
  REQUIRE(plain.state().size() == 2);
  REQUIRE(plain.momentum_buffer().size() == model.param_count);
}

TEST_CASE("SGD exposes its state like the other optimizers", "[optim]") {
  std::vector<float> p{1.f, 2.f, 3.f}, g{0.5f, -1.f, 2.f};
  lm::TensorView pv{p.data(), lm::make_dims(3)}, gv{g.data(), lm::make_dims(3)};
  lm::optim::SGD plain(pv, gv, {.lr = 0.1f});
  REQUIRE(plain.state().empty());
  lm::optim::SGD opt(pv, gv, {.lr = 0.1f, .momentum = 0.9f});
  const auto state = opt.state();
  REQUIRE(state.size() == 1);
  REQUIRE(state[0].first == "momentum_buffer");
  opt.step();
  REQUIRE(values(state[0].second) == g);  // the buffer starts as the gradient, as in PyTorch
  // Momentum switched on later: the buffer starts as the gradient at its first step too.
  std::vector<float> q{1.f, 2.f, 3.f};
  lm::optim::SGD later({q.data(), lm::make_dims(3)}, gv, {.lr = 0.1f});
  later.step();
  later.set_momentum(0.9f);
  later.step();
  REQUIRE(values(later.state()[0].second) == g);
  REQUIRE(q[0] == Approx(1.f - 2 * 0.1f * 0.5f));
  REQUIRE_THROWS_WITH(later.set_momentum(-1.f), Catch::Contains("SGD: momentum must be >= 0, got -1"));
}

TEST_CASE("RMSprop rejects invalid settings, naming the option and the value", "[optim]") {
  flat x({1.f, 2.f});
  auto make = [&](lm::optim::rmsprop_options o) { lm::optim::RMSprop opt(x.params(), x.grads(), o); };
  REQUIRE_THROWS_WITH(make({.lr = -1.0}), Catch::Contains("RMSprop: lr must be >= 0, got -1"));
  REQUIRE_THROWS_WITH(make({.alpha = -0.5}), Catch::Contains("RMSprop: alpha must be >= 0, got -0.5"));
  REQUIRE_THROWS_WITH(make({.eps = -1.0}), Catch::Contains("RMSprop: eps must be >= 0, got -1"));
  REQUIRE_THROWS_WITH(make({.weight_decay = -2.0}), Catch::Contains("RMSprop: weight_decay must be >= 0, got -2"));
  REQUIRE_THROWS_WITH(make({.momentum = -0.9}), Catch::Contains("RMSprop: momentum must be >= 0, got -0.9"));
  flat y({1.f, 2.f, 3.f});
  y.g.resize(2);
  REQUIRE_THROWS_WITH((lm::optim::RMSprop(y.params(), y.grads(), {})),
                      Catch::Contains("3 parameters but 2 gradients"));
}
