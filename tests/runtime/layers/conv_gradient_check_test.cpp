// Conv2d and ConvTranspose2d backward against central finite differences, over strides,
// paddings, dilations, groups, output paddings, odd sizes, with and without bias. Each layer
// sits behind another layer with parameters, so that its input gradient is exercised too
// (and in front of one, so that the kernels see a non-trivial upstream gradient).
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lm = lamina;

namespace {
template <class Net, class In>
void check(std::size_t batch, std::uint64_t seed = 5) {
  lm::Model<Net, In> model(seed);
  lm::rng gen(seed + 100);
  std::vector<float> x(batch * In::size);
  for (float& v : x) v = gen.uniform(-1.f, 1.f);
  lm::testing::gradient_check_options opt;
  opt.max_checks_per_tensor = 40;
  const auto result = lm::testing::check_gradients(model, x, batch, opt);
  INFO(result.report());
  REQUIRE(result.checked > 0);
  REQUIRE(result.ok());
}
// What the CPU's plan picks (kernels/cpu/conv2d_plan.hpp), so that each path is known to be tested.
constexpr auto implicit = lm::kernels::conv_algorithm::implicit_gemm;
constexpr auto dx_col2im = lm::kernels::conv_dx_algorithm::col2im;
constexpr auto dx_convolution = lm::kernels::conv_dx_algorithm::convolution;
constexpr auto dx_implicit = lm::kernels::conv_dx_algorithm::implicit_convolution;
}  // namespace

TEST_CASE("Conv2d gradients: strides, paddings, dilations, bias", "[conv][gradcheck][layers]") {
  // The layer under test directly on the input (input gradient computed by the checker).
  check<lm::Conv2d<2, 3, 3>, lm::Shape<2, 6, 5>>(2);
  check<lm::Conv2d<2, 3, 3, 1, 1>, lm::Shape<2, 5, 7>>(3);
  check<lm::Conv2d<3, 4, 3, 2, 1>, lm::Shape<3, 7, 6>>(2);
  check<lm::Conv2d<2, 2, 5, 2, 2>, lm::Shape<2, 9, 9>>(2);
  check<lm::Conv2d<2, 3, 3, 3, 2>, lm::Shape<2, 8, 7>>(2);
  check<lm::Conv2d<2, 3, 3, 1, 2, 2>, lm::Shape<2, 6, 6>>(2);       // dilation 2
  check<lm::Conv2d<1, 2, 2, 2, 0, 3>, lm::Shape<1, 7, 8>>(2);       // dilation 3, stride 2
  check<lm::Conv2d<3, 4, 3, 1, 1, 1, 1, false>, lm::Shape<3, 5, 5>>(2);  // no bias
  check<lm::Conv2d<2, 3, 1>, lm::Shape<2, 3, 4>>(2);                // 1x1
  check<lm::Conv2d<1, 2, 4, 1, 0>, lm::Shape<1, 4, 4>>(3);          // kernel = input
  check<lm::Conv2d<2, 2, 3, 1, 3>, lm::Shape<2, 3, 4>>(2);          // padding > kernel extent - 1: col2im dx
  check<lm::Conv2d<3, 2, 2, 1, 1, 3>, lm::Shape<3, 5, 4>>(2);       // even kernel, dilation 3
  // In > Out at stride 1: dx as a convolution of dy with the rotated kernel.
  static_assert(lm::Conv2d<4, 2, 3, 1, 1>::plan<lm::cpu>(lm::make_dims(4, 5, 6)).dx == dx_convolution &&
                lm::Conv2d<2, 4, 3, 1, 1>::plan<lm::cpu>(lm::make_dims(2, 5, 6)).dx == dx_col2im);
  check<lm::Conv2d<4, 2, 3, 1, 1>, lm::Shape<4, 5, 6>>(3);
  check<lm::Conv2d<5, 3, 3, 1, 0, 2>, lm::Shape<5, 6, 7>>(2);
  check<lm::Conv2d<6, 4, 3, 1, 2, 1, 2, false>, lm::Shape<6, 4, 5>>(2);  // groups
}

TEST_CASE("Conv2d gradients: groups", "[conv][gradcheck][layers]") {
  check<lm::Conv2d<4, 6, 3, 1, 1, 1, 2>, lm::Shape<4, 5, 5>>(2);
  check<lm::Conv2d<4, 4, 3, 2, 1, 1, 4>, lm::Shape<4, 7, 7>>(2);      // depthwise
  check<lm::Conv2d<6, 3, 3, 1, 0, 2, 3, false>, lm::Shape<6, 7, 6>>(2);
}

TEST_CASE("Conv2d gradients inside networks (small positions batch samples into one GEMM)",
          "[conv][gradcheck][layers]") {
  using Net = lm::Sequential<lm::Conv2d<2, 4, 3, 1, 1>, lm::Tanh, lm::Conv2d<4, 3, 3, 2, 1>, lm::Flatten,
                             lm::Linear<27, 4>>;
  check<Net, lm::Shape<2, 5, 6>>(5);
  // 2x2 outputs: 64+ samples' columns per GEMM, several chunks.
  using Small = lm::Sequential<lm::Conv2d<3, 5, 3, 2, 1>, lm::Tanh, lm::Conv2d<5, 4, 2>, lm::Flatten,
                               lm::Linear<4, 2>>;
  check<Small, lm::Shape<3, 4, 4>>(70);
}

