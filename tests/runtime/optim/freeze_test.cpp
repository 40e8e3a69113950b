// Frozen parameters (Model::freeze) against PyTorch's requires_grad_(False)
// (tests/fixtures/freeze.txt, written by tests/fixtures/gen_optim.py): gradients that stay 0,
// optimizers that leave frozen parameters and their state alone, freezing and unfreezing between
// steps; then the skipped backward, the errors, ParamGroups and the ranges themselves.
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "runtime/fixture.hpp"

namespace {
namespace lm = lamina;
namespace opt = lamina::optim;
using lamina_test::close_to;

// 0.weight [4,3], 0.bias, 2.weight [4,4], 2.bias, 4.weight [2,4], 4.bias: 46 parameters
using Net = lm::Sequential<lm::Linear<3, 4>, lm::ReLU, lm::Linear<4, 4>, lm::ReLU, lm::Linear<4, 2>>;
using M = lm::Model<Net, lm::Shape<3>>;

// Linear<3, 4> that counts its backward passes.
struct counted_linear : lm::Linear<3, 4> {
  static inline int backward_calls = 0;
  template <lm::dims In, class Backend>
  static void backward(Backend b, const lm::backward_args& a) {
    ++backward_calls;
    lm::Linear<3, 4>::backward<In>(b, a);
  }
};

const lamina_test::fixture& freeze_fixture() {
  static const lamina_test::fixture f(std::string(LAMINA_TEST_FIXTURES) + "/freeze.txt");
  return f;
}

// Five training steps on the fixture's batch; `before(k)` runs before step k (from 0). Checks the
// first step's gradients and the parameters after every step against PyTorch's.
template <class Optimizer, class Before>
void check_against_fixture(const std::string& tag, M& model, Optimizer& o, Before before) {
  const auto& f = freeze_fixture();
  const auto& x = f.tensor("x").values;
  const lm::ConstTensorView y{f.tensor("y").values.data(), lm::make_dims(6, 2)};
  for (int k = 0; k < 5; ++k) {
    before(k);
    lm::train::step(model, x, 6, y, lm::loss::MSE{}, o);
    INFO(tag << " step " << k + 1);
    if (k == 0)
      REQUIRE_THAT(lamina_test::values(model.to_host(model.gradients())),
                   close_to(f.tensor(tag + ".grad1"), 1e-5, 1e-7));
    REQUIRE_THAT(lamina_test::values(model.to_host(model.parameters())),
                 close_to(f.tensor(tag + ".step" + std::to_string(k + 1)), 1e-5, 1e-6));
  }
}
}  // namespace

TEST_CASE("freeze: AdamW with a frozen first layer, then frozen biases, matches requires_grad_(False)", "[optim][freeze]") {
  M model(1);
  model.from_host(freeze_fixture().tensor("params0").values, model.parameters());
  model.freeze({.layers = {0}});
  opt::AdamW adamw(model, {.lr = 0.05, .weight_decay = 0.1});
  check_against_fixture("adamw", model, adamw, [&](int k) {
    if (k == 2) model.freeze({.names = {"*.bias"}});  // their Adam state stops where it was
  });
  CHECK(model.is_frozen("0.weight"));
  CHECK(model.is_frozen("2.bias"));
  CHECK_FALSE(model.is_frozen("2.weight"));
}

TEST_CASE("freeze: SGD with momentum, layers frozen for two steps and then unfrozen, matches PyTorch", "[optim][freeze]") {
  M model(1);
  model.from_host(freeze_fixture().tensor("params0").values, model.parameters());
  opt::SGD sgd(model, {.lr = 0.1f, .momentum = 0.9f, .weight_decay = 0.01f});
  check_against_fixture("sgd", model, sgd, [&](int k) {
    if (k == 0) model.freeze({.layers = {0, 2}});
    if (k == 2) model.unfreeze({.names = {"*"}});
  });
  CHECK(model.frozen().empty());
}

