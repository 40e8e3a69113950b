// Mixed precision against PyTorch (tests/fixtures/mixed_precision.txt, written by
// tests/fixtures/gen_optim.py): the bf16/fp16 rounding bit for bit, a network's output and
// gradients under torch.autocast('cpu', bf16/fp16), SGD steps with a GradScaler, and the
// scaler's schedule; then what loss scaling is for, the Trainer option and its checkpoint.
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "runtime/fixture.hpp"
#include "runtime/temp_dir.hpp"

namespace {
namespace lm = lamina;
using lamina_test::close_to;

using Net = lm::Sequential<lm::Conv2d<2, 3, 3, 1, 1>, lm::ReLU, lm::MaxPool2d<2>, lm::Flatten, lm::Linear<12, 5>,
                           lm::ReLU, lm::Linear<5, 3>>;
using M = lm::Model<Net, lm::Shape<2, 4, 4>>;

const lamina_test::fixture& fixture() {
  static const lamina_test::fixture f(std::string(LAMINA_TEST_FIXTURES) + "/mixed_precision.txt");
  return f;
}

// The network's output and MSE gradients under precision p, from the fixture's parameters.
struct pass {
  std::vector<float> y, grad;
};
pass run(lm::precision p) {
  const auto& f = fixture();
  M model;
  model.from_host(f.tensor("params0").values, model.parameters());
  model.autocast(p);
  const auto out = model.forward(f.tensor("x").values, 4);
  const lm::ConstTensorView target{f.tensor("target").values.data(), lm::make_dims(4, 3)};
  lm::loss::evaluate(lm::loss::MSE{}, lm::cpu{}, out, target, model.output_grad());
  pass r{lamina_test::values(model.to_host(out)), {}};
  model.backward();
  r.grad = lamina_test::values(model.to_host(model.gradients()));
  return r;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(double(a[i]) - double(b[i])));
  return d;
}
}  // namespace

TEST_CASE("mixed precision: bf16 and fp16 rounding equal PyTorch's conversions bit for bit", "[train][mixed]") {
  const auto& f = fixture();
  const auto& x = f.tensor("round.x").values;
  const auto& bf16 = f.tensor("round.bf16").values;
  const auto& fp16 = f.tensor("round.fp16").values;
  for (std::size_t i = 0; i < x.size(); ++i) {
    INFO("x = " << x[i]);
    CHECK(lm::kernels::fn::round_bf16(x[i]) == bf16[i]);
    CHECK(lm::kernels::fn::round_fp16(x[i]) == fp16[i]);
    CHECK(std::signbit(lm::kernels::fn::round_fp16(x[i])) == std::signbit(fp16[i]));
  }
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(std::isnan(lm::kernels::fn::round_bf16(nan)));
  CHECK(std::isnan(lm::kernels::fn::round_fp16(nan)));
  // The kernel entry, in place and into another array.
  std::vector<float> v = x, w(x.size());
  lm::kernels::round_to(lm::cpu{}, lm::precision::fp16, v.data(), w.data(), v.size());
  lm::kernels::round_to(lm::cpu{}, lm::precision::bf16, v.data(), v.data(), v.size());
  CHECK(v == bf16);
  CHECK(w == fp16);
}

TEST_CASE("mixed precision: a network under autocast matches torch.autocast on the CPU", "[train][mixed]") {
  const auto& f = fixture();
  const pass fp32 = run(lm::precision::fp32);
  CHECK_THAT(fp32.y, close_to(f.tensor("fp32.y"), 1e-5, 1e-6));
  CHECK_THAT(fp32.grad, close_to(f.tensor("fp32.grad"), 1e-4, 1e-6));
  // Both sides multiply the same rounded operands exactly and accumulate in fp32, in different
  // orders: results agree to about one rounding step of the format (bf16 2^-8, fp16 2^-11),
  // far closer than either is to fp32.
  for (const auto& [p, tag, tol] : {std::tuple{lm::precision::bf16, "bf16", 2e-2}, std::tuple{lm::precision::fp16, "fp16", 3e-3}}) {
    INFO(tag);
    const pass r = run(p);
    CHECK_THAT(r.y, close_to(f.tensor(std::string(tag) + ".y"), tol, tol));
    CHECK_THAT(r.grad, close_to(f.tensor(std::string(tag) + ".grad"), 4 * tol, tol));
    const double to_torch = max_abs_diff(r.y, f.tensor(std::string(tag) + ".y").values);
    const double to_fp32 = max_abs_diff(r.y, f.tensor("fp32.y").values);
    CHECK(to_torch < to_fp32 / 2);
    // The last Linear's outputs are rounded to the format.
    for (float v : r.y) CHECK(lm::kernels::fn::round_to(p, v) == v);
  }
}

