// Losses and optimizer steps on each backend against the CPU backend.
#include "backend/backends.hpp"

namespace lm = lamina;

namespace {

// Backend memory holding a copy of host values.
template <class B>
struct on_backend {
  lm::buffer<B> mem;
  lm::dims shape;
  on_backend(const std::vector<float>& v, lm::dims s) : mem(v.size()), shape(s) {
    lm::kernels::upload(B{}, v.data(), mem.data(), v.size());
  }
  lm::TensorView view() { return {mem.data(), shape}; }
};

// target: host memory (the CPU reference reads it); dut_target: what B's loss gets; the
// predictions are drawn from [lo, hi].
template <class B, class Loss, class Target, class DutTarget = Target>
void compare_loss(const Loss& loss, lm::dims shape, const Target& target, std::uint64_t seed,
                  const DutTarget* dut_target = nullptr, float lo = -3.f, float hi = 3.f) {
  using lamina_test::close_to;
  const auto pred = lamina_test::random_values(shape.size(), seed, lo, hi);
  std::vector<float> grad_ref(pred.size());
  const float ref = loss(lm::ConstTensorView{pred.data(), shape}, target, lm::TensorView{grad_ref.data(), shape});
  on_backend<B> p(pred, shape), g(std::vector<float>(pred.size()), shape);
  const DutTarget& t = dut_target ? *dut_target : target;
  const float got = lm::loss::evaluate(loss, B{}, lm::ConstTensorView(p.view()), t, g.view());
  CHECK(got == Approx(ref).epsilon(1e-5).margin(1e-6));
  CHECK_THAT(lamina_test::host<B>(g.view()), close_to(grad_ref, 1e-4, 1e-6));
  // Without a gradient.
  CHECK(lm::loss::evaluate(loss, B{}, lm::ConstTensorView(p.view()), t, lm::TensorView{}) ==
        Approx(ref).epsilon(1e-5).margin(1e-6));
}

// Runs `steps` optimizer steps with fixed gradients on B and on the CPU; compares parameters
// and state. With `frozen`, both skip those parameters.
template <class B, template <class> class Opt, class Options>
void compare_optimizer(Options options, const lm::frozen_ranges* frozen = nullptr, std::size_t n = 1000, int steps = 4) {
  using lamina_test::close_to;
  const auto p0 = lamina_test::random_values(n, 11);
  const lm::dims d = lm::make_dims(n);
  std::vector<float> pc = p0, gc(n);
  on_backend<B> pb(p0, d), gb(std::vector<float>(n), d);
  Opt<lm::cpu> ref(lm::TensorView{pc.data(), d}, lm::TensorView{gc.data(), d}, options, {frozen, 0});
  Opt<B> dut(pb.view(), gb.view(), options, {frozen, 0});
  for (int s = 0; s < steps; ++s) {
    const auto g = lamina_test::random_values(n, 100 + std::uint64_t(s));
    gc = g;
    lm::kernels::upload(B{}, g.data(), gb.mem.data(), n);
    ref.step();
    dut.step();
  }
  CHECK(dut.steps() == ref.steps());
  CHECK_THAT(lamina_test::host<B>(pb.view()), close_to(pc, 1e-5, 1e-6));
  if (frozen)
    for (const auto& r : frozen->ranges())
      CHECK(std::vector<float>(pc.begin() + r.begin, pc.begin() + r.end) ==
            std::vector<float>(p0.begin() + r.begin, p0.begin() + r.end));
  auto sr = ref.state();
  auto sd = dut.state();
  REQUIRE(sr.size() == sd.size());
  for (std::size_t i = 0; i < sr.size(); ++i) {
    INFO(sr[i].first);
    CHECK_THAT(lamina_test::host<B>(sd[i].second), close_to(lamina_test::host<lm::cpu>(sr[i].second), 1e-5, 1e-6));
  }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("Backends agree: losses", LAMINA_BACKEND_TAGS "[loss]", lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  const lm::dims logits = lm::make_dims(13, 7);
  const std::vector<std::int32_t> labels{0, 6, 3, 3, 1, 2, 5, 4, 0, 6, 2, 1, 5};
  compare_loss<B>(lm::loss::CrossEntropy{}, logits, std::span<const std::int32_t>(labels), 1);
  compare_loss<B>(lm::loss::CrossEntropy{.label_smoothing = 0.1f}, logits, std::span<const std::int32_t>(labels), 2);
  compare_loss<B>(lm::loss::CrossEntropy{.reduce = lm::loss::reduction::sum}, logits,
                  std::span<const std::int32_t>(labels), 3);
  const lm::dims dense = lm::make_dims(9, 3, 5);
  const auto t = lamina_test::random_values(dense.size(), 4, -2.f, 2.f);
  const lm::ConstTensorView target{t.data(), dense};
  compare_loss<B>(lm::loss::MSE{}, dense, target, 5);
  compare_loss<B>(lm::loss::L1{.reduce = lm::loss::reduction::sum}, dense, target, 6);
  compare_loss<B>(lm::loss::Huber{.delta = 0.5f}, dense, target, 7);
  const auto t01 = lamina_test::random_values(dense.size(), 8, 0.f, 1.f);
  compare_loss<B>(lm::loss::BCEWithLogits{}, dense, lm::ConstTensorView{t01.data(), dense}, 9);
  compare_loss<B>(lm::loss::SmoothL1{.beta = 0.5f}, dense, target, 11);
  const lm::ConstTensorView target01{t01.data(), dense};
  compare_loss<B>(lm::loss::BCE{}, dense, target01, 12, &target01, 0.01f, 0.99f);
  compare_loss<B>(lm::loss::KLDiv{.reduce = lm::loss::reduction::batchmean}, dense, target01, 13, &target01, -3.f, 0.f);
  // Class weights, ignore_index and probability targets.
  const std::vector<float> weight{0.5f, 1.f, 2.f, 1.5f, 0.7f, 1.2f, 0.9f};
  const std::span<const std::int32_t> classes(labels);
  compare_loss<B>(lm::loss::CrossEntropy{.label_smoothing = 0.2f, .weight = weight, .ignore_index = 3}, logits,
                  classes, 14);
  compare_loss<B>(lm::loss::NLL{.weight = weight, .ignore_index = 6}, logits, classes, 15, &classes, -3.f, 0.f);
  const auto q = lamina_test::random_values(logits.size(), 16, 0.f, 1.f);
  const lm::ConstTensorView probs{q.data(), logits};
  compare_loss<B>(lm::loss::CrossEntropy{.label_smoothing = 0.1f, .weight = weight}, logits, probs, 17);
  // Targets already in backend memory are used in place.
  on_backend<B> tb(t, dense);
  const lm::ConstTensorView target_on_backend = tb.view();
  compare_loss<B>(lm::loss::MSE{}, dense, target, 10, &target_on_backend);
  // Bad targets are caught on the host, with the CPU's message.
  const std::vector<std::int32_t> bad{0, 7};
  on_backend<B> p(std::vector<float>(14), lm::make_dims(2, 7));
  CHECK_THROWS_WITH(lm::loss::CrossEntropy{}(B{}, p.view(), bad), Catch::Contains("target 1 is 7"));
}

TEMPLATE_LIST_TEST_CASE("Backends agree: optimizer steps", LAMINA_BACKEND_TAGS "[optim]", lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  using lm::optim::SGD;
  compare_optimizer<B, SGD>(lm::optim::sgd_options{.lr = 0.1f});
  compare_optimizer<B, SGD>(lm::optim::sgd_options{.lr = 0.1f, .momentum = 0.9f, .weight_decay = 1e-2f});
  compare_optimizer<B, SGD>(lm::optim::sgd_options{.lr = 0.05f, .momentum = 0.9f, .dampening = 0.1f});
  compare_optimizer<B, SGD>(lm::optim::sgd_options{.lr = 0.05f, .momentum = 0.8f, .nesterov = true});
  compare_optimizer<B, lm::optim::Adam>(lm::optim::adam_options{});
  compare_optimizer<B, lm::optim::Adam>(lm::optim::adam_options{.lr = 1e-2, .weight_decay = 1e-2, .amsgrad = true});
  compare_optimizer<B, lm::optim::Adam>(lm::optim::adam_options{.lr = 1e-2, .beta1 = 0.3});
  compare_optimizer<B, lm::optim::AdamW>(lm::optim::adamw_options{.lr = 1e-2});
  compare_optimizer<B, lm::optim::RMSprop>(lm::optim::rmsprop_options{});
  compare_optimizer<B, lm::optim::RMSprop>(
      lm::optim::rmsprop_options{.lr = 1e-3, .weight_decay = 1e-2, .momentum = 0.9, .centered = true});
  compare_optimizer<B, lm::optim::RMSprop>(lm::optim::rmsprop_options{.alpha = 0.3, .centered = true});
  compare_optimizer<B, lm::optim::Adagrad>(lm::optim::adagrad_options{.lr_decay = 0.1, .weight_decay = 1e-2,
                                                                      .initial_accumulator_value = 0.1});
  compare_optimizer<B, lm::optim::Adamax>(lm::optim::adamax_options{.weight_decay = 1e-2});
  compare_optimizer<B, lm::optim::NAdam>(lm::optim::nadam_options{.lr = 1e-2});
  compare_optimizer<B, lm::optim::NAdam>(lm::optim::nadam_options{.weight_decay = 0.1, .decoupled_weight_decay = true});
  compare_optimizer<B, lm::optim::Lion>(lm::optim::lion_options{.lr = 1e-3, .weight_decay = 0.1});
  // Frozen parameters (Model::freeze) are skipped by the same launches, run over the rest.
  lm::frozen_ranges frozen;
  frozen.set(0, 10, true);
  frozen.set(100, 300, true);
  frozen.set(990, 1000, true);
  compare_optimizer<B, SGD>(lm::optim::sgd_options{.lr = 0.1f, .momentum = 0.9f, .weight_decay = 1e-2f}, &frozen);
  compare_optimizer<B, lm::optim::AdamW>(lm::optim::adamw_options{.lr = 1e-2}, &frozen);
  compare_optimizer<B, lm::optim::NAdam>(lm::optim::nadam_options{.lr = 1e-2}, &frozen);
}

TEMPLATE_LIST_TEST_CASE("Backends agree: gradient clipping", LAMINA_BACKEND_TAGS "[optim][clip]", lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  using lamina_test::close_to;
  const auto g = lamina_test::random_values(1000, 9, -2.f, 2.f);
  const lm::dims shape = lm::make_dims(g.size());
  for (double p : {1.0, 2.0, 3.0, std::numeric_limits<double>::infinity()}) {
    INFO("norm_type " << p);
    std::vector<float> ref = g;
    const double ref_norm = lm::optim::clip_grad_norm(lm::cpu{}, {ref.data(), shape}, 1.5, {.norm_type = p});
    on_backend<B> dut(g, shape);
    const double norm = lm::optim::clip_grad_norm(B{}, dut.view(), 1.5, {.norm_type = p});
    CHECK(norm == Approx(ref_norm).epsilon(1e-9));
    CHECK_THAT(lamina_test::host<B>(dut.view()), close_to(ref, 1e-6, 1e-7));
  }
  std::vector<float> ref = g;
  lm::optim::clip_grad_value(lm::cpu{}, {ref.data(), shape}, 0.25);
  on_backend<B> dut(g, shape);
  lm::optim::clip_grad_value(B{}, dut.view(), 0.25);
  CHECK(lamina_test::host<B>(dut.view()) == ref);
}
