// MSE, PSNR and SSIM against scikit-image 0.26 (tests/fixtures/gen_metrics.py): crops of real
// photographs (grey and RGB) against noisy, blurred, shifted and contrast-changed versions, the
// smallest legal size, odd sizes and raw floats with data_range 2; plus the edge cases.
#include <catch2/catch.hpp>
#include <lamina/metrics/image_quality.hpp>
#include <lamina/metrics/psnr.hpp>
#include <lamina/metrics/ssim.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "runtime/fixture.hpp"

namespace lm = lamina;
namespace lmm = lamina::metrics;

namespace {
const lamina_test::fixture& fx() {
  static const lamina_test::fixture f(LAMINA_TEST_FIXTURES "/metrics.txt");
  return f;
}

lm::dims to_dims(const std::vector<std::size_t>& s) {
  lm::dims d{};
  d.rank = s.size();
  for (std::size_t i = 0; i < s.size(); ++i) d.d[i] = s[i];
  return d;
}

// An image from the fixture: uint8 pixels -> float(u) / 255.0f (as the generator), or raw floats.
lm::Tensor image(const std::string& name) {
  if (name.rfind("float.", 0) != 0) {  // every set but "float" is stored as uint8
    const auto& t = fx().itensor(name);
    lm::Tensor out(to_dims(t.shape));
    for (std::size_t i = 0; i < t.size(); ++i) out[i] = float(t.values[i]) / 255.0f;
    return out;
  }
  const auto& t = fx().tensor(name);
  lm::Tensor out(to_dims(t.shape));
  std::copy(t.values.begin(), t.values.end(), out.begin());
  return out;
}

// The reference image [C, H, W] repeated K times: [K, C, H, W], to pair with the predictions.
lm::Tensor repeat(const lm::Tensor& ref, std::size_t k) {
  const auto& s = ref.shape();
  lm::Tensor out(lm::make_dims(k, s[0], s[1], s[2]));
  for (std::size_t i = 0; i < k; ++i) std::copy(ref.data(), ref.data() + ref.size(), out.data() + i * ref.size());
  return out;
}

lm::ConstTensorView image_of(const lm::Tensor& batch, std::size_t i) {
  const auto& s = batch.shape();
  const std::size_t m = s[1] * s[2] * s[3];
  return {batch.data() + i * m, lm::make_dims(s[1], s[2], s[3])};
}

double max_dev(const std::vector<double>& got, const std::vector<float>& want) {
  REQUIRE(got.size() == want.size());
  double m = 0;
  for (std::size_t i = 0; i < got.size(); ++i) m = std::max(m, std::abs(got[i] - double(want[i])));
  return m;
}

const char* const sets[] = {"gray", "rgb", "coffee", "tiny", "tiny_11x13", "float"};
}  // namespace

TEST_CASE("metrics: MSE, PSNR and SSIM match scikit-image within 1e-4", "[metrics][image][reference]") {
  double worst_ssim = 0, worst_psnr = 0, worst_mse = 0;
  for (const char* tag : sets) {
    const std::string t = tag;
    INFO("image set " << t);
    const lm::Tensor ref = image(t + ".ref");
    const lm::Tensor pred = image(t + ".pred");  // [K, C, H, W]
    const std::size_t k = pred.shape()[0];
    const lm::Tensor target = repeat(ref, k);
    const double range = fx().scalar(t + ".data_range");

    const auto mse = lmm::mse_per_image(pred.view(), target.view());
    const auto psnr = lmm::psnr_per_image(pred.view(), target.view(), range);
    const auto ssim = lmm::ssim_per_image(pred.view(), target.view(), range);
    const double dm = max_dev(mse, fx().tensor(t + ".mse").values);
    const double dp = max_dev(psnr, fx().tensor(t + ".psnr").values);
    const double ds = max_dev(ssim, fx().tensor(t + ".ssim").values);
    CHECK(dm < 1e-7);
    CHECK(dp < 1e-4);
    CHECK(ds < 1e-4);
    worst_mse = std::max(worst_mse, dm);
    worst_psnr = std::max(worst_psnr, dp);
    worst_ssim = std::max(worst_ssim, ds);

    // One image at a time ([C, H, W], as skimage is called) gives the same numbers, and the
    // batch means are the means of the per-image values.
    double sum_p = 0, sum_s = 0, sum_m = 0;
    for (std::size_t i = 0; i < k; ++i) {
      CHECK(lmm::ssim(image_of(pred, i), ref.view(), range) == Approx(ssim[i]).epsilon(1e-12));
      CHECK(lmm::psnr(image_of(pred, i), ref.view(), range) == Approx(psnr[i]).epsilon(1e-12));
      sum_p += psnr[i];
      sum_s += ssim[i];
      sum_m += mse[i];
    }
    CHECK(lmm::psnr(pred.view(), target.view(), range) == Approx(sum_p / double(k)).epsilon(1e-12));
    CHECK(lmm::ssim(pred.view(), target.view(), range) == Approx(sum_s / double(k)).epsilon(1e-12));
    CHECK(lmm::mse(pred.view(), target.view()) == Approx(sum_m / double(k)).epsilon(1e-12));
  }
  // The largest deviations from skimage (reported by `lamina_tests "[metrics]" -s`).
  INFO("max |deviation| vs skimage: SSIM " << worst_ssim << ", PSNR " << worst_psnr << " dB, MSE " << worst_mse);
  CHECK(worst_ssim < 1e-4);
}

