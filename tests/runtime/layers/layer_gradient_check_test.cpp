// Gradient checks of pooling, batch norm, dropout, residual and Fourier-feature layers.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <vector>

namespace lm = lamina;

namespace {
template <class Net, class In>
void check(std::size_t batch, bool training = true, std::uint64_t seed = 3) {
  lm::Model<Net, In> model(seed);
  model.train(training);
  lm::rng gen(seed + 100);
  std::vector<float> x(batch * In::size);
  for (float& v : x) v = gen.uniform(-1.f, 1.f);
  const auto result = lm::testing::check_gradients(model, x, batch, {.max_checks_per_tensor = 48});
  INFO(result.report());
  REQUIRE(result.checked > 0);
  REQUIRE(result.ok());
}
}  // namespace

TEST_CASE("Pooling gradients", "[gradcheck][layers][pooling]") {
  check<lm::Sequential<lm::MaxPool2d<2>, lm::Flatten, lm::Linear<18, 3>>, lm::Shape<2, 6, 6>>(3);
  check<lm::Sequential<lm::MaxPool2d<2>, lm::Flatten, lm::Linear<12, 3>>, lm::Shape<2, 7, 5>>(3);  // odd sizes: a row and a column left over
  check<lm::Sequential<lm::MaxPool2d<3, 2, 1>, lm::Flatten, lm::Linear<18, 3>>, lm::Shape<2, 5, 5>>(2);
  check<lm::Sequential<lm::MaxPool2d<2, 1>, lm::Flatten, lm::Linear<32, 3>>, lm::Shape<2, 5, 5>>(2);
  check<lm::Sequential<lm::AvgPool2d<2>, lm::Flatten, lm::Linear<18, 3>>, lm::Shape<2, 7, 6>>(3);
  check<lm::Sequential<lm::AvgPool2d<3, 2, 1>, lm::Flatten, lm::Linear<18, 3>>, lm::Shape<2, 5, 5>>(2);
}

TEST_CASE("BatchNorm gradients in training and evaluation", "[gradcheck][layers][batchnorm]") {
  check<lm::Sequential<lm::Linear<5, 6>, lm::BatchNorm1d<6>, lm::Tanh, lm::Linear<6, 2>>, lm::Shape<5>>(8);
  check<lm::Sequential<lm::Linear<5, 6>, lm::BatchNorm1d<6>, lm::Tanh, lm::Linear<6, 2>>, lm::Shape<5>>(8, false);
  check<lm::Sequential<lm::BatchNorm2d<3>, lm::Flatten, lm::Linear<48, 2>>, lm::Shape<3, 4, 4>>(4);
  check<lm::Sequential<lm::BatchNorm2d<3, 1e-3f, 0.3f, false>, lm::Flatten, lm::Linear<48, 2>>, lm::Shape<3, 4, 4>>(4);
  check<lm::Sequential<lm::BatchNorm1d<3>, lm::Flatten, lm::Linear<12, 2>>, lm::Shape<3, 4>>(5);
}

TEST_CASE("Dropout gradients follow the mask", "[gradcheck][layers][dropout]") {
  check<lm::Sequential<lm::Linear<5, 16>, lm::Dropout<0.3f>, lm::Linear<16, 2>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 16>, lm::Dropout<0.3f>, lm::Linear<16, 2>>, lm::Shape<5>>(4, false);
}

TEST_CASE("Residual gradients, identity and projected", "[gradcheck][layers][residual]") {
  using Body = lm::Sequential<lm::Linear<6, 6>, lm::Tanh, lm::Linear<6, 6>>;
  check<lm::Sequential<lm::Linear<4, 6>, lm::Residual<Body>, lm::Linear<6, 2>>, lm::Shape<4>>(3);
  check<lm::Sequential<lm::Residual<lm::Sequential<lm::Linear<4, 5>, lm::ReLU>, lm::Linear<4, 5>>>, lm::Shape<4>>(3);
  // The residual as the first layer: the skip path carries the input gradient.
  check<lm::Sequential<lm::Residual<Body>, lm::Sigmoid>, lm::Shape<6>>(2);
}

TEST_CASE("Fourier feature gradients", "[gradcheck][layers][fourier]") {
  check<lm::Sequential<lm::FourierFeatures<2, 8, 1.0f>, lm::Linear<16, 3>>, lm::Shape<2>>(5);
  check<lm::Sequential<lm::Linear<3, 2>, lm::FourierFeatures<2, 24, 0.5f>, lm::Linear<48, 3>>, lm::Shape<3>>(4);
}
