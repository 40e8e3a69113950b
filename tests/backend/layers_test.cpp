// Every layer's forward and backward on each backend against the CPU backend: same seed (so
// the same parameters and buffers), same input, same output gradient; outputs, parameter
// gradients, input gradients and updated buffers agree within 1e-4.
#include "backend/backends.hpp"

namespace lm = lamina;

namespace {

template <class Net, class In, class B>
void compare_with_cpu(std::size_t batch, bool training = true, std::uint64_t seed = 7) {
  using lamina_test::close_to;
  using lamina_test::host;
  lm::Model<Net, In, lm::cpu> ref(seed);
  lm::Model<Net, In, B> dut(seed);
  ref.train(training);
  dut.train(training);
  ref.compute_input_grad(true);
  dut.compute_input_grad(true);
  const auto x = lamina_test::random_values(batch * In::size, seed + 1);
  for (int pass = 0; pass < 2; ++pass) {  // twice: running statistics and the pool get reused
    INFO("pass " << pass);
    const auto yr = ref.forward(x, batch);
    const auto yd = dut.forward(x, batch);
    REQUIRE_THAT(host<B>(yd), close_to(host<lm::cpu>(yr), 1e-4, 1e-4));
    const auto dy = lamina_test::random_values(yr.size(), seed + 2 + std::uint64_t(pass));
    lm::kernels::upload(lm::cpu{}, dy.data(), ref.output_grad().data, dy.size());
    lm::kernels::upload(B{}, dy.data(), dut.output_grad().data, dy.size());
    ref.backward();
    dut.backward();
    CHECK_THAT(host<B>(dut.gradients()), close_to(host<lm::cpu>(ref.gradients()), 1e-4, 1e-4));
    CHECK_THAT(host<B>(dut.input_grad()), close_to(host<lm::cpu>(ref.input_grad()), 1e-4, 1e-4));
    CHECK_THAT(host<B>(dut.state()), close_to(host<lm::cpu>(ref.state()), 1e-4, 1e-4));
  }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("Backends agree: Linear, activations, Softmax, Flatten", LAMINA_BACKEND_TAGS "[layers]",
                        lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  compare_with_cpu<lm::Sequential<lm::Flatten, lm::Linear<12, 9>, lm::ReLU, lm::Linear<9, 5>>, lm::Shape<3, 4>, B>(6);
  compare_with_cpu<lm::Linear<7, 3, false>, lm::Shape<2, 7>, B>(5);  // leading dims kept, no bias
  compare_with_cpu<lm::Sequential<lm::Linear<6, 6>, lm::LeakyReLU, lm::Linear<6, 6>, lm::Sigmoid>, lm::Shape<6>, B>(4);
  compare_with_cpu<lm::Sequential<lm::Linear<6, 8>, lm::Tanh, lm::Linear<8, 4>, lm::Softmax>, lm::Shape<6>, B>(4);
  compare_with_cpu<lm::Sequential<lm::Linear<6, 8>, lm::GELU, lm::Linear<8, 8>, lm::GELUTanh, lm::Linear<8, 6>, lm::SiLU>,
                   lm::Shape<6>, B>(4);
  compare_with_cpu<lm::Sequential<lm::Linear<6, 8>, lm::ELU, lm::Linear<8, 6>, lm::Softplus>, lm::Shape<6>, B>(4);
  compare_with_cpu<lm::Sequential<lm::Linear<300, 70>, lm::ReLU, lm::Linear<70, 10>>, lm::Shape<300>, B>(33);
}

TEMPLATE_LIST_TEST_CASE("Backends agree: pooling", LAMINA_BACKEND_TAGS "[layers][pooling]", lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  compare_with_cpu<lm::MaxPool2d<2>, lm::Shape<2, 6, 6>, B>(3);
  compare_with_cpu<lm::MaxPool2d<3, 2, 1>, lm::Shape<2, 7, 5>, B>(2);
  compare_with_cpu<lm::MaxPool2d<2, 1>, lm::Shape<3, 5, 5>, B>(2);
  compare_with_cpu<lm::AvgPool2d<2>, lm::Shape<2, 7, 6>, B>(3);
  compare_with_cpu<lm::AvgPool2d<3, 2, 1>, lm::Shape<2, 5, 5>, B>(2);
  compare_with_cpu<lm::MaxPool2d<3, 2, 0, 1, true>, lm::Shape<2, 6, 7>, B>(2);
  compare_with_cpu<lm::MaxPool2d<2, 1, 1, 2>, lm::Shape<2, 5, 6>, B>(2);
  compare_with_cpu<lm::AvgPool2d<3, 2, 1, true, false>, lm::Shape<2, 6, 7>, B>(2);
  compare_with_cpu<lm::AdaptiveAvgPool2d<3, 2>, lm::Shape<2, 7, 5>, B>(3);
  compare_with_cpu<lm::Upsample<2>, lm::Shape<2, 3, 4>, B>(2);
  compare_with_cpu<lm::Upsample<3, lm::upsample_mode::bilinear>, lm::Shape<2, 4, 3>, B>(2);
}

TEMPLATE_LIST_TEST_CASE("Backends agree: batch norm", LAMINA_BACKEND_TAGS "[layers][batch_norm]",
                        lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  compare_with_cpu<lm::BatchNorm1d<5>, lm::Shape<5>, B>(8);
  compare_with_cpu<lm::BatchNorm1d<3>, lm::Shape<3, 4>, B>(5);
  compare_with_cpu<lm::BatchNorm2d<4>, lm::Shape<4, 5, 6>, B>(3);
  compare_with_cpu<lm::BatchNorm2d<4, 1e-3f, 0.2f, false>, lm::Shape<4, 3, 3>, B>(2);
  compare_with_cpu<lm::BatchNorm2d<4>, lm::Shape<4, 5, 6>, B>(3, /*training=*/false);
  compare_with_cpu<lm::BatchNorm2d<3>, lm::Shape<3, 40, 40>, B>(4);  // several partial sums per channel
  compare_with_cpu<lm::BatchNorm2d<4, 1e-5f, 0.1f, true, false>, lm::Shape<4, 5, 6>, B>(3, /*training=*/false);
}

TEMPLATE_LIST_TEST_CASE("Backends agree: Concat (a U-Net level)", LAMINA_BACKEND_TAGS "[layers][concat]",
                        lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  using Inner = lm::Sequential<lm::MaxPool2d<2>, lm::Conv2d<3, 3, 3, 1, 1>, lm::GroupNorm<3, 3>, lm::ReLU,
                               lm::Upsample<2, lm::upsample_mode::bilinear>>;
  compare_with_cpu<lm::Sequential<lm::Conv2d<2, 3, 3, 1, 1>, lm::Concat<1, lm::Identity, Inner>, lm::Conv2d<6, 2, 1>>,
                   lm::Shape<2, 6, 4>, B>(3);
  compare_with_cpu<lm::Sequential<lm::Linear<4, 5>, lm::Concat<-1, lm::Linear<5, 2>, lm::Identity>>, lm::Shape<3, 4>, B>(2);
}

TEMPLATE_LIST_TEST_CASE("Backends agree: LayerNorm, GroupNorm, softmax along a dimension",
                        LAMINA_BACKEND_TAGS "[layers][norm]", lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  compare_with_cpu<lm::Sequential<lm::Linear<6, 8>, lm::LayerNorm<8>, lm::Linear<8, 4>>, lm::Shape<3, 6>, B>(5);
  compare_with_cpu<lm::LayerNormOf<lm::Shape<4, 5>, 1e-3f, false>, lm::Shape<2, 4, 5>, B>(3);
  compare_with_cpu<lm::Sequential<lm::Conv2d<2, 6, 3, 1, 1>, lm::GroupNorm<3, 6>>, lm::Shape<2, 5, 4>, B>(3);
  compare_with_cpu<lm::GroupNorm<2, 4, 1e-3f, false>, lm::Shape<4, 6>, B>(2);
  compare_with_cpu<lm::Conv2d<2, 3, 3, 1, lm::padding_same, 2>, lm::Shape<2, 7, 6>, B>(2);
  compare_with_cpu<lm::Sequential<lm::Linear<5, 6>, lm::SoftmaxOf<1>, lm::LogSoftmaxOf<-1>, lm::FlattenOf<1, 2>,
                                  lm::Linear<18, 2>>,
                   lm::Shape<3, 5>, B>(4);
}

TEMPLATE_LIST_TEST_CASE("Backends agree: dropout draws the same mask", LAMINA_BACKEND_TAGS "[layers][dropout]",
                        lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  compare_with_cpu<lm::Sequential<lm::Linear<10, 40>, lm::Dropout<0.3f>, lm::Linear<40, 4>>, lm::Shape<10>, B>(9);
  compare_with_cpu<lm::Dropout<0.5f>, lm::Shape<3, 8, 8>, B>(4);
  compare_with_cpu<lm::Dropout<0.5f>, lm::Shape<3, 8, 8>, B>(4, /*training=*/false);
}

TEMPLATE_LIST_TEST_CASE("Backends agree: residual and Fourier features", LAMINA_BACKEND_TAGS "[layers]",
                        lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  compare_with_cpu<lm::Residual<lm::Sequential<lm::Linear<6, 6>, lm::ReLU, lm::Linear<6, 6>>>, lm::Shape<6>, B>(4);
  compare_with_cpu<lm::Residual<lm::Linear<6, 4>, lm::Linear<6, 4, false>>, lm::Shape<6>, B>(4);
  compare_with_cpu<lm::Sequential<lm::FourierFeatures<2, 16, 1.5f>, lm::Linear<32, 3>>, lm::Shape<2>, B>(7);
  compare_with_cpu<lm::FourierFeatures<3, 5, 0.7f>, lm::Shape<4, 3>, B>(3);
}

TEMPLATE_LIST_TEST_CASE("Backends agree: Conv2d", LAMINA_BACKEND_TAGS "[layers][conv]", lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  compare_with_cpu<lm::Conv2d<2, 3, 3>, lm::Shape<2, 6, 5>, B>(3);
  compare_with_cpu<lm::Conv2d<3, 4, 3, 2, 1>, lm::Shape<3, 7, 8>, B>(2);
  compare_with_cpu<lm::Conv2d<2, 2, 3, 1, 2, 2>, lm::Shape<2, 6, 6>, B>(2);          // dilation
  compare_with_cpu<lm::Conv2d<4, 6, 3, 1, 1, 1, 2, false>, lm::Shape<4, 5, 5>, B>(3);  // groups, no bias
  compare_with_cpu<lm::Conv2d<6, 3, 3, 1, 1>, lm::Shape<6, 6, 7>, B>(2);  // In > Out: dx as a convolution
  compare_with_cpu<lm::Conv2d<6, 4, 3, 1, 0, 1, 2>, lm::Shape<6, 5, 5>, B>(2);  // the same, grouped
  compare_with_cpu<lm::Sequential<lm::Conv2d<1, 4, 5, 1, 2>, lm::ReLU, lm::MaxPool2d<2>, lm::Flatten,
                                  lm::Linear<4 * 7 * 7, 3>>,
                   lm::Shape<1, 14, 14>, B>(5);
}

TEMPLATE_LIST_TEST_CASE("Backends agree: ConvTranspose2d", LAMINA_BACKEND_TAGS "[layers][conv]",
                        lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  compare_with_cpu<lm::ConvTranspose2d<3, 2, 3>, lm::Shape<3, 4, 5>, B>(2);
  compare_with_cpu<lm::ConvTranspose2d<2, 3, 3, 2, 1, 1>, lm::Shape<2, 4, 4>, B>(3);  // output padding
  compare_with_cpu<lm::ConvTranspose2d<4, 2, 2, 2, 0, 0, 2, false>, lm::Shape<4, 3, 3>, B>(2);  // groups
}
