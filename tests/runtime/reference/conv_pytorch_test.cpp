// Conv2d and ConvTranspose2d against PyTorch: output, input gradient and parameter gradients
// for the configurations of tests/fixtures/make_fixtures.py (conv_configs, written to
// tests/fixtures/conv.txt with torch 2.15.0, float32). Tolerance: relative 1e-4, absolute 1e-5
// (sums of up to a few hundred products of unit-scale values).
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/fixture.hpp"

namespace {

namespace lm = lamina;
using lamina_test::close_to;
using lamina_test::fixture;
using lamina_test::values;

constexpr double kRel = 1e-4, kAbs = 1e-5;

const fixture& conv_fixture() {
  static const fixture f(std::string(LAMINA_TEST_FIXTURES) + "/conv.txt");
  return f;
}

std::vector<std::size_t> shape_vector(const lm::dims& d) {
  return std::vector<std::size_t>(d.d.begin(), d.d.begin() + d.rank);
}

void copy_into(lm::TensorView dst, const lamina_test::fixture_tensor<float>& src) {
  INFO("copying fixture tensor '" << src.name << "'");
  REQUIRE(shape_vector(dst.shape) == src.shape);
  std::copy(src.values.begin(), src.values.end(), dst.data);
}

template <class V>
void check(const V& actual, const fixture& f, const std::string& name) {
  const auto& expected = f.tensor(name);
  INFO(f.path() << ": " << name);
  CHECK(shape_vector(actual.shape) == expected.shape);
  REQUIRE_THAT(values(actual), close_to(expected, kRel, kAbs));
}

// One layer L on per-sample input In, named `tag` in the fixture.
template <class L, class In>
void check_layer(const std::string& tag) {
  const fixture& f = conv_fixture();
  lm::Model<L, In> model(3);
  const auto& x = f.tensor(tag + ".x");
  REQUIRE(x.shape.size() == 4);
  const std::size_t batch = x.shape[0];
  REQUIRE(x.shape == (std::vector<std::size_t>{batch, In::value[0], In::value[1], In::value[2]}));
  // A bare layer's parameters are named like the PyTorch module's: "weight", "bias".
  for (const auto& p : model.named_parameters()) copy_into(p.value, f.tensor(tag + "." + p.name));
  REQUIRE(model.named_parameters().size() == L::parameters.size());

  model.compute_input_grad(true);
  const auto y = model.forward(x.values, batch);
  check(y, f, tag + ".y");
  copy_into(model.output_grad(), f.tensor(tag + ".dy"));
  model.backward();
  check(model.input_grad(), f, tag + ".dx");
  for (const auto& p : model.named_parameters()) check(p.grad, f, tag + ".grad." + p.name);
}

}  // namespace

TEST_CASE("pytorch: Conv2d forward and backward", "[pytorch][conv]") {
  SECTION("k3 p1") { check_layer<lm::Conv2d<3, 4, 3, 1, 1>, lm::Shape<3, 6, 5>>("conv_k3_p1"); }
  SECTION("k5 s2 p2 groups 2") {
    check_layer<lm::Conv2d<4, 6, 5, 2, 2, 1, 2>, lm::Shape<4, 7, 6>>("conv_k5_s2_p2_g2");
  }
  SECTION("k3 p2 dilation 2, no bias") {
    check_layer<lm::Conv2d<2, 3, 3, 1, 2, 2, 1, false>, lm::Shape<2, 6, 7>>("conv_k3_p2_d2_nobias");
  }
  SECTION("k3 s3") { check_layer<lm::Conv2d<3, 5, 3, 3>, lm::Shape<3, 7, 8>>("conv_k3_s3"); }
  SECTION("k3 p1 groups 2, more inputs than outputs (dx as a convolution)") {
    static_assert(lm::Conv2d<6, 4, 3, 1, 1, 1, 2>::plan<lm::cpu>(lm::make_dims(6, 4, 4)).dx ==
                  lm::kernels::conv_dx_algorithm::convolution);
    check_layer<lm::Conv2d<6, 4, 3, 1, 1, 1, 2>, lm::Shape<6, 4, 4>>("conv_k3_p1_g2_in6_out4");
  }
  SECTION("one input channel") { check_layer<lm::Conv2d<1, 6, 3, 1, 1>, lm::Shape<1, 6, 6>>("conv_c1_k3_p1"); }
  SECTION("2x2 outputs, samples batched into one GEMM") {
    check_layer<lm::Conv2d<4, 6, 3, 2, 1>, lm::Shape<4, 4, 4>>("conv_k3_s2_p1_batch8");
  }
}

TEST_CASE("pytorch: ConvTranspose2d forward and backward", "[pytorch][conv]") {
  SECTION("k3 s2 p1 op1") {
    check_layer<lm::ConvTranspose2d<3, 4, 3, 2, 1, 1>, lm::Shape<3, 4, 5>>("convt_k3_s2_p1_op1");
  }
  SECTION("k5 s2 p2 op1 groups 2") {
    check_layer<lm::ConvTranspose2d<4, 6, 5, 2, 2, 1, 2>, lm::Shape<4, 3, 3>>("convt_k5_s2_p2_op1_g2");
  }
  SECTION("k3 p1 dilation 2, no bias") {
    check_layer<lm::ConvTranspose2d<2, 3, 3, 1, 1, 0, 1, false, 2>, lm::Shape<2, 5, 4>>("convt_k3_p1_d2_nobias");
  }
  SECTION("k4 s3 op2") { check_layer<lm::ConvTranspose2d<3, 2, 4, 3, 0, 2>, lm::Shape<3, 3, 3>>("convt_k4_s3_op2"); }
  SECTION("2x2 inputs, samples batched into one GEMM") {
    check_layer<lm::ConvTranspose2d<6, 4, 3, 2, 1, 1>, lm::Shape<6, 2, 2>>("convt_k3_s2_p1_op1_batch8");
  }
}

TEST_CASE("Conv layers print like PyTorch's repr", "[conv]") {
  CHECK(lm::layer_traits::describe<lm::Conv2d<1, 16, 3, 1, 1>>() ==
        "Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))");
  CHECK(lm::layer_traits::describe<lm::Conv2d<4, 6, 5, 2, 0, 2, 2, false>>() ==
        "Conv2d(4, 6, kernel_size=(5, 5), stride=(2, 2), dilation=(2, 2), groups=2, bias=False)");
  CHECK(lm::layer_traits::describe<lm::ConvTranspose2d<96, 64, 5, 2, 2, 1>>() ==
        "ConvTranspose2d(96, 64, kernel_size=(5, 5), stride=(2, 2), padding=(2, 2), output_padding=(1, 1))");
  CHECK(lm::layer_traits::describe<lm::ConvTranspose2d<2, 3, 3>>() ==
        "ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(1, 1))");
}
