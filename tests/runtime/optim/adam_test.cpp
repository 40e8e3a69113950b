// Adam and AdamW against torch.optim.Adam / AdamW (tests/fixtures/optim.txt, written by
// tests/fixtures/gen_optim.py with torch 2.15.0): parameters after each of 5 steps and the state
// after the last, at relative 1e-5; plus argument checks, checkpoints and thread independence.
#include <lamina/core/model.hpp>
#include <lamina/layers/linear.hpp>
#include <lamina/optim/optim.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/fixture.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

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

// Runs the fixture's 5 gradients through an optimizer of type Opt built with `options` and
// compares the parameters after every step and the state after the last with PyTorch's.
template <class Opt, class Options>
void check_against_torch(const std::string& tag, const Options& options) {
  const auto& f = optim_fixture();
  flat x(f.tensor("params0").values);
  Opt opt(x.params(), x.grads(), options);
  for (int k = 1; k <= 5; ++k) {
    const auto& grad = f.tensor("grad." + std::to_string(k)).values;
    std::copy(grad.begin(), grad.end(), x.g.begin());
    opt.step();
    INFO(tag << " after step " << k);
    REQUIRE_THAT(x.p, close_to(f.tensor(tag + ".step" + std::to_string(k)), kRel, kAbs));
  }
  REQUIRE(opt.steps() == 5);
  std::size_t expected_entries = 0;
  for (const char* name : {"exp_avg", "exp_avg_sq", "max_exp_avg_sq", "square_avg", "momentum_buffer", "grad_avg"})
    expected_entries += f.has(tag + ".state." + name);
  const auto state = opt.state();
  REQUIRE(state.size() == expected_entries);
  for (const auto& [name, view] : state) {
    INFO(tag << " state " << name);
    REQUIRE_THAT(values(view), close_to(f.tensor(tag + ".state." + name), kRel, kAbs));
  }
}

}  // namespace

TEST_CASE("Adam matches torch.optim.Adam", "[optim]") {
  // The settings of tests/fixtures/gen_optim.py's OPTIMIZERS.
  check_against_torch<lm::optim::Adam<>>("adam", lm::optim::adam_options{.lr = 0.1});
  check_against_torch<lm::optim::Adam<>>("adam_amsgrad",
                                       lm::optim::adam_options{.lr = 0.1, .beta1 = 0.8, .beta2 = 0.99, .amsgrad = true});
  check_against_torch<lm::optim::Adam<>>("adam_wd", lm::optim::adam_options{.lr = 0.05, .eps = 1e-6, .weight_decay = 0.1});
}

TEST_CASE("AdamW matches torch.optim.AdamW (decoupled weight decay)", "[optim]") {
  check_against_torch<lm::optim::AdamW<>>("adamw", lm::optim::adamw_options{.lr = 0.1});
  check_against_torch<lm::optim::AdamW<>>(
      "adamw_amsgrad",
      lm::optim::adamw_options{.lr = 0.1, .beta1 = 0.85, .beta2 = 0.995, .weight_decay = 0.2, .amsgrad = true});
}

TEST_CASE("Adam and AdamW defaults are PyTorch's", "[optim]") {
  constexpr lm::optim::adam_options a{};
  STATIC_REQUIRE(a.lr == 1e-3);
  STATIC_REQUIRE(a.beta1 == 0.9);
  STATIC_REQUIRE(a.beta2 == 0.999);
  STATIC_REQUIRE(a.eps == 1e-8);
  STATIC_REQUIRE(a.weight_decay == 0.0);
  STATIC_REQUIRE(!a.amsgrad);
  constexpr lm::optim::adamw_options w{};
  STATIC_REQUIRE(w.lr == 1e-3);
  STATIC_REQUIRE(w.weight_decay == 1e-2);
  STATIC_REQUIRE(lm::optim::LrOptimizer<lm::optim::Adam<>>);
  STATIC_REQUIRE(lm::optim::Beta1Optimizer<lm::optim::AdamW<>>);
}

TEST_CASE("Adam works on a model's packed parameters and exposes its state", "[optim]") {
  lm::Model<lm::Linear<3, 2>, lm::Shape<3>> model(0);
  lm::optim::Adam opt(model, {.lr = 0.01, .amsgrad = true});
  const auto state = opt.state();
  REQUIRE(state.size() == 3);
  REQUIRE(state[0].first == "exp_avg");
  REQUIRE(state[1].first == "exp_avg_sq");
  REQUIRE(state[2].first == "max_exp_avg_sq");
  for (const auto& [name, view] : state) REQUIRE(view.size() == model.param_count);
  // One step with every gradient 1: each parameter moves by lr (bias-corrected m / sqrt(v) = 1).
  const std::vector<float> before = values(model.parameters());
  for (auto& g : model.gradients()) g = 1.f;
  opt.step();
  const auto after = values(model.parameters());
  for (std::size_t i = 0; i < after.size(); ++i) REQUIRE(after[i] == Approx(before[i] - 0.01).margin(1e-6));
  opt.set_lr(0.5);
  REQUIRE(opt.lr() == 0.5);
  opt.set_beta1(0.8);
  REQUIRE(opt.beta1() == 0.8);
  lm::optim::AdamW plain(model, {});
  REQUIRE(plain.state().size() == 2);
  REQUIRE(plain.max_exp_avg_sq().size() == 0);
}

