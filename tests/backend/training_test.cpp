// A small network trains on each backend: the loss of a fixed batch falls, and the first
// steps follow the CPU backend.
#include "backend/backends.hpp"

namespace lm = lamina;

TEMPLATE_LIST_TEST_CASE("A small network trains on every backend", LAMINA_BACKEND_TAGS "[train]",
                        lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  using Net = lm::Sequential<lm::Conv2d<1, 4, 3, 1, 1>, lm::ReLU, lm::MaxPool2d<2>, lm::Flatten, lm::Linear<64, 32>,
                             lm::BatchNorm1d<32>, lm::ReLU, lm::Dropout<0.1f>, lm::Linear<32, 3>>;
  using In = lm::Shape<1, 8, 8>;
  constexpr std::size_t batch = 24;
  lm::Model<Net, In, B> model(3);
  lm::Model<Net, In, lm::cpu> ref(3);
  lm::optim::SGD opt(model, {.lr = 0.05f, .momentum = 0.9f});
  lm::optim::SGD ref_opt(ref, {.lr = 0.05f, .momentum = 0.9f});
  // A learnable task: the class is which third of the image is brightest.
  std::vector<float> x(batch * In::size);
  std::vector<std::int32_t> y(batch);
  lm::rng gen(5);
  for (std::size_t n = 0; n < batch; ++n) {
    y[n] = std::int32_t(n % 3);
    for (std::size_t i = 0; i < In::size; ++i)
      x[n * In::size + i] = gen.uniform(0.f, 1.f) + ((i % 8) / 3 == std::size_t(y[n]) ? 1.f : 0.f);
  }
  const std::span<const std::int32_t> labels(y);
  float first = 0, last = 0;
  for (int step = 0; step < 60; ++step) {
    last = lm::train::step(model, x, batch, labels, lm::loss::CrossEntropy{}, opt);
    const float expected = lm::train::step(ref, x, batch, labels, lm::loss::CrossEntropy{}, ref_opt);
    if (step == 0) first = last;
    if (step < 3) CHECK(last == Approx(expected).epsilon(1e-4));
  }
  INFO("loss " << first << " -> " << last << " on " << lamina_test::backend_name<B>());
  CHECK(last < 0.3f * first);
}

TEMPLATE_LIST_TEST_CASE("Mixed precision trains on every backend as on the CPU", LAMINA_BACKEND_TAGS "[train][mixed]",
                        lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  using Net = lm::Sequential<lm::Conv2d<1, 4, 3, 1, 1>, lm::ReLU, lm::MaxPool2d<2>, lm::Flatten, lm::Linear<64, 16>,
                             lm::ReLU, lm::Linear<16, 3>>;
  using In = lm::Shape<1, 8, 8>;
  constexpr std::size_t batch = 12;
  std::vector<float> x(batch * In::size);
  std::vector<std::int32_t> y(batch);
  lm::rng gen(8);
  for (std::size_t n = 0; n < batch; ++n) {
    y[n] = std::int32_t(n % 3);
    for (std::size_t i = 0; i < In::size; ++i) x[n * In::size + i] = gen.uniform(-1.f, 1.f);
  }
  const std::span<const std::int32_t> labels(y);
  for (const auto p : {lm::precision::bf16, lm::precision::fp16}) {
    INFO(lm::to_string(p) << " on " << lamina_test::backend_name<B>());
    lm::Model<Net, In, B> model(4);
    lm::Model<Net, In, lm::cpu> ref(4);
    model.autocast(p);
    ref.autocast(p);
    lm::optim::SGD opt(model, {.lr = 0.05f});
    lm::optim::SGD ref_opt(ref, {.lr = 0.05f});
    lm::train::grad_scaler scaler, ref_scaler;
    for (int step = 0; step < 3; ++step) {
      const float l = lm::train::step(model, x, batch, labels, lm::loss::CrossEntropy{}, opt, scaler);
      const float expected = lm::train::step(ref, x, batch, labels, lm::loss::CrossEntropy{}, ref_opt, ref_scaler);
      CHECK(l == Approx(expected).epsilon(1e-2));
      CHECK(scaler.scale() == ref_scaler.scale());
    }
    CHECK_THAT(lamina_test::values(model.to_host(model.parameters())),
               lamina_test::close_to(lamina_test::values(ref.to_host(ref.parameters())), 1e-2, 1e-3));
  }
}