TEST_CASE("Conv layers' implicit-im2col path (large enough images)", "[conv][gradcheck][layers]") {
  using lm::Shape;
  static_assert(lm::Conv2d<4, 3, 3, 1, 1>::plan<lm::cpu>(Shape<4, 12, 12>::value).algorithm == implicit &&
                lm::Conv2d<4, 3, 3, 1, 1>::plan<lm::cpu>(Shape<4, 12, 12>::value).same_padding);
  check<lm::Conv2d<4, 3, 3, 1, 1>, Shape<4, 12, 12>>(2);             // same padding: one dy frame
  static_assert(lm::Conv2d<4, 3, 3>::plan<lm::cpu>(Shape<4, 14, 13>::value).dx == dx_implicit);
  check<lm::Conv2d<4, 3, 3>, Shape<4, 14, 13>>(3);                   // no padding: two dy frames
  check<lm::Conv2d<2, 3, 3>, Shape<2, 14, 13>>(2);                   // few inputs: col2im dx
  static_assert(lm::Conv2d<2, 3, 3, 1, 2, 2, 1, false>::plan<lm::cpu>(Shape<2, 24, 24>::value).algorithm == implicit);
  check<lm::Conv2d<2, 3, 3, 1, 2, 2, 1, false>, Shape<2, 24, 24>>(2); // dilation 2, no bias
  check<lm::Conv2d<4, 6, 3, 1, 1, 1, 2>, Shape<4, 12, 12>>(2);       // groups
  static_assert(lm::Conv2d<2, 3, 3, 1, 3>::plan<lm::cpu>(Shape<2, 14, 14>::value).algorithm == implicit);
  check<lm::Conv2d<2, 3, 3, 1, 3>, Shape<2, 14, 14>>(2);             // padding > D(K-1): col2im dx
  static_assert(lm::Conv2d<3, 4, 5, 2, 2>::plan<lm::cpu>(Shape<3, 32, 32>::value).algorithm == implicit);
  check<lm::Conv2d<3, 4, 5, 2, 2>, Shape<3, 32, 32>>(2);             // stride 2: phases
  static_assert(lm::ConvTranspose2d<4, 3, 5, 2, 2, 1>::plan<lm::cpu>(Shape<4, 16, 16>::value).algorithm == implicit);
  check<lm::ConvTranspose2d<4, 3, 5, 2, 2, 1>, Shape<4, 16, 16>>(2); // backward from dy's phases
}

TEST_CASE("ConvTranspose2d gradients: strides, paddings, output paddings, dilations, groups, bias",
          "[conv][gradcheck][layers]") {
  check<lm::ConvTranspose2d<2, 3, 3>, lm::Shape<2, 4, 5>>(2);
  check<lm::ConvTranspose2d<3, 2, 3, 2, 1>, lm::Shape<3, 4, 3>>(2);
  check<lm::ConvTranspose2d<3, 2, 3, 2, 1, 1>, lm::Shape<3, 3, 4>>(2);       // output padding
  check<lm::ConvTranspose2d<2, 2, 5, 2, 2, 1>, lm::Shape<2, 3, 3>>(3);       // W4's decoder shape
  check<lm::ConvTranspose2d<2, 3, 4, 3, 1, 2>, lm::Shape<2, 3, 2>>(2);
  check<lm::ConvTranspose2d<2, 3, 3, 1, 1, 0, 1, false>, lm::Shape<2, 5, 5>>(2);  // no bias
  check<lm::ConvTranspose2d<4, 6, 3, 2, 1, 1, 2>, lm::Shape<4, 3, 3>>(2);         // groups
  check<lm::ConvTranspose2d<2, 3, 3, 1, 2, 0, 1, true, 2>, lm::Shape<2, 4, 5>>(2); // dilation 2
  check<lm::ConvTranspose2d<2, 2, 3, 1, 0, 1, 1, true, 2>, lm::Shape<2, 3, 3>>(2); // op < dilation
}

TEST_CASE("A small convolutional autoencoder's gradients", "[conv][gradcheck][layers]") {
  using AE = lm::Sequential<lm::Conv2d<3, 4, 5, 2, 2>, lm::ReLU, lm::Conv2d<4, 5, 5, 2, 2>,
                            lm::ConvTranspose2d<5, 4, 5, 2, 2, 1>, lm::ReLU,
                            lm::ConvTranspose2d<4, 3, 5, 2, 2, 1>, lm::Sigmoid>;
  static_assert(std::is_same_v<lm::output_shape_t<AE, lm::Shape<3, 8, 8>>, lm::Shape<3, 8, 8>>);
  check<AE, lm::Shape<3, 8, 8>>(3);
}

TEST_CASE("Conv layers give the same bits for any number of threads", "[conv][layers]") {
#ifdef _OPENMP
  using Net = lm::Sequential<lm::Conv2d<3, 8, 3, 1, 1>, lm::ReLU, lm::Conv2d<8, 8, 3, 2, 1>, lm::ReLU,
                             lm::ConvTranspose2d<8, 4, 3, 2, 1, 1>, lm::ReLU, lm::Conv2d<4, 2, 3, 1, 1>>;
  using In = lm::Shape<3, 20, 20>;
  const std::size_t batch = 7;
  std::vector<float> x(batch * In::size);
  lm::rng gen(1);
  for (float& v : x) v = gen.uniform(-1.f, 1.f);
  auto run = [&](int threads) {
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    lm::Model<Net, In> model(9);
    model.compute_input_grad(true);
    const auto y = model.forward(x, batch);
    std::vector<float> out(y.begin(), y.end());
    for (std::size_t i = 0; i < out.size(); ++i) model.output_grad()[i] = float(i % 7) - 3.f;
    model.backward();
    out.insert(out.end(), model.gradients().begin(), model.gradients().end());
    out.insert(out.end(), model.input_grad().begin(), model.input_grad().end());
    omp_set_num_threads(saved);
    return out;
  };
  const auto one = run(1), two = run(2), three = run(3);
  REQUIRE(one == two);
  REQUIRE(one == three);
#endif
}
