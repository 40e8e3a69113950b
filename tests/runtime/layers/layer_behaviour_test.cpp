// What the stateful and stochastic layers do, beyond their gradients: BatchNorm's train/eval
// modes and running statistics, Dropout's mask, pooling values, FourierFeatures' formula.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <cmath>
#include <numbers>
#include <vector>

namespace lm = lamina;

TEST_CASE("BatchNorm normalises with batch statistics and tracks running ones", "[layers][batchnorm]") {
  lm::Model<lm::BatchNorm1d<2>, lm::Shape<2>> model;
  std::vector<float> x{1, 10, 2, 20, 3, 30, 6, 40};  // [4, 2]
  const auto y = model.forward(x, 4);
  // Channel 0: mean 3, biased var 3.5.
  REQUIRE(y[0] == Approx((1 - 3) / std::sqrt(3.5 + 1e-5)));
  REQUIRE(model.buffer("running_mean")[0] == Approx(0.1 * 3));
  REQUIRE(model.buffer("running_var")[0] == Approx(0.9 + 0.1 * 14.0 / 3.0));  // unbiased 4.667
  REQUIRE(model.buffer("num_batches_tracked")[0] == 1.f);
  model.forward(x, 4);
  REQUIRE(model.buffer("num_batches_tracked")[0] == 2.f);
  REQUIRE(model.buffer("running_mean")[0] == Approx(0.9 * 0.3 + 0.1 * 3));

  // Evaluation uses the running statistics and leaves them alone.
  model.eval();
  const float rm = model.buffer("running_mean")[1], rv = model.buffer("running_var")[1];
  const auto e = model.forward(x, 4);
  REQUIRE(e[1] == Approx((10 - rm) / std::sqrt(rv + 1e-5)));
  REQUIRE(model.buffer("num_batches_tracked")[0] == 2.f);
  REQUIRE(model.buffer("running_mean")[1] == rm);
}

TEST_CASE("BatchNorm2d has PyTorch's parameters and buffers", "[layers][batchnorm]") {
  lm::Model<lm::Sequential<lm::BatchNorm2d<3>>, lm::Shape<3, 2, 2>> model;
  std::vector<std::string> params, buffers;
  for (const auto& p : model.named_parameters()) params.push_back(p.name);
  for (const auto& b : model.named_buffers()) buffers.push_back(b.name);
  REQUIRE(params == std::vector<std::string>{"0.weight", "0.bias"});
  REQUIRE(buffers == std::vector<std::string>{"0.running_mean", "0.running_var", "0.num_batches_tracked"});
  REQUIRE(model.named_buffers()[2].integral);
  REQUIRE(model.parameter("0.weight")[2] == 1.f);
  REQUIRE(model.buffer("0.running_var")[1] == 1.f);
}

TEST_CASE("Dropout drops with probability p, scales the rest, and is the identity in eval", "[layers][dropout]") {
  lm::Model<lm::Dropout<0.25f>, lm::Shape<1000>> model(9);
  std::vector<float> x(20 * 1000, 2.f);
  const auto y = model.forward(x, 20);
  std::size_t zeros = 0;
  for (float v : y) {
    if (v == 0.f) ++zeros;
    else REQUIRE(v == Approx(2.f / 0.75f));
  }
  REQUIRE(double(zeros) / 20000.0 == Approx(0.25).margin(0.01));
  // Another forward draws another mask; the same seed draws the same masks.
  const std::vector<float> first(y.begin(), y.end());
  const auto again = model.forward(x, 20);
  REQUIRE_FALSE(std::equal(first.begin(), first.end(), again.begin()));
  lm::Model<lm::Dropout<0.25f>, lm::Shape<1000>> twin(9);
  const auto t = twin.forward(x, 20);
  REQUIRE(std::equal(first.begin(), first.end(), t.begin()));
  model.eval();
  const auto e = model.forward(x, 20);
  REQUIRE(std::all_of(e.begin(), e.end(), [](float v) { return v == 2.f; }));
}

