// Every layer's backward against central finite differences, inside small networks so that
// both parameter and input gradients are exercised.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <vector>

namespace lm = lamina;

namespace {
template <class Net, class In>
void check(std::size_t batch, std::uint64_t seed = 3, lm::testing::gradient_check_options opt = {}) {
  lm::Model<Net, In> model(seed);
  lm::rng gen(seed + 100);
  std::vector<float> x(batch * In::size);
  for (float& v : x) v = gen.uniform(-1.f, 1.f);
  opt.max_checks_per_tensor = 48;
  const auto result = lm::testing::check_gradients(model, x, batch, opt);
  INFO(result.report());
  REQUIRE(result.checked > 0);
  REQUIRE(result.ok());
}
}  // namespace

TEST_CASE("Linear gradients, with and without bias, over leading dimensions", "[gradcheck][layers]") {
  check<lm::Sequential<lm::Linear<6, 5>>, lm::Shape<6>>(4);
  check<lm::Sequential<lm::Linear<6, 5, false>>, lm::Shape<6>>(3);
  check<lm::Linear<7, 3>, lm::Shape<4, 7>>(2);
  check<lm::Sequential<lm::Linear<1, 1>>, lm::Shape<1>>(1);
}

TEST_CASE("Activation gradients", "[gradcheck][layers]") {
  check<lm::Sequential<lm::Linear<5, 9>, lm::ReLU, lm::Linear<9, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 9>, lm::LeakyReLU, lm::Linear<9, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 9>, lm::LeakyReLUOf<0.2f>, lm::Linear<9, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 9>, lm::Sigmoid, lm::Linear<9, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 9>, lm::Tanh, lm::Linear<9, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 9>, lm::GELU, lm::Linear<9, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 9>, lm::GELUTanh, lm::Linear<9, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 9>, lm::SiLU, lm::Linear<9, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 9>, lm::ELU, lm::Linear<9, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 9>, lm::SoftplusOf<2.0f, 5.0f>, lm::Linear<9, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 9>, lm::Softmax>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 6>, lm::Softmax>, lm::Shape<3, 5>>(2);
  check<lm::Sequential<lm::Linear<5, 6>, lm::LogSoftmax, lm::Linear<6, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Linear<5, 6>, lm::SoftmaxOf<1>, lm::Linear<6, 3>>, lm::Shape<4, 5>>(2);
  check<lm::Sequential<lm::Linear<5, 6>, lm::LogSoftmaxOf<-2>, lm::Linear<6, 3>>, lm::Shape<2, 4, 5>>(2);
}

TEST_CASE("Pooling options, AdaptiveAvgPool2d and Upsample gradients", "[gradcheck][layers][pooling]") {
  using Conv = lm::Conv2d<2, 3, 3, 1, 1>;
  check<lm::Sequential<Conv, lm::MaxPool2d<3, 2, 0, 1, true>>, lm::Shape<2, 6, 7>>(2);
  check<lm::Sequential<Conv, lm::MaxPool2d<2, 1, 1, 2>>, lm::Shape<2, 5, 4>>(2);
  check<lm::Sequential<Conv, lm::AvgPool2d<3, 2, 1, true, false>>, lm::Shape<2, 6, 7>>(2);
  check<lm::Sequential<Conv, lm::AdaptiveAvgPool2d<3, 2>>, lm::Shape<2, 7, 5>>(2);
  check<lm::Sequential<Conv, lm::AdaptiveAvgPool2d<4, 6>>, lm::Shape<2, 3, 4>>(2);
  check<lm::Sequential<Conv, lm::Upsample<2>>, lm::Shape<2, 3, 4>>(2);
  check<lm::Sequential<Conv, lm::Upsample<3, lm::upsample_mode::bilinear>>, lm::Shape<2, 3, 2>>(2);
}

TEST_CASE("Concat gradients: a U-Net level, view branches, parameters in several branches",
          "[gradcheck][layers][concat]") {
  using Inner = lm::Sequential<lm::MaxPool2d<2>, lm::Conv2d<3, 3, 3, 1, 1>, lm::Tanh, lm::Upsample<2>>;
  check<lm::Sequential<lm::Conv2d<2, 3, 3, 1, 1>, lm::Concat<1, lm::Identity, Inner>, lm::Conv2d<6, 2, 1>>,
        lm::Shape<2, 4, 4>>(2);
  check<lm::Sequential<lm::Linear<4, 5>, lm::Concat<-1, lm::Linear<5, 2>, lm::Identity, lm::Sequential<lm::Tanh, lm::Linear<5, 3>>>,
                       lm::Linear<10, 2>>,
        lm::Shape<3, 4>>(2);
  // Along a middle dimension, with a view (Flatten) branch.
  check<lm::Sequential<lm::Linear<4, 6>, lm::Concat<1, lm::Identity, lm::FlattenOf<-1, -1>, lm::LayerNorm<6>>,
                       lm::Linear<6, 2>>,
        lm::Shape<2, 4>>(2);
}

