// "Conv2d, ReLU" runs as one layer on the CPU's implicit path (the ReLU is the convolution's
// epilogue, forward and backward; see layer_traits::absorbs). LeakyReLU with slope 0 is the same
// function but is never absorbed, so a twin network with it computes the unfused results.
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

namespace lm = lamina;

namespace {

using Unfused = lm::LeakyReLUOf<0.0f>;

template <class Net, class Twin, class In>
void check_same(std::size_t batch) {
  lm::Model<Net, In> fused(7);
  lm::Model<Twin, In> twin(7);  // same layer types and seeds: the same parameters
  REQUIRE(fused.param_count == twin.param_count);
  fused.compute_input_grad(true);
  twin.compute_input_grad(true);
  std::vector<float> x(batch * In::size);
  lm::rng gen(3);
  for (float& v : x) v = gen.uniform(-1.f, 1.f);
  const auto y1 = fused.forward(x, batch);
  const auto y2 = twin.forward(x, batch);
  REQUIRE(y1.size() == y2.size());
  for (std::size_t i = 0; i < y1.size(); ++i) REQUIRE(y1[i] == Approx(y2[i]).margin(1e-6));
  auto g1 = fused.output_grad();
  auto g2 = twin.output_grad();
  for (std::size_t i = 0; i < g1.size(); ++i) g1[i] = g2[i] = gen.uniform(-1.f, 1.f);
  fused.backward();
  twin.backward();
  const auto p1 = fused.gradients(), p2 = twin.gradients();
  for (std::size_t i = 0; i < p1.size(); ++i) REQUIRE(p1[i] == Approx(p2[i]).epsilon(1e-5).margin(1e-5));
  const auto d1 = fused.input_grad(), d2 = twin.input_grad();
  for (std::size_t i = 0; i < d1.size(); ++i) REQUIRE(d1[i] == Approx(d2[i]).margin(1e-6));
}

}  // namespace

TEST_CASE("Conv2d absorbs a following ReLU where its implicit path can", "[layers][conv][fusion]") {
  using C1 = lm::Conv2d<1, 8, 3, 1, 1>;   // one input channel: dy framed, dx through col2im
  using C2 = lm::Conv2d<8, 8, 3, 1, 1>;   // `same` padding: one dy frame for dW and dx
  using C3 = lm::Conv2d<8, 4, 5, 1, 1>;   // not `same`: not absorbed (the twin pairing still holds)
  static_assert(lm::layer_traits::absorbs<C1, lm::cpu>(lm::epilogue::relu, lm::make_dims(1, 20, 20)));
  static_assert(lm::layer_traits::absorbs<C2, lm::cpu>(lm::epilogue::relu, lm::make_dims(8, 20, 20)));
  static_assert(!lm::layer_traits::absorbs<C3, lm::cpu>(lm::epilogue::relu, lm::make_dims(8, 20, 20)));
  static_assert(!lm::layer_traits::absorbs<C2, lm::cpu>(lm::epilogue::none, lm::make_dims(8, 20, 20)));
  static_assert(lm::layer_traits::as_epilogue<Unfused>() == lm::epilogue::none);

  // The first convolution also passes dx back (compute_input_grad), through its masked dy.
  check_same<lm::Sequential<C1, lm::ReLU, C2, lm::ReLU, C3, lm::ReLU, lm::Flatten, lm::Linear<1296, 3>>,
             lm::Sequential<C1, Unfused, C2, Unfused, C3, Unfused, lm::Flatten, lm::Linear<1296, 3>>,
             lm::Shape<1, 20, 20>>(3);
  // A ReLU as the network's last layer: the convolution writes the network's output.
  check_same<lm::Sequential<C1, lm::ReLU, C2, lm::ReLU>, lm::Sequential<C1, Unfused, C2, Unfused>,
             lm::Shape<1, 20, 20>>(2);
  // A ReLU right after the input gradient-free first layer, nested in a Sequential.
  check_same<lm::Sequential<lm::Sequential<C1, lm::ReLU>, lm::MaxPool2d<2>, lm::Flatten, lm::Linear<800, 2>>,
             lm::Sequential<lm::Sequential<C1, Unfused>, lm::MaxPool2d<2>, lm::Flatten, lm::Linear<800, 2>>,
             lm::Shape<1, 20, 20>>(4);
}

TEST_CASE("ReLU keeps a NaN, absorbed or not", "[layers][fusion]") {
  // PyTorch's relu(nan) is nan; so are the fused epilogue's and the ReLU layer's.
  lm::Model<lm::ReLU, lm::Shape<4>> relu;
  const float x[4] = {std::nanf(""), -1.f, 2.f, 0.f};
  const auto y = relu.forward(x, 1);
  CHECK(std::isnan(y[0]));
  CHECK(y[1] == 0.f);
  CHECK(y[2] == 2.f);
  CHECK(y[3] == 0.f);
}
