// classification_report against scikit-learn 1.9.1's text, character for character, and its
// numbers (tests/fixtures/gen_metrics.py): 3 classes with one never predicted (zero_division),
// 10 classes with a name longer than "weighted avg", numeric labels with gaps and a label that
// is only predicted, a binary problem, and a named class absent from both arrays.
#include <catch2/catch.hpp>
#include <lamina/metrics/classification_report.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "runtime/fixture.hpp"

namespace lmm = lamina::metrics;

namespace {
const lamina_test::fixture& fx() {
  static const lamina_test::fixture f(LAMINA_TEST_FIXTURES "/metrics.txt");
  return f;
}
std::vector<std::string> names(const std::string& tag) {
  std::vector<std::string> out;
  if (!fx().has(tag + ".names")) return out;
  std::istringstream in(fx().text(tag + ".names"));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}
const std::vector<std::int32_t>& labels(const std::string& name) { return fx().itensor(name).values; }
}  // namespace

TEST_CASE("metrics: classification_report text equals sklearn's", "[metrics][report][reference]") {
  struct variant {
    const char* tag;
    int digits;
  };
  for (auto [tag, digits] : {variant{"balls", 2}, variant{"balls", 3}, variant{"fashion", 2}, variant{"fashion", 4},
                             variant{"numeric", 2}, variant{"binary", 2}, variant{"absent", 2}}) {
    const std::string t = tag;
    INFO(t << ", digits " << digits);
    const lmm::classification_report r(labels(t + ".y_true"), labels(t + ".y_pred"), names(t), digits);
    const std::string& want = fx().text(t + ".report" + std::to_string(digits));
    CHECK(r.str() == want);
    std::ostringstream os;
    os << r;
    CHECK(os.str() == want);
  }
}

TEST_CASE("metrics: classification_report numbers equal sklearn's", "[metrics][report][reference]") {
  for (const char* tag : {"balls", "fashion", "numeric", "binary", "absent"}) {
    const std::string t = tag;
    INFO(t);
    const lmm::classification_report r(labels(t + ".y_true"), labels(t + ".y_pred"), names(t));
    const auto& per = fx().tensor(t + ".per_class");  // [C, 4]
    REQUIRE(r.classes().size() == per.shape[0]);
    for (std::size_t k = 0; k < r.classes().size(); ++k) {
      const auto& c = r[k];
      CHECK(c.precision == Approx(per.values[k * 4 + 0]).epsilon(1e-6));
      CHECK(c.recall == Approx(per.values[k * 4 + 1]).epsilon(1e-6));
      CHECK(c.f1 == Approx(per.values[k * 4 + 2]).epsilon(1e-6));
      CHECK(double(c.support) == per.values[k * 4 + 3]);
    }
    const auto& avg = fx().tensor(t + ".avg").values;  // macro, weighted x p, r, f1
    CHECK(r.macro_avg().precision == Approx(avg[0]).epsilon(1e-6));
    CHECK(r.macro_avg().recall == Approx(avg[1]).epsilon(1e-6));
    CHECK(r.macro_avg().f1 == Approx(avg[2]).epsilon(1e-6));
    CHECK(r.weighted_avg().precision == Approx(avg[3]).epsilon(1e-6));
    CHECK(r.weighted_avg().recall == Approx(avg[4]).epsilon(1e-6));
    CHECK(r.weighted_avg().f1 == Approx(avg[5]).epsilon(1e-6));
    CHECK(r.accuracy() == Approx(fx().scalar(t + ".accuracy")).epsilon(1e-6));
    CHECK(r.total() == std::int64_t(labels(t + ".y_true").size()));
  }
}

TEST_CASE("metrics: a class never predicted reports 0.00 (sklearn's zero_division default)", "[metrics][report]") {
  const lmm::classification_report r(labels("balls.y_true"), labels("balls.y_pred"), names("balls"));
  CHECK(r[2].name == "three balls");
  CHECK(r[2].precision == 0.0);  // 0 / 0
  CHECK(r[2].recall == 0.0);
  CHECK(r[2].f1 == 0.0);
  CHECK(r[2].support == 8);
  // "numeric": label 7 is only predicted, so its recall is 0 / 0 with support 0.
  const lmm::classification_report n(labels("numeric.y_true"), labels("numeric.y_pred"));
  REQUIRE(n.classes().size() == 4);
  CHECK(n[3].name == "7");
  CHECK(n[3].support == 0);
  CHECK(n[3].recall == 0.0);
}

TEST_CASE("metrics: classification_report from a confusion matrix equals the one from labels", "[metrics][report]") {
  lmm::confusion_matrix cm(names("fashion"));
  cm.update(labels("fashion.y_pred"), labels("fashion.y_true"));
  const lmm::classification_report a(cm, 4);
  CHECK(a.str() == fx().text("fashion.report4"));
  // All classes of the matrix are listed, even one that never occurs (sklearn with labels=range(C)).
  lmm::confusion_matrix cm4(names("absent"));
  cm4.update(labels("absent.y_pred"), labels("absent.y_true"));
  CHECK(lmm::classification_report(cm4).str() == fx().text("absent.report2"));
}

TEST_CASE("metrics: classification_report as a Markdown table", "[metrics][report]") {
  const lmm::classification_report r(labels("balls.y_true"), labels("balls.y_pred"), names("balls"));
  CHECK(r.markdown() ==
        "| | precision | recall | f1-score | support |\n"
        "|---|---:|---:|---:|---:|\n"
        "| one ball | 0.73 | 0.80 | 0.76 | 10 |\n"
        "| two balls | 0.47 | 0.75 | 0.58 | 12 |\n"
        "| three balls | 0.00 | 0.00 | 0.00 | 8 |\n"
        "| accuracy | | | 0.57 | 30 |\n"
        "| macro avg | 0.40 | 0.52 | 0.45 | 30 |\n"
        "| weighted avg | 0.43 | 0.57 | 0.49 | 30 |\n");
}

TEST_CASE("metrics: classification_report argument checks", "[metrics][report][errors]") {
  const std::vector<std::int32_t> t{0, 1, 2}, p{0, 1};
  REQUIRE_THROWS_AS(lmm::classification_report(t, p), std::invalid_argument);
  // Two names for three classes present, and labels not all below 2: sklearn raises too.
  const std::vector<std::int32_t> p3{0, 1, 1};
  REQUIRE_THROWS_AS(lmm::classification_report(t, p3, {"a", "b"}), std::invalid_argument);
}

TEST_CASE("metrics: classification_report rounds ties like Python (0.625 -> 0.62)", "[metrics][report]") {
  // Printed by sklearn 1.9.1 for these labels; the weighted precision is exactly 0.625.
  const std::vector<std::int32_t> y_true{0, 1, 2, 0}, y_pred{0, 1, 1, 0};
  const lmm::classification_report r(y_true, y_pred, {"one ball", "two balls", "three balls"});
  CHECK(r.weighted_avg().precision == 0.625);
  CHECK(r.str() ==
        "              precision    recall  f1-score   support\n"
        "\n"
        "    one ball       1.00      1.00      1.00         2\n"
        "   two balls       0.50      1.00      0.67         1\n"
        " three balls       0.00      0.00      0.00         1\n"
        "\n"
        "    accuracy                           0.75         4\n"
        "   macro avg       0.50      0.67      0.56         4\n"
        "weighted avg       0.62      0.75      0.67         4\n");
}