TEST_CASE("Pooling computes PyTorch's windows", "[layers][pooling]") {
  static_assert(std::is_same_v<lm::output_shape_t<lm::MaxPool2d<2>, lm::Shape<3, 7, 5>>, lm::Shape<3, 3, 2>>);
  static_assert(std::is_same_v<lm::output_shape_t<lm::MaxPool2d<2, 1>, lm::Shape<9, 28, 28>>, lm::Shape<9, 27, 27>>);
  static_assert(std::is_same_v<lm::output_shape_t<lm::AvgPool2d<3, 2, 1>, lm::Shape<1, 5, 5>>, lm::Shape<1, 3, 3>>);
  std::vector<float> x{1, 2, 3, 4,  //
                       5, 6, 7, 8,  //
                       9, 10, 11, 12,  //
                       13, 14, 15, 16};
  lm::Model<lm::MaxPool2d<2>, lm::Shape<1, 4, 4>> mp;
  const auto m = mp.forward(x, 1);
  REQUIRE(std::vector<float>(m.begin(), m.end()) == std::vector<float>{6, 8, 14, 16});
  lm::Model<lm::AvgPool2d<3, 2, 1>, lm::Shape<1, 4, 4>> ap;
  const auto a = ap.forward(x, 1);
  REQUIRE(a[0] == Approx((1 + 2 + 5 + 6) / 9.0));  // padding counts in the divisor
  REQUIRE(a[3] == Approx((6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16) / 9.0));
}

TEST_CASE("FourierFeatures maps g to [cos(2 pi B g), sin(2 pi B g)] with a seeded B", "[layers][fourier]") {
  using FF = lm::FourierFeatures<2, 4, 5.0f>;
  lm::Model<FF, lm::Shape<2>> model(3), same(3), other(4);
  const auto B = model.buffer("B");
  REQUIRE(B.shape == lm::make_dims(4, 2));
  REQUIRE(std::equal(B.begin(), B.end(), same.buffer("B").begin()));
  REQUIRE_FALSE(std::equal(B.begin(), B.end(), other.buffer("B").begin()));
  std::vector<float> g{0.25f, 0.75f};
  const auto y = model.forward(g, 1);
  for (std::size_t m = 0; m < 4; ++m) {
    const double p = 2 * std::numbers::pi * (B[m * 2] * 0.25 + B[m * 2 + 1] * 0.75);
    REQUIRE(y[m] == Approx(std::cos(p)).margin(1e-4));
    REQUIRE(y[4 + m] == Approx(std::sin(p)).margin(1e-4));
  }
  // B has standard deviation sigma.
  lm::Model<lm::FourierFeatures<2, 4096, 5.0f>, lm::Shape<2>> big(1);
  double s = 0;
  for (float v : big.buffer("B")) s += double(v) * v;
  REQUIRE(std::sqrt(s / 8192) == Approx(5.0).epsilon(0.03));
}

TEST_CASE("Residual adds the skip path", "[layers][residual]") {
  lm::Model<lm::Residual<lm::Linear<3, 3>>, lm::Shape<3>> model(2);
  std::vector<float> x{1, -2, 0.5f};
  const auto y = model.forward(x, 1);
  const auto W = model.parameter("body.weight"), b = model.parameter("body.bias");
  for (std::size_t i = 0; i < 3; ++i) {
    double v = b[i] + x[i];
    for (std::size_t j = 0; j < 3; ++j) v += W[i * 3 + j] * x[j];
    REQUIRE(y[i] == Approx(v));
  }
}

TEST_CASE("Activations with options print as PyTorch prints them", "[layers][activations]") {
  CHECK(lm::layer_traits::describe<lm::GELU>() == "GELU(approximate='none')");
  CHECK(lm::layer_traits::describe<lm::GELUTanh>() == "GELU(approximate='tanh')");
  CHECK(lm::layer_traits::describe<lm::SiLU>() == "SiLU");
  CHECK(lm::layer_traits::describe<lm::ELUOf<0.5f>>() == "ELU(alpha=0.5)");
  CHECK(lm::layer_traits::describe<lm::Softplus>() == "Softplus(beta=1.0, threshold=20.0)");
  CHECK(lm::layer_traits::describe<lm::LeakyReLU>() == "LeakyReLU(negative_slope=0.01)");
  CHECK(lm::layer_traits::describe<lm::Dropout<0.5f>>() == "Dropout(p=0.5, inplace=False)");
  CHECK(lm::layer_traits::describe<lm::BatchNorm2d<16>>() ==
        "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  // A 2 x 0.5 = 1 > threshold 0.5: the identity there, softplus below.
  lm::Model<lm::SoftplusOf<2.0f, 0.5f>, lm::Shape<2>> model;
  const std::vector<float> x{0.5f, 0.1f};
  const auto y = model.forward(x, 1);
  CHECK(y[0] == 0.5f);
  CHECK(y[1] == Approx(std::log1p(std::exp(0.2)) / 2));
}