TEST_CASE("metrics: the SSIM map matches skimage's full=True image, borders included", "[metrics][image][reference]") {
  const lm::Tensor ref = image("tiny.ref"), pred = image("tiny.pred");
  lm::ConstTensorView p{pred.data(), ref.shape()};
  const lm::Tensor map = lmm::ssim_map(p, ref.view());
  REQUIRE_THAT(lamina_test::values(map.view()), lamina_test::close_to(fx().tensor("tiny.ssim_map"), 1e-4, 1e-5));
}

TEST_CASE("metrics: running image_quality averages per image over batches", "[metrics][image]") {
  const lm::Tensor ref = image("rgb.ref"), pred = image("rgb.pred");
  const lm::Tensor target = repeat(ref, 3);
  lmm::image_quality q;
  // Batches of 2 and 1 images.
  const auto& s = pred.shape();
  const std::size_t m = s[1] * s[2] * s[3];
  q.update({pred.data(), lm::make_dims(2, s[1], s[2], s[3])}, {target.data(), lm::make_dims(2, s[1], s[2], s[3])});
  q.update({pred.data() + 2 * m, lm::make_dims(1, s[1], s[2], s[3])},
           {target.data() + 2 * m, lm::make_dims(1, s[1], s[2], s[3])});
  REQUIRE(q.count() == 3);
  const auto& ps = fx().tensor("rgb.psnr").values;
  const auto& ss = fx().tensor("rgb.ssim").values;
  const auto& ms = fx().tensor("rgb.mse").values;
  CHECK(q.psnr() == Approx((double(ps[0]) + ps[1] + ps[2]) / 3).margin(1e-4));
  CHECK(q.ssim() == Approx((double(ss[0]) + ss[1] + ss[2]) / 3).margin(1e-4));
  CHECK(q.mse() == Approx((double(ms[0]) + ms[1] + ms[2]) / 3).epsilon(1e-5));
  // torchmetrics' pooled PSNR is lower than the mean of per-image PSNRs (Jensen).
  CHECK(q.pooled_psnr() == Approx(lmm::psnr_from_mse(q.mse())).epsilon(1e-12));
  CHECK(q.pooled_psnr() < q.psnr());
  q.reset();
  CHECK(q.count() == 0);
  CHECK(q.psnr() == 0.0);
}

TEST_CASE("metrics: identical images give SSIM 1, MSE 0 and PSNR +infinity", "[metrics][image]") {
  const lm::Tensor ref = image("rgb.ref");
  CHECK(lmm::ssim(ref.view(), ref.view()) == 1.0);
  CHECK(lmm::mse(ref.view(), ref.view()) == 0.0);
  const double p = lmm::psnr(ref.view(), ref.view());
  CHECK(std::isinf(p));
  CHECK(p > 0);
  CHECK(std::isinf(lmm::psnr_from_mse(0.0)));
  lmm::image_quality q;
  q.update(ref.view(), ref.view());
  CHECK(q.exact_images() == 1);
  CHECK(std::isinf(q.psnr()));
  CHECK(q.ssim() == 1.0);
}