TEST_CASE("Adam resumes from a checkpoint of its state bit for bit", "[optim]") {
  const auto& f = optim_fixture();
  flat a(f.tensor("params0").values), b(f.tensor("params0").values);
  const lm::optim::adam_options o{.lr = 0.05, .weight_decay = 0.01, .amsgrad = true};
  lm::optim::Adam first(a.params(), a.grads(), o);
  // Copies into the gradient buffers (the optimizers hold views of them: never reallocate).
  auto set_grad = [&](flat& x, int k) {
    const auto& g = f.tensor("grad." + std::to_string(k)).values;
    std::copy(g.begin(), g.end(), x.g.begin());
  };
  for (int k = 1; k <= 2; ++k) {
    set_grad(a, k);
    first.step();
  }
  // "Save" and "load": parameters, state tensors by name, step count.
  b.p = a.p;
  lm::optim::Adam second(b.params(), b.grads(), o);
  auto saved = first.state();
  for (auto& [name, view] : second.state()) {
    auto it = std::find_if(saved.begin(), saved.end(), [&](const auto& e) { return e.first == name; });
    REQUIRE(it != saved.end());
    std::memcpy(view.data, it->second.data, view.size() * sizeof(float));
  }
  second.set_steps(first.steps());
  for (int k = 3; k <= 5; ++k) {
    set_grad(a, k);
    set_grad(b, k);
    first.step();
    second.step();
  }
  REQUIRE(a.p == b.p);
}

TEST_CASE("Adam gives the same bits for any number of threads", "[optim]") {
#if defined(_OPENMP)
  const std::size_t n = 100'003;  // several parallel chunks and a ragged tail
  std::vector<float> p0(n), grads[3];
  for (std::size_t i = 0; i < n; ++i) p0[i] = float((i * 7919) % 1000) / 500.f - 1.f;
  for (int k = 0; k < 3; ++k) {
    grads[k].resize(n);
    for (std::size_t i = 0; i < n; ++i) grads[k][i] = float((i * 104729 + std::size_t(k) * 31) % 997) / 400.f - 1.2f;
  }
  auto run = [&](int threads) {
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    flat x(p0);
    lm::optim::AdamW opt(x.params(), x.grads(), {.lr = 0.01, .amsgrad = true});
    for (int k = 0; k < 3; ++k) {
      std::copy(grads[k].begin(), grads[k].end(), x.g.begin());
      opt.step();
    }
    omp_set_num_threads(saved);
    return x.p;
  };
  const auto one = run(1), two = run(2), three = run(3);
  REQUIRE(std::memcmp(one.data(), two.data(), n * sizeof(float)) == 0);
  REQUIRE(std::memcmp(one.data(), three.data(), n * sizeof(float)) == 0);
#else
  SUCCEED("built without OpenMP");
#endif
}

TEST_CASE("Adam rejects invalid settings, naming the option and the value", "[optim]") {
  flat x({1.f, 2.f});
  auto make = [&](lm::optim::adam_options o) { lm::optim::Adam opt(x.params(), x.grads(), o); };
  REQUIRE_THROWS_WITH(make({.lr = -0.1}), Catch::Contains("Adam: lr must be >= 0, got -0.1"));
  REQUIRE_THROWS_WITH(make({.beta1 = 1.0}), Catch::Contains("Adam: beta1 must be in [0, 1), got 1"));
  REQUIRE_THROWS_WITH(make({.beta2 = -0.5}), Catch::Contains("Adam: beta2 must be in [0, 1), got -0.5"));
  REQUIRE_THROWS_WITH(make({.eps = -1e-8}), Catch::Contains("Adam: eps must be >= 0, got -1e-08"));
  REQUIRE_THROWS_WITH(make({.weight_decay = -0.01}), Catch::Contains("Adam: weight_decay must be >= 0, got -0.01"));
  REQUIRE_THROWS_WITH((lm::optim::AdamW(x.params(), x.grads(), {.beta2 = 1.5})),
                      Catch::Contains("AdamW: beta2 must be in [0, 1), got 1.5"));
  flat y({1.f, 2.f});
  y.g.resize(1);
  REQUIRE_THROWS_WITH((lm::optim::Adam(y.params(), y.grads(), {})), Catch::Contains("2 parameters but 1 gradients"));
  lm::optim::Adam ok(x.params(), x.grads(), {});
  REQUIRE_THROWS_WITH(ok.set_beta1(1.2), Catch::Contains("beta1 must be in [0, 1), got 1.2"));
}
