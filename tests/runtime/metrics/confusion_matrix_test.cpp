// confusion_matrix: counts against sklearn.metrics.confusion_matrix (tests/fixtures/metrics.txt),
// updates from logits and from labels, the printed table, and the argument checks.
#include <catch2/catch.hpp>
#include <lamina/metrics/confusion_matrix.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "runtime/fixture.hpp"

namespace lm = lamina;
namespace lmm = lamina::metrics;

TEST_CASE("metrics: confusion_matrix counts equal sklearn's", "[metrics][confusion]") {
  const lamina_test::fixture f(LAMINA_TEST_FIXTURES "/metrics.txt");
  for (const char* tag : {"balls", "fashion", "binary", "absent"}) {
    const std::string t = tag;
    INFO(t);
    const auto& want = f.itensor(t + ".confusion");  // [C, C], rows = true class
    lmm::confusion_matrix cm(want.shape[0]);
    const auto& yt = f.itensor(t + ".y_true").values;
    const auto& yp = f.itensor(t + ".y_pred").values;
    // In two batches, to exercise accumulation.
    const std::size_t half = yt.size() / 2;
    cm.update(std::span(yp).first(half), std::span(yt).first(half));
    cm.update(std::span(yp).subspan(half), std::span(yt).subspan(half));
    std::vector<std::int32_t> got(cm.counts().begin(), cm.counts().end());
    CHECK(got == want.values);
    CHECK(cm.total() == std::int64_t(yt.size()));
    std::int64_t diag = 0;
    for (std::size_t k = 0; k < cm.num_classes(); ++k) diag += want.values[k * cm.num_classes() + k];
    CHECK(cm.correct() == diag);
    CHECK(cm.accuracy() == Approx(f.scalar(t + ".accuracy")).epsilon(1e-6));
  }
}

TEST_CASE("metrics: confusion_matrix from logits, sums, merging and printing", "[metrics][confusion]") {
  // logits [5, 3]; arg-max 0, 2, 1, 1, 0 (the last row a tie: lowest index wins).
  std::vector<float> logits{2, 1, 0,  0, 1, 3,  -1, 4, 2,  0, 5, 5,  7, 7, 1};
  const std::vector<std::int32_t> labels{0, 2, 2, 1, 1};
  lmm::confusion_matrix cm({"one ball", "two balls", "three balls"});
  cm.update(lm::ConstTensorView{logits.data(), lm::make_dims(5, 3)}, labels);
  CHECK(cm(0, 0) == 1);
  CHECK(cm(2, 2) == 1);
  CHECK(cm(2, 1) == 1);
  CHECK(cm(1, 1) == 1);
  CHECK(cm(1, 0) == 1);
  CHECK(cm.support(1) == 2);
  CHECK(cm.support(2) == 2);
  CHECK(cm.predicted_count(0) == 2);
  CHECK(cm.predicted_count(1) == 2);
  CHECK(cm.correct() == 3);
  CHECK(cm.accuracy() == Approx(0.6));

  cm.add(0, 0, 1000);
  CHECK(cm.str() ==
        "true \\ predicted  one ball  two balls  three balls\n"
        "        one ball      1001          0            0\n"
        "       two balls         1          1            0\n"
        "     three balls         0          1            1\n");
  std::ostringstream os;
  os << cm;
  CHECK(os.str() == cm.str());
  CHECK(cm.markdown() ==
        "| true \\ predicted | one ball | two balls | three balls |\n"
        "|---|---:|---:|---:|\n"
        "| one ball | 1001 | 0 | 0 |\n"
        "| two balls | 1 | 1 | 0 |\n"
        "| three balls | 0 | 1 | 1 |\n");

  lmm::confusion_matrix other(3);
  other.add(2, 0, 4);
  cm += other;
  CHECK(cm(2, 0) == 4);
  CHECK(cm.names()[2] == "three balls");
  CHECK(other.names()[1] == "1");
  cm.reset();
  CHECK(cm.total() == 0);
}

TEST_CASE("metrics: confusion_matrix argument checks", "[metrics][confusion][errors]") {
  lmm::confusion_matrix cm(3);
  std::vector<float> logits(8, 0.f);
  const std::vector<std::int32_t> two{0, 1}, bad{0, 3};
  using Catch::Matchers::Contains;
  REQUIRE_THROWS_WITH(cm.update(lm::ConstTensorView{logits.data(), lm::make_dims(2, 4)}, two), Contains("[2, 4]"));
  REQUIRE_THROWS_AS(cm.update(lm::ConstTensorView{logits.data(), lm::make_dims(4, 2)}, two), std::invalid_argument);
  REQUIRE_THROWS_WITH(cm.update(two, bad), Contains("label 3"));
  REQUIRE_THROWS_WITH(cm.update(bad, two), Contains("prediction 3"));
  REQUIRE_THROWS_AS(cm += lmm::confusion_matrix(4), std::invalid_argument);
  REQUIRE_THROWS_AS(cm(3, 0), std::out_of_range);
  REQUIRE_THROWS_AS(lmm::confusion_matrix(0), std::invalid_argument);
  CHECK(cm.total() == 0);  // nothing was counted by the failed updates
}
