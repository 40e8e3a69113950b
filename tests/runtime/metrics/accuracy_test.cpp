// Accuracy from logits and labels: per batch, top-k, and accumulated over batches.
#include <catch2/catch.hpp>
#include <lamina/metrics/accuracy.hpp>

#include <cmath>
#include <vector>

namespace lm = lamina;
namespace lmm = lamina::metrics;

namespace {
// logits [6, 4]: arg-max 1, 3, 0, 2, 0 (tie between 0 and 2), 2 (a NaN never wins).
std::vector<float> logits{0.1f, 2.0f, -1.f, 0.5f,   //
                          0.0f, 0.0f, 0.1f, 0.2f,   //
                          9.0f, 1.0f, 2.0f, 3.0f,   //
                          -3.f, -2.f, -1.f, -4.f,   //
                          5.0f, 1.0f, 5.0f, 1.0f,   //
                          NAN, 1.0f, 2.0f, 0.0f};
const lm::ConstTensorView view{logits.data(), lm::make_dims(6, 4)};
const std::vector<std::int32_t> labels{1, 3, 1, 2, 2, 1};
}  // namespace

TEST_CASE("metrics: argmax, correct and accuracy of a batch of logits", "[metrics][accuracy]") {
  CHECK(lmm::argmax(view) == std::vector<std::int32_t>{1, 3, 0, 2, 0, 2});
  CHECK(lmm::correct(view, labels) == 3);
  CHECK(lmm::accuracy(view, labels) == Approx(0.5));
  CHECK(lmm::accuracy(std::vector<std::int32_t>{1, 3, 0, 2, 0, 2}, labels) == Approx(0.5));
  // Top-2: row 2 (label 1 ranks 4th) misses; row 4 (5, 1, 5, 1: label 2 ties the max) and row 5 hit.
  CHECK(lmm::correct_top_k(view, labels, 2) == 5);
  CHECK(lmm::correct_top_k(view, labels, 4) == 6);
}

TEST_CASE("metrics: running_accuracy accumulates over batches", "[metrics][accuracy]") {
  lmm::running_accuracy acc;
  const float* d = logits.data();
  acc.update(lm::ConstTensorView{d, lm::make_dims(2, 4)}, std::span(labels).first(2));
  acc.update(lm::ConstTensorView{d + 8, lm::make_dims(4, 4)}, std::span(labels).subspan(2));
  CHECK(acc.correct() == 3);
  CHECK(acc.total() == 6);
  CHECK(acc.value() == Approx(0.5));
  acc.update(std::vector<std::int32_t>{0, 0}, std::vector<std::int32_t>{0, 1});
  CHECK(acc.correct() == 4);
  CHECK(acc.total() == 8);
  acc.update(6, 12);
  CHECK(acc.value() == Approx(0.5));
  acc.reset();
  CHECK(acc.total() == 0);
  CHECK(acc.value() == 0.0);

  lmm::running_accuracy top2(2);
  top2.update(view, labels);
  CHECK(top2.correct() == 5);
  CHECK(top2.top_k() == 2);
}

TEST_CASE("metrics: accuracy argument checks", "[metrics][accuracy][errors]") {
  const std::vector<std::int32_t> five{1, 3, 1, 2, 2};
  using Catch::Matchers::Contains;
  REQUIRE_THROWS_WITH(lmm::correct(view, five), Contains("[6, 4]") && Contains("5 labels"));
  lmm::running_accuracy acc;
  REQUIRE_THROWS_AS(acc.update(view, five), std::invalid_argument);
  REQUIRE_THROWS_AS(acc.update(std::vector<std::int32_t>{1}, five), std::invalid_argument);
  REQUIRE_THROWS_AS(acc.update(3, 2), std::invalid_argument);
  REQUIRE_THROWS_AS(lmm::running_accuracy(0), std::invalid_argument);
  CHECK(acc.total() == 0);
}
