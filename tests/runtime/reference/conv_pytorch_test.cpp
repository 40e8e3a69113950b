// Conv2d and ConvTranspose2d against PyTorch: output, input gradient and parameter gradients
// for the configurations of tests/fixtures/make_fixtures.py (conv_configs, written to
// tests/fixtures/conv.txt with torch 2.15.0, float32). Tolerance: relative 1e-4, absolute 1e-5
// (sums of up to a few hundred products of unit-scale values).
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <string>

#include "runtime/fixture.hpp"
#include "runtime/reference/layer_reference.hpp"

namespace {

namespace lm = lamina;
using lamina_test::fixture;

constexpr double kRel = 1e-4, kAbs = 1e-5;

const fixture& conv_fixture() {
  static const fixture f(std::string(LAMINA_TEST_FIXTURES) + "/conv.txt");
  return f;
}

// One layer L on per-sample input In, named `tag` in the fixture; a bare layer's parameters are
// named like the PyTorch module's ("weight", "bias"), and it has exactly those.
template <class L, class In>
void check_layer(const std::string& tag) {
  REQUIRE(lm::Model<L, In>(3).named_parameters().size() == L::parameters.size());
  lamina_test::check_layer<L, In>(conv_fixture(), tag, kRel, kAbs);
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