TEST_CASE("mixed precision: SGD under fp16 with a grad_scaler matches torch.amp.GradScaler", "[train][mixed]") {
  const auto& f = fixture();
  M model;
  model.from_host(f.tensor("params0").values, model.parameters());
  model.autocast(lm::precision::fp16);
  lm::optim::SGD opt(model, {.lr = 0.1f});
  lm::train::grad_scaler scaler({.init_scale = 16384.0, .growth_interval = 2});
  const lm::ConstTensorView target{f.tensor("target").values.data(), lm::make_dims(4, 3)};
  // The first step's gradients overflow fp16 (skipped, the scale halves); the next four step.
  for (std::size_t k = 0; k < 5; ++k) {
    lm::train::step(model, f.tensor("x").values, 4, target, lm::loss::MSE{}, opt, scaler);
    CHECK(scaler.scale() == f.tensor("fp16.scales").values[k]);
  }
  CHECK_THAT(lamina_test::values(model.to_host(model.parameters())), close_to(f.tensor("fp16.steps"), 1e-2, 1e-3));
}

TEST_CASE("mixed precision: the grad_scaler skips overflowing steps and backs off and grows as PyTorch's", "[train][mixed]") {
  const auto& f = fixture();
  using One = lm::Model<lm::Linear<1, 1, false>, lm::Shape<1>>;
  One model;
  model.parameters().data[0] = 0.5f;
  lm::optim::SGD opt(model, {.lr = 0.1f});
  lm::train::grad_scaler scaler({.init_scale = 4.0, .growth_interval = 3});
  const auto& xs = f.tensor("scaler.x").values;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    INFO("step " << k + 1);
    model.forward(std::vector<float>{xs[k]}, 1);
    model.output_grad().data[0] = 1.f;  // loss = y.sum()
    scaler.scale_output_grad(model);
    model.backward();
    const bool finite = scaler.unscale(model);
    if (finite) opt.step();
    scaler.update(finite);
    CHECK(scaler.scale() == f.tensor("scaler.scale").values[k]);
    CHECK(model.parameters().data[0] == Approx(f.tensor("scaler.weight").values[k]).margin(1e-6));
  }
  CHECK_THROWS_WITH(lm::train::grad_scaler({.growth_factor = 1.0}),
                    Catch::Contains("grad_scaler_options::growth_factor") && Catch::Contains("> 1"));
  CHECK_THROWS_WITH(lm::train::grad_scaler({.backoff_factor = 1.5}), Catch::Contains("backoff_factor"));
  CHECK_THROWS_WITH(lm::train::grad_scaler({.init_scale = 0}), Catch::Contains("init_scale"));
  CHECK_THROWS_WITH(lm::train::grad_scaler({.growth_interval = 0}), Catch::Contains("growth_interval"));
}

TEST_CASE("mixed precision: fp16 loses small gradients that loss scaling keeps, bf16 keeps them", "[train][mixed]") {
  // dLoss/dy of 1e-6 per element: dW = dy^T x is ~1e-6, below fp16's normal range (6e-5) but
  // representable as subnormal; 1e-8 is below its smallest subnormal (6e-8) and becomes 0.
  using Lin = lm::Model<lm::Linear<4, 2>, lm::Shape<4>>;
  const std::vector<float> x{1, 2, 3, 4, -1, 0.5f, 2, 1};
  auto grads = [&](lm::precision p, float scale) {
    Lin m(3);
    m.autocast(p);
    m.forward(x, 2);
    auto g = m.output_grad();
    for (std::size_t i = 0; i < g.size(); ++i) g.data[i] = 1e-8f * scale;
    m.backward();
    std::vector<float> r = lamina_test::values(m.to_host(m.gradients()));
    for (float& v : r) v /= scale;
    return r;
  };
  const auto exact = grads(lm::precision::fp32, 1.f);
  for (float v : grads(lm::precision::fp16, 1.f)) CHECK(v == 0.f);
  CHECK_THAT(grads(lm::precision::fp16, 65536.f), close_to(exact, 2e-3, 0));
  CHECK_THAT(grads(lm::precision::bf16, 1.f), close_to(exact, 1e-2, 0));
}