TEST_CASE("freeze: frozen layers still pass gradients to the input, and ParamGroups skips them", "[optim][freeze]") {
  const auto& f = freeze_fixture();
  const auto& x = f.tensor("x").values;
  const lm::ConstTensorView y{f.tensor("y").values.data(), lm::make_dims(6, 2)};
  auto input_grad = [&](bool frozen) {
    M model(1);
    model.from_host(f.tensor("params0").values, model.parameters());
    if (frozen) model.freeze({.layers = {0, 2}});
    model.compute_input_grad(true);
    const auto out = model.forward(x, 6);
    lm::loss::evaluate(lm::loss::MSE{}, lm::cpu{}, out, y, model.output_grad());
    model.backward();
    const auto g = lamina_test::values(model.to_host(model.gradients()));
    if (frozen) CHECK(std::vector<float>(g.begin(), g.begin() + 36) == std::vector<float>(36, 0.f));  // layers 0, 2
    return lamina_test::values(model.to_host(model.input_grad()));
  };
  CHECK(input_grad(true) == input_grad(false));

  M model(1);
  model.from_host(f.tensor("params0").values, model.parameters());
  model.freeze({.layers = {4}});
  opt::ParamGroups<opt::SGD<>> groups(model, {.lr = 0.1f, .weight_decay = 0.1f}, {{.layers = {0}, .lr = 0.01}});
  lm::train::step(model, x, 6, y, lm::loss::MSE{}, groups);
  const auto after = lamina_test::values(model.to_host(model.parameters()));
  const auto& p0 = f.tensor("params0").values;
  CHECK(std::vector<float>(after.begin() + 36, after.end()) == std::vector<float>(p0.begin() + 36, p0.end()));
  CHECK(after[0] != p0[0]);
}

TEST_CASE("freeze: backward skips the leading layers whose parameters are all frozen", "[optim][freeze]") {
  lm::Model<lm::Sequential<counted_linear, lm::ReLU, lm::Linear<4, 2>>, lm::Shape<3>> model(1);
  const std::vector<float> x(2 * 3, 0.5f);
  auto backward_calls = [&] {
    counted_linear::backward_calls = 0;
    model.forward(x, 2);
    model.backward();
    return counted_linear::backward_calls;
  };
  CHECK(backward_calls() == 1);
  model.freeze({.names = {"0.weight"}});  // 0.bias still trains: layer 0 needs its backward
  CHECK(backward_calls() == 1);
  model.freeze({.layers = {0}});
  CHECK(backward_calls() == 0);
  model.compute_input_grad(true);  // dx passes through the frozen layer
  CHECK(backward_calls() == 1);
  CHECK(lamina_test::values(model.to_host(model.gradient("0.weight"))) == std::vector<float>(12, 0.f));
  model.compute_input_grad(false);
  model.unfreeze({.layers = {0}});
  CHECK(backward_calls() == 1);
}

TEST_CASE("freeze: a selection that takes nothing is an error naming the parameters", "[optim][freeze]") {
  M model(1);
  CHECK_THROWS_WITH(model.freeze({.names = {"*.baias"}}),
                    Catch::Contains("Model::freeze") && Catch::Contains("0.weight, 0.bias, 2.weight"));
  CHECK_THROWS_WITH(model.unfreeze({.layers = {1}}), Catch::Contains("Model::unfreeze"));  // ReLU: no parameters
  CHECK_THROWS_WITH(model.freeze({}), Catch::Contains("takes no parameter"));
  CHECK(model.frozen().empty());
}

TEST_CASE("frozen_ranges: merging, splitting, covering and the trainable runs", "[optim][freeze]") {
  lm::frozen_ranges r;
  r.set(10, 20, true);
  r.set(20, 30, true);  // adjacent: merged
  r.set(40, 50, true);
  REQUIRE(r.ranges().size() == 2);
  CHECK((r.ranges()[0].begin == 10 && r.ranges()[0].end == 30));
  CHECK(r.covers(12, 28));
  CHECK_FALSE(r.covers(25, 45));
  CHECK(r.covers(5, 5));
  r.set(15, 45, false);  // splits both
  REQUIRE(r.ranges().size() == 2);
  CHECK((r.ranges()[0].begin == 10 && r.ranges()[0].end == 15));
  CHECK((r.ranges()[1].begin == 45 && r.ranges()[1].end == 50));
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  r.for_each_trainable(0, 60, [&](std::size_t b, std::size_t e) { runs.emplace_back(b, e); });
  CHECK(runs == std::vector<std::pair<std::size_t, std::size_t>>{{0, 10}, {15, 45}, {50, 60}});
  runs.clear();
  r.for_each_trainable(12, 48, [&](std::size_t b, std::size_t e) { runs.emplace_back(b, e); });
  CHECK(runs == std::vector<std::pair<std::size_t, std::size_t>>{{15, 45}});
}