TEST_CASE("LayerNorm and GroupNorm gradients", "[gradcheck][layers][norm]") {
  check<lm::Sequential<lm::Linear<5, 6>, lm::LayerNorm<6>, lm::Linear<6, 3>>, lm::Shape<4, 5>>(3);
  check<lm::Sequential<lm::Linear<5, 5>, lm::LayerNorm<3, 5>, lm::Linear<5, 2>>, lm::Shape<3, 5>>(2);
  check<lm::Sequential<lm::Linear<5, 6>, lm::LayerNormOf<lm::Shape<6>, 1e-3f, false>, lm::Linear<6, 3>>, lm::Shape<5>>(4);
  check<lm::Sequential<lm::Conv2d<2, 6, 3, 1, 1>, lm::GroupNorm<3, 6>, lm::Conv2d<6, 2, 1>>, lm::Shape<2, 4, 3>>(2);
  check<lm::Sequential<lm::Linear<5, 8>, lm::GroupNorm<2, 8, 1e-3f, false>, lm::Linear<8, 3>>, lm::Shape<5>>(3);
  check<lm::Sequential<lm::Conv2d<2, 3, 3, 1, lm::padding_same>, lm::BatchNorm2d<3, 1e-5f, 0.1f, true, false>,
                       lm::Conv2d<3, 2, 1>>,
        lm::Shape<2, 4, 3>>(3);
}

TEST_CASE("Flatten and nested Sequential gradients", "[gradcheck][layers]") {
  using Block = lm::Sequential<lm::Linear<8, 8>, lm::Tanh>;
  check<lm::Sequential<lm::Flatten, lm::Linear<12, 8>, Block, Block, lm::Linear<8, 2>>, lm::Shape<3, 2, 2>>(3);
  // A view as the last layer, and a network whose first layer has no parameters.
  check<lm::Sequential<lm::Sigmoid, lm::Linear<4, 6>, lm::Flatten>, lm::Shape<4>>(2);
  check<lm::Sequential<lm::Linear<3, 4>, lm::Sequential<lm::ReLU, lm::Linear<4, 4>>, lm::Flatten>, lm::Shape<3>>(5);
  // A partial flatten between two Linears on leading dimensions.
  check<lm::Sequential<lm::Linear<3, 4>, lm::FlattenOf<1, 2>, lm::Linear<4, 3>>, lm::Shape<2, 5, 3>>(2);
}

TEST_CASE("Larger batches go through the blocked and threaded kernels", "[gradcheck][layers]") {
  check<lm::Sequential<lm::Linear<40, 70>, lm::Tanh, lm::Linear<70, 33>>, lm::Shape<40>>(67);
}

namespace {
// A layer with a deliberately wrong backward (factor 2): the checker must catch it.
struct BrokenScale {
  static constexpr std::string_view name = "BrokenScale";
  static constexpr std::size_t param_count = 0;
  static constexpr bool accepts(lm::dims) { return true; }
  static constexpr lm::dims output(lm::dims in) { return in; }
  static constexpr lm::dims expected(lm::dims in) { return in; }
  template <lm::dims In, class B> static void forward(B, const lm::forward_args& a) {
    for (std::size_t i = 0; i < a.batch * In.size(); ++i) a.y[i] = 3.f * a.x[i];
  }
  template <lm::dims In, class B> static void backward(B, const lm::backward_args& a) {
    if (a.dx)
      for (std::size_t i = 0; i < a.batch * In.size(); ++i) a.dx[i] = 6.f * a.dy[i];
  }
};
}  // namespace

TEST_CASE("The gradient checker reports a wrong backward", "[gradcheck]") {
  lm::Model<lm::Sequential<lm::Linear<4, 4>, BrokenScale>, lm::Shape<4>> model(1);
  std::vector<float> x(8, 0.5f);
  const auto result = lm::testing::check_gradients(model, x, 2);
  REQUIRE_FALSE(result.ok());
  REQUIRE_THAT(result.report(), Catch::Contains("0.weight"));
}
