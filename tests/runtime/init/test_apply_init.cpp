// init::apply: re-drawing a built model's weights with a chosen initialiser (PyTorch's
// `nn.init.kaiming_normal_(m.weight)` loop), which tensors it touches and which it leaves.
#include <catch2/catch.hpp>
#include <lamina/init/apply.hpp>
#include <lamina/lamina.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace lm = lamina;
namespace init = lamina::init;

namespace {
struct moments {
  double mean = 0, std = 0, max_abs = 0;
};
moments measure(lm::TensorView t) {
  moments m;
  for (float x : t) m.mean += x, m.max_abs = std::max<double>(m.max_abs, std::abs(x));
  m.mean /= double(t.size());
  for (float x : t) m.std += (x - m.mean) * (x - m.mean);
  m.std = std::sqrt(m.std / double(t.size()));
  return m;
}
std::vector<float> copy(lm::TensorView t) { return {t.begin(), t.end()}; }
bool same(lm::TensorView t, const std::vector<float>& v) { return std::equal(t.begin(), t.end(), v.begin(), v.end()); }

using MLP = lm::Sequential<lm::Linear<400, 300>, lm::ReLU, lm::Linear<300, 200>, lm::ReLU, lm::Linear<200, 3>>;
using Input = lm::Shape<400>;
}  // namespace

TEST_CASE("apply draws every Linear weight with the initialiser's fans and gain", "[init][init-apply]") {
  lm::Model<MLP, Input> model(3);
  const auto b0 = copy(model.parameter("0.bias")), b2 = copy(model.parameter("2.bias"));
  const std::size_t drawn =
      init::apply(model, init::kaiming_normal{.nonlinearity = init::nonlinearity::relu}, {.seed = 9});
  REQUIRE(drawn == 3);
  const auto w0 = measure(model.parameter("0.weight")), w2 = measure(model.parameter("2.weight"));
  REQUIRE(w0.mean == Approx(0).margin(2e-3));
  REQUIRE(w0.std == Approx(std::sqrt(2.0 / 400)).epsilon(0.02));  // gain sqrt(2) / sqrt(fan_in)
  REQUIRE(w2.std == Approx(std::sqrt(2.0 / 300)).epsilon(0.02));
  // bias_init::keep (the default) leaves PyTorch's default biases as constructed.
  REQUIRE(same(model.parameter("0.bias"), b0));
  REQUIRE(same(model.parameter("2.bias"), b2));

  init::apply(model, init::xavier_uniform{}, {.seed = 9});
  const double bound = std::sqrt(6.0 / (400 + 300));
  const auto x0 = measure(model.parameter("0.weight"));
  REQUIRE(x0.max_abs <= bound);
  REQUIRE(x0.max_abs > 0.99 * bound);
  REQUIRE(x0.std == Approx(bound / std::sqrt(3.0)).epsilon(0.02));
}

TEST_CASE("apply with bias_init::zeros zeroes the biases of the layers it draws", "[init][init-apply]") {
  lm::Model<MLP, Input> model(3);
  init::apply(model, init::kaiming_uniform{.nonlinearity = init::nonlinearity::relu},
              {.bias = init::bias_init::zeros, .seed = 1});
  for (const char* name : {"0.bias", "2.bias", "4.bias"}) {
    const auto b = model.parameter(name);
    REQUIRE(std::all_of(b.begin(), b.end(), [](float v) { return v == 0.f; }));
  }
  const double bound = std::sqrt(2.0) * std::sqrt(3.0 / 300);  // layer 2: fan_in 300
  const auto w = measure(model.parameter("2.weight"));
  REQUIRE(w.max_abs <= bound);
  REQUIRE(w.max_abs > 0.99 * bound);
}

TEST_CASE("apply with PyTorch's default formula reproduces the default distribution", "[init][init-apply]") {
  lm::Model<MLP, Input> model(3);
  init::apply(model, init::kaiming_uniform{.a = std::sqrt(5.0f)}, {.seed = 4});
  const auto w = measure(model.parameter("0.weight"));
  const double bound = 1.0 / std::sqrt(400.0);
  REQUIRE(w.max_abs <= bound);
  REQUIRE(w.std == Approx(bound / std::sqrt(3.0)).epsilon(0.02));
}

TEST_CASE("apply is deterministic in its seed and independent of the model's seed", "[init][init-apply]") {
  lm::Model<MLP, Input> a(1), b(2), c(1);
  const init::kaiming_normal kn{.nonlinearity = init::nonlinearity::relu};
  init::apply(a, kn, {.seed = 5});
  init::apply(b, kn, {.seed = 5});
  init::apply(c, kn, {.seed = 6});
  REQUIRE(same(a.parameter("2.weight"), copy(b.parameter("2.weight"))));
  REQUIRE_FALSE(same(a.parameter("2.weight"), copy(c.parameter("2.weight"))));
  // Each weight has its own stream: a longer network draws the same first layers.
  lm::Model<lm::Sequential<lm::Linear<400, 300>, lm::ReLU, lm::Linear<300, 200>, lm::ReLU, lm::Linear<200, 3>,
                           lm::ReLU, lm::Linear<3, 2>>, Input> longer(7);
  init::apply(longer, kn, {.seed = 5});
  REQUIRE(same(longer.parameter("0.weight"), copy(a.parameter("0.weight"))));
}

TEST_CASE("apply leaves BatchNorm's affine parameters and buffers alone and uses conv fans",
          "[init][init-apply]") {
  using Net = lm::Sequential<lm::Conv2d<3, 8, 3, 1, 1>, lm::BatchNorm2d<8>, lm::ReLU, lm::Flatten,
                             lm::Linear<8 * 6 * 6, 4>>;
  lm::Model<Net, lm::Shape<3, 6, 6>> model(2);
  const auto bn_w = copy(model.parameter("1.weight")), bn_b = copy(model.parameter("1.bias"));
  const auto state = copy(model.state());
  REQUIRE(init::apply(model, init::kaiming_normal{.nonlinearity = init::nonlinearity::relu},
                      {.bias = init::bias_init::zeros, .seed = 3}) == 2);  // the conv and the linear weight
  REQUIRE(same(model.parameter("1.weight"), bn_w));
  REQUIRE(same(model.parameter("1.bias"), bn_b));
  REQUIRE(same(model.state(), state));
  const auto w = measure(model.parameter("0.weight"));  // [8, 3, 3, 3]: fan_in 27
  REQUIRE(w.std == Approx(std::sqrt(2.0 / 27)).epsilon(0.15));  // only 216 values
  const auto cb = model.parameter("0.bias");
  REQUIRE(std::all_of(cb.begin(), cb.end(), [](float v) { return v == 0.f; }));

  // FourierFeatures' B is a buffer: re-drawing the weights keeps it.
  using FF = lm::Sequential<lm::FourierFeatures<2, 16, 5.f>, lm::Linear<32, 8>, lm::ReLU, lm::Linear<8, 3>>;
  lm::Model<FF, lm::Shape<2>> ff(4);
  const auto B = copy(ff.buffer("0.B"));
  REQUIRE(init::apply(ff, init::xavier_uniform{}, {.seed = 1}) == 2);
  REQUIRE(same(ff.buffer("0.B"), B));
}
