// Initialisers: PyTorch's gains and fans, the distributions' bounds and moments, and seeds.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <cmath>
#include <vector>

namespace lm = lamina;
namespace init = lamina::init;

namespace {
struct moments {
  double mean = 0, std = 0, min = 1e30, max = -1e30;
};
moments measure(const std::vector<float>& v) {
  moments m;
  for (float x : v) {
    m.mean += x;
    m.min = std::min<double>(m.min, x);
    m.max = std::max<double>(m.max, x);
  }
  m.mean /= double(v.size());
  for (float x : v) m.std += (x - m.mean) * (x - m.mean);
  m.std = std::sqrt(m.std / double(v.size()));
  return m;
}
template <class Init>
moments sample(Init f, lm::dims shape, std::uint64_t seed = 1) {
  std::vector<float> w(shape.size());
  lm::rng gen(seed);
  f(lm::TensorView{w.data(), shape}, gen);
  return measure(w);
}
}  // namespace

TEST_CASE("Gains and fans follow torch.nn.init", "[init]") {
  REQUIRE(init::calculate_gain(init::nonlinearity::relu) == Approx(std::sqrt(2.0)));
  REQUIRE(init::calculate_gain(init::nonlinearity::tanh) == Approx(5.0 / 3.0));
  REQUIRE(init::calculate_gain(init::nonlinearity::leaky_relu, std::sqrt(5.0f)) == Approx(std::sqrt(1.0 / 3.0)));
  REQUIRE(init::calculate_gain(init::nonlinearity::sigmoid) == 1.0f);
  const auto f = init::compute_fans(lm::make_dims(16, 3, 5, 5));
  REQUIRE(f.in == 75);
  REQUIRE(f.out == 400);
  REQUIRE_THROWS_WITH(init::compute_fans(lm::make_dims(10)), Catch::Contains("rank >= 2"));
}

TEST_CASE("Distributions have the bounds and moments PyTorch's formulas give", "[init]") {
  const auto shape = lm::make_dims(256, 400);  // fan_in 400, fan_out 256
  {
    const auto m = sample(init::kaiming_uniform{.nonlinearity = init::nonlinearity::relu}, shape);
    const double bound = std::sqrt(2.0) * std::sqrt(3.0 / 400);
    REQUIRE(m.max <= bound);
    REQUIRE(m.min >= -bound);
    REQUIRE(m.std == Approx(bound / std::sqrt(3.0)).epsilon(0.02));
  }
  {
    const auto m = sample(init::kaiming_normal{.mode = init::fan_mode::fan_out,
                                               .nonlinearity = init::nonlinearity::relu}, shape);
    REQUIRE(m.mean == Approx(0).margin(3e-3));
    REQUIRE(m.std == Approx(std::sqrt(2.0 / 256)).epsilon(0.02));
  }
  {
    const auto m = sample(init::xavier_uniform{}, shape);
    REQUIRE(m.max <= std::sqrt(6.0 / 656));
    REQUIRE(m.std == Approx(std::sqrt(6.0 / 656) / std::sqrt(3.0)).epsilon(0.02));
  }
  {
    const auto m = sample(init::xavier_normal{.gain = 2.f}, shape);
    REQUIRE(m.std == Approx(2 * std::sqrt(2.0 / 656)).epsilon(0.02));
  }
  {
    const auto m = sample(init::constant{0.25f}, shape);
    REQUIRE(m.min == 0.25);
    REQUIRE(m.max == 0.25);
  }
}

TEST_CASE("Linear's default initialisation is PyTorch's", "[init]") {
  lm::Model<lm::Sequential<lm::Linear<400, 300>>, lm::Shape<400>> model(5);
  const auto w = model.parameter("0.weight");
  const auto b = model.parameter("0.bias");
  const std::vector<float> wv(w.begin(), w.end()), bv(b.begin(), b.end());
  const double bound = 1.0 / std::sqrt(400.0);  // kaiming_uniform(a = sqrt(5)) and the bias rule
  const auto mw = measure(wv), mb = measure(bv);
  REQUIRE(mw.max <= bound);
  REQUIRE(mw.min >= -bound);
  REQUIRE(mw.max > 0.95 * bound);
  REQUIRE(mw.std == Approx(bound / std::sqrt(3.0)).epsilon(0.02));
  REQUIRE(mb.max <= bound);
  REQUIRE(mb.min >= -bound);
}

TEST_CASE("Seeds reproduce and separate initial parameters", "[init][determinism]") {
  using Net = lm::Sequential<lm::Linear<20, 30>, lm::ReLU, lm::Linear<30, 5>>;
  lm::Model<Net, lm::Shape<20>> a(11), b(11), c(12);
  const auto pa = a.parameters(), pb = b.parameters(), pc = c.parameters();
  REQUIRE(std::equal(pa.begin(), pa.end(), pb.begin()));
  REQUIRE_FALSE(std::equal(pa.begin(), pa.end(), pc.begin()));
  // Adding a layer at the end leaves the earlier layers' initial values unchanged.
  lm::Model<lm::Sequential<lm::Linear<20, 30>, lm::ReLU, lm::Linear<30, 5>, lm::Linear<5, 2>>, lm::Shape<20>> d(11);
  const auto w0 = d.parameter("0.weight");
  REQUIRE(std::equal(w0.begin(), w0.end(), a.parameter("0.weight").begin()));
}