TEST_CASE("metrics: data_range scales the constants (SSIM) and the peak (PSNR)", "[metrics][image]") {
  const lm::Tensor ref = image("gray.ref"), pred = image("gray.pred");
  lm::Tensor ref255(ref.shape()), pred255(pred.shape());
  for (std::size_t i = 0; i < ref.size(); ++i) ref255[i] = ref[i] * 255.0f;
  for (std::size_t i = 0; i < pred.size(); ++i) pred255[i] = pred[i] * 255.0f;
  const auto target = repeat(ref, pred.shape()[0]), target255 = repeat(ref255, pred.shape()[0]);
  CHECK(lmm::ssim(pred255.view(), target255.view(), 255.0) ==
        Approx(lmm::ssim(pred.view(), target.view(), 1.0)).epsilon(1e-6));
  CHECK(lmm::psnr(pred255.view(), target255.view(), 255.0) ==
        Approx(lmm::psnr(pred.view(), target.view(), 1.0)).epsilon(1e-6));
  CHECK(lmm::ssim(pred.view(), target.view(), lmm::ssim_options{.data_range = 1.0}) ==
        lmm::ssim(pred.view(), target.view()));
}

TEST_CASE("metrics: SSIM does not depend on the number of threads", "[metrics][image]") {
  const lm::Tensor ref = image("rgb.ref"), pred = image("rgb.pred");
  const lm::Tensor target = repeat(ref, 3);
  const auto all = lmm::ssim_per_image(pred.view(), target.view());
#ifdef _OPENMP
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = lmm::ssim_per_image(pred.view(), target.view());
  omp_set_num_threads(saved);
  CHECK(one == all);
#endif
  CHECK(lmm::ssim_per_image(pred.view(), target.view()) == all);
}

TEST_CASE("metrics: image metrics reject mismatched shapes, bad ranks and images below the window",
          "[metrics][image][errors]") {
  std::vector<float> a(3 * 48 * 64, 0.5f), b(3 * 48 * 64, 0.5f);
  const lm::ConstTensorView x{a.data(), lm::make_dims(1, 3, 48, 64)};
  const lm::ConstTensorView y{b.data(), lm::make_dims(1, 3, 64, 48)};
  using Catch::Matchers::Contains;
  REQUIRE_THROWS_AS(lmm::ssim(x, y), std::invalid_argument);
  REQUIRE_THROWS_WITH(lmm::ssim(x, y), Contains("[1, 3, 48, 64]") && Contains("[1, 3, 64, 48]"));
  REQUIRE_THROWS_WITH(lmm::psnr(x, y), Contains("[1, 3, 48, 64]") && Contains("[1, 3, 64, 48]"));
  REQUIRE_THROWS_WITH(lmm::mse(x, y), Contains("[1, 3, 48, 64]") && Contains("[1, 3, 64, 48]"));
  REQUIRE_THROWS_AS(lmm::image_quality{}.update(x, y), std::invalid_argument);

  const lm::ConstTensorView r5{a.data(), lm::make_dims(1, 1, 3, 48, 64)};
  REQUIRE_THROWS_AS(lmm::psnr(r5, r5), std::invalid_argument);
  REQUIRE_THROWS_AS(lmm::psnr(x, x, 0.0), std::invalid_argument);
  REQUIRE_THROWS_AS(lmm::ssim(x, x, -1.0), std::invalid_argument);

  // skimage needs H, W >= 11 for the Gaussian window: 7 x 7 and 10 x 64 are refused, 11 x 11 is fine.
  const lm::ConstTensorView s7{a.data(), lm::make_dims(3, 7, 7)};
  REQUIRE_THROWS_WITH(lmm::ssim(s7, s7), Contains("11 x 11"));
  const lm::ConstTensorView s10{a.data(), lm::make_dims(1, 10, 64)};
  REQUIRE_THROWS_AS(lmm::ssim(s10, s10), std::invalid_argument);
  const lm::ConstTensorView s11{a.data(), lm::make_dims(11, 11)};
  CHECK(lmm::ssim(s11, s11) == 1.0);
  CHECK(lmm::psnr(s7, s7, 1.0) > 1e300);  // PSNR has no size limit
}
