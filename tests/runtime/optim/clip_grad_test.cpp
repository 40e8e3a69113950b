// Gradient clipping against torch.nn.utils.clip_grad_norm_ / clip_grad_value_
// (tests/fixtures/clip.txt, written by tests/fixtures/gen_optim.py with torch 2.15.0), NaN and
// argument handling, and the Trainer's clipping options.
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "runtime/fixture.hpp"

namespace {

namespace lm = lamina;
using lamina_test::close_to;

const lamina_test::fixture& clip_fixture() {
  static const lamina_test::fixture f(std::string(LAMINA_TEST_FIXTURES) + "/clip.txt");
  return f;
}

lm::TensorView view(std::vector<float>& v) { return {v.data(), lm::make_dims(v.size())}; }

}  // namespace

TEST_CASE("clip_grad_norm and clip_grad_value match PyTorch", "[optim][clip]") {
  const auto& f = clip_fixture();
  const double inf = std::numeric_limits<double>::infinity();
  struct config {
    const char* tag;
    double max_norm, norm_type;
  };
  for (const config c : {config{"norm2", 0.5, 2.0}, config{"norm1", 0.5, 1.0}, config{"norm3", 0.3, 3.0},
                         config{"norm_inf", 0.1, inf}, config{"norm_no_clip", 100.0, 2.0}}) {
    INFO(c.tag);
    std::vector<float> g = f.tensor("grad").values;
    const double norm = lm::optim::clip_grad_norm(lm::cpu{}, view(g), c.max_norm, {.norm_type = c.norm_type});
    CHECK(norm == Approx(f.scalar(std::string(c.tag) + ".norm")).epsilon(1e-6));
    CHECK_THAT(g, close_to(f.tensor(std::string(c.tag) + ".grad"), 1e-6, 1e-8));
  }
  std::vector<float> g = f.tensor("grad").values;
  lm::optim::clip_grad_value(lm::cpu{}, view(g), 0.05);
  CHECK_THAT(g, close_to(f.tensor("value.grad"), 0, 0));
}

TEST_CASE("clip_grad_norm: NaN and infinite gradients, bad arguments", "[optim][clip]") {
  std::vector<float> g{0.5f, NAN, -1.f};
  // PyTorch: a NaN norm makes every gradient NaN (unless error_if_nonfinite).
  CHECK(std::isnan(lm::optim::clip_grad_norm(lm::cpu{}, view(g), 1.0)));
  for (float x : g) CHECK(std::isnan(x));
  std::vector<float> h{0.5f, INFINITY, -1.f};
  const std::vector<float> before = h;
  CHECK_THROWS_WITH(lm::optim::clip_grad_norm(lm::cpu{}, view(h), 1.0, {.error_if_nonfinite = true}),
                    Catch::Contains("total norm of order 2") && Catch::Contains("error_if_nonfinite"));
  CHECK(h == before);  // untouched
  std::vector<float> k{NAN, 3.f, -3.f};
  lm::optim::clip_grad_value(lm::cpu{}, view(k), 1.0);
  CHECK(std::isnan(k[0]));
  CHECK(k[1] == 1.f);
  CHECK(k[2] == -1.f);
  CHECK_THROWS_WITH(lm::optim::clip_grad_norm(lm::cpu{}, view(k), -1.0), Catch::Contains("max_norm must be >= 0, got -1"));
  CHECK_THROWS_WITH(lm::optim::clip_grad_norm(lm::cpu{}, view(k), 1.0, {.norm_type = 0}),
                    Catch::Contains("norm_type must be > 0"));
  CHECK_THROWS_WITH(lm::optim::clip_grad_value(lm::cpu{}, view(k), -0.5), Catch::Contains("value must be >= 0"));
}

TEST_CASE("The Trainer clips gradients between backward and the optimizer step", "[optim][clip][trainer]") {
  using Net = lm::Sequential<lm::Linear<4, 8>, lm::ReLU, lm::Linear<8, 2>>;
  using In = lm::Shape<4>;
  std::vector<float> x(16 * 4);
  std::vector<std::int32_t> y(16);
  lm::rng gen(3);
  for (auto& v : x) v = gen.uniform(-3.f, 3.f);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = std::int32_t(i % 2);
  lm::data::ClassificationLoader loader(x, y, In::size, {.batch_size = 16, .shuffle = false});

  // Plain SGD with lr 1: each step moves the parameters by exactly the clipped gradient.
  auto one_step = [&](lm::train::trainer_options o) {
    lm::Model<Net, In> model(1);
    const lm::Tensor before = model.to_host(model.parameters());
    lm::optim::SGD opt(model, {.lr = 1.0f});
    o.progress = lm::train::progress_bar::style::silent;
    lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, o);
    trainer.fit(loader, 1);
    const lm::Tensor after = model.to_host(model.parameters());
    double sq = 0, largest = 0;
    for (std::size_t i = 0; i < after.size(); ++i) {
      const double d = double(after.data()[i]) - double(before.data()[i]);
      sq += d * d;
      largest = std::max(largest, std::abs(d));
    }
    return std::pair{std::sqrt(sq), largest};
  };
  const auto [free_norm, free_largest] = one_step({});
  REQUIRE(free_norm > 0.05);
  const auto [norm, largest] = one_step({.clip_grad_norm = 0.01});
  CHECK(norm == Approx(0.01).epsilon(1e-3));
  const auto [norm_v, largest_v] = one_step({.clip_grad_value = 1e-3});
  CHECK(largest_v <= 1e-3 + 1e-7);
  CHECK(largest_v < free_largest);
  lm::Model<Net, In> model(1);
  lm::optim::SGD opt(model, {.lr = 1.0f});
  CHECK_THROWS_WITH((lm::train::Trainer(model, lm::loss::CrossEntropy{}, opt, {.clip_grad_norm = -1})),
                    Catch::Contains("trainer_options::clip_grad_norm must be >= 0 and finite"));
}
