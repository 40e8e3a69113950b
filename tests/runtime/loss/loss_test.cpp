// Each loss's gradient against central differences of the loss itself (in double), plus the
// argument checks.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <cmath>
#include <vector>

namespace lm = lamina;

namespace {
// Compares grad from loss(pred, target, grad) with (loss(p + h) - loss(p - h)) / 2h.
template <class F>
void fd_check(std::vector<float> pred, lm::dims shape, F loss_of) {
  std::vector<float> grad(pred.size());
  loss_of(lm::ConstTensorView{pred.data(), shape}, lm::TensorView{grad.data(), shape});
  const float h = 1e-3f;
  for (std::size_t i = 0; i < pred.size(); ++i) {
    const float saved = pred[i];
    pred[i] = saved + h;
    const double up = loss_of(lm::ConstTensorView{pred.data(), shape}, lm::TensorView{});
    pred[i] = saved - h;
    const double down = loss_of(lm::ConstTensorView{pred.data(), shape}, lm::TensorView{});
    pred[i] = saved;
    INFO("element " << i);
    REQUIRE(grad[i] == Approx((up - down) / (2 * h)).margin(2e-3).epsilon(1e-2));
  }
}
std::vector<float> random_values(std::size_t n, std::uint64_t seed, float lo, float hi) {
  lm::rng gen(seed);
  std::vector<float> v(n);
  for (float& x : v) x = gen.uniform(lo, hi);
  return v;
}
}  // namespace

TEST_CASE("Regression losses: gradients match finite differences", "[loss][gradcheck]") {
  const auto shape = lm::make_dims(4, 3);
  const auto pred = random_values(12, 1, -2.f, 2.f);
  const auto target = random_values(12, 2, -2.f, 2.f);
  const lm::ConstTensorView t{target.data(), shape};
  for (auto r : {lm::loss::reduction::mean, lm::loss::reduction::sum}) {
    fd_check(pred, shape, [&](auto p, auto g) { return lm::loss::MSE{r}(p, t, g); });
    fd_check(pred, shape, [&](auto p, auto g) { return lm::loss::L1{r}(p, t, g); });
    fd_check(pred, shape, [&](auto p, auto g) { return lm::loss::Huber{1.0f, r}(p, t, g); });
    fd_check(pred, shape, [&](auto p, auto g) { return lm::loss::Huber{0.5f, r}(p, t, g); });
  }
}

TEST_CASE("Regression losses: values", "[loss]") {
  std::vector<float> p{1, 2, 3, 4}, t{1, 0, 5, 4.25f};
  const lm::ConstTensorView pv{p.data(), lm::make_dims(4)}, tv{t.data(), lm::make_dims(4)};
  REQUIRE(lm::loss::MSE{}(pv, tv) == Approx((0 + 4 + 4 + 0.0625) / 4));
  REQUIRE(lm::loss::L1{}(pv, tv) == Approx((0 + 2 + 2 + 0.25) / 4));
  REQUIRE(lm::loss::Huber{}(pv, tv) == Approx((0 + 1.5 + 1.5 + 0.5 * 0.0625) / 4));
  REQUIRE(lm::loss::MSE{lm::loss::reduction::sum}(pv, tv) == Approx(8.0625));
}

TEST_CASE("Classification losses: gradients match finite differences", "[loss][gradcheck]") {
  const auto shape = lm::make_dims(5, 4);
  const auto logits = random_values(20, 3, -3.f, 3.f);
  const std::vector<std::int32_t> labels{0, 3, 1, 1, 2};
  for (float smoothing : {0.0f, 0.1f})
    fd_check(logits, shape, [&](auto p, auto g) {
      return lm::loss::CrossEntropy{smoothing}(p, labels, g);
    });
  const auto targets = random_values(20, 4, 0.f, 1.f);
  fd_check(logits, shape, [&](auto p, auto g) {
    return lm::loss::BCEWithLogits{}(p, lm::ConstTensorView{targets.data(), shape}, g);
  });
}

TEST_CASE("Cross-entropy is stable for huge logits and checks its targets", "[loss]") {
  std::vector<float> logits{1000.f, -1000.f, 0.f, 0.f, 0.f, 0.f};
  const lm::ConstTensorView v{logits.data(), lm::make_dims(2, 3)};
  std::vector<std::int32_t> good{0, 2};
  REQUIRE(lm::loss::CrossEntropy{}(v, good) == Approx(std::log(3.0) / 2));
  std::vector<std::int32_t> bad{0, 3};
  REQUIRE_THROWS_WITH(lm::loss::CrossEntropy{}(v, bad), Catch::Contains("target 1 is 3") && Catch::Contains("[0, 3)"));
  std::vector<std::int32_t> short_targets{0};
  REQUIRE_THROWS_WITH(lm::loss::CrossEntropy{}(v, short_targets), Catch::Contains("got 1 targets"));
  std::vector<float> big{1e4f, -1e4f};
  std::vector<float> tgt{1.f, 0.f};
  REQUIRE(std::isfinite(lm::loss::BCEWithLogits{}(lm::ConstTensorView{big.data(), lm::make_dims(2)},
                                                  lm::ConstTensorView{tgt.data(), lm::make_dims(2)})));
}

TEST_CASE("Losses reject mismatched sizes with the sizes in the message", "[loss]") {
  std::vector<float> p(6), t(5);
  REQUIRE_THROWS_WITH(lm::loss::MSE{}(lm::ConstTensorView{p.data(), lm::make_dims(2, 3)},
                                      lm::ConstTensorView{t.data(), lm::make_dims(5)}),
                      Catch::Contains("target has 5 values, expected 6"));
}