TEST_CASE("mixed precision: the Trainer trains under bf16 and fp16, and its checkpoint keeps the loss scale", "[train][mixed]") {
  lamina_test::temp_dir dir("lamina_mixed");
  lm::rng g(1);
  std::vector<float> xs;
  std::vector<std::int32_t> ys;
  for (std::size_t i = 0; i < 240; ++i) {
    const auto c = std::int32_t(g.below(3));
    ys.push_back(c);
    for (std::size_t d = 0; d < 4; ++d) xs.push_back(g.normal(d == std::size_t(c) ? 2.f : 0.f, 0.5f));
  }
  using Blobs = lm::Model<lm::Sequential<lm::Linear<4, 16>, lm::ReLU, lm::Linear<16, 3>>, lm::Shape<4>>;
  for (const auto p : {lm::precision::bf16, lm::precision::fp16}) {
    INFO(lm::to_string(p));
    lm::data::ClassificationLoader loader(xs, ys, 4, {.batch_size = 32, .seed = 1});
    Blobs model(2);
    lm::optim::SGD opt(model, {.lr = 0.1f, .momentum = 0.9f});
    lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt,
                               {.progress = lm::train::progress_bar::style::silent, .autocast = p,
                                .loss_scaling = {.init_scale = 1024.0, .growth_interval = 5}});
    trainer.add_metric(lm::train::accuracy());
    CHECK(model.autocast_precision() == p);
    CHECK((trainer.loss_scaler() != nullptr) == (p == lm::precision::fp16));
    const auto& h = trainer.fit(loader, 4);
    CHECK(h.last().get("accuracy") > 0.9);
    if (p != lm::precision::fp16) continue;
    CHECK(trainer.loss_scaler()->scale() > 1024.f);  // 32 good steps: grown 6 times, not overflowed
    const auto file = dir.path / "fp16.safetensors";
    trainer.save_checkpoint(file);
    Blobs again(9);
    lm::optim::SGD opt2(again, {.lr = 0.1f, .momentum = 0.9f});
    lm::train::Trainer resumed(again, lm::loss::CrossEntropy{}, opt2,
                               {.progress = lm::train::progress_bar::style::silent, .autocast = p,
                                .loss_scaling = {.init_scale = 1024.0, .growth_interval = 5}});
    resumed.resume(file);
    CHECK(resumed.loss_scaler()->scale() == trainer.loss_scaler()->scale());
    CHECK(resumed.loss_scaler()->growth_tracker() == trainer.loss_scaler()->growth_tracker());
  }
}

TEST_CASE("mixed precision: autocast of a model is set per forward, and backward follows its forward", "[train][mixed]") {
  const auto& f = fixture();
  M model;
  model.from_host(f.tensor("params0").values, model.parameters());
  CHECK(model.autocast_precision() == lm::precision::fp32);
  model.autocast(lm::precision::bf16);
  model.forward(f.tensor("x").values, 4);
  model.autocast(lm::precision::fp32);  // after the forward: its backward stays bf16
  const lm::ConstTensorView target{f.tensor("target").values.data(), lm::make_dims(4, 3)};
  lm::loss::evaluate(lm::loss::MSE{}, lm::cpu{}, model.output(), target, model.output_grad());
  model.backward();
  CHECK_THAT(lamina_test::values(model.to_host(model.gradients())), close_to(run(lm::precision::bf16).grad, 0, 0));
  CHECK(lm::parse_precision("bfloat16") == lm::precision::bf16);
  CHECK_THROWS_WITH(lm::parse_precision("fp8", "--precision"),
                    Catch::Contains("--precision 'fp8'") && Catch::Contains("fp32, bf16 or fp16"));
}
