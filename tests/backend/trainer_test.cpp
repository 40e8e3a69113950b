// Everything above the training step on every backend: the Trainer (fit with validation,
// metrics, KeepBest, a scheduler, evaluate, predict), checkpoints saved and resumed, the model
// file, and the gradient check, on a CNN with BatchNorm and a Residual block. Each backend's
// run is compared with the CPU's.
#include "backend/backends.hpp"
#include "runtime/temp_dir.hpp"

namespace lm = lamina;

namespace {

using Net = lm::Sequential<lm::Conv2d<1, 4, 3, 1, 1>, lm::BatchNorm2d<4>, lm::ReLU,
                           lm::Residual<lm::Sequential<lm::Conv2d<4, 4, 3, 1, 1>, lm::ReLU>>, lm::MaxPool2d<2>,
                           lm::Flatten, lm::Linear<64, 3>>;
using In = lm::Shape<1, 8, 8>;

// A learnable task: the class is which third of the image is brightest.
struct toy_data {
  std::vector<float> x;
  std::vector<std::int32_t> y;
  explicit toy_data(std::size_t n, std::uint64_t seed) : x(n * In::size), y(n) {
    lm::rng gen(seed);
    for (std::size_t s = 0; s < n; ++s) {
      y[s] = std::int32_t(s % 3);
      for (std::size_t i = 0; i < In::size; ++i)
        x[s * In::size + i] = gen.uniform(0.f, 1.f) + ((i % 8) / 3 == std::size_t(y[s]) ? 1.f : 0.f);
    }
  }
};

template <class B>
struct run {
  lm::Model<Net, In, B> model{11};
  lm::optim::SGD<B> opt{model, {.lr = 0.05f, .momentum = 0.9f}};
  lm::optim::StepLR sched{opt, {.step_size = 2, .gamma = 0.5}};
  lm::train::Trainer<lm::Model<Net, In, B>, lm::loss::CrossEntropy, lm::optim::SGD<B>> trainer{
      model, lm::loss::CrossEntropy{}, opt, {.progress = lm::train::progress_bar::style::silent}};
  run() {
    trainer.add_metric(lm::train::accuracy());
    trainer.on_epoch_end([this](const lm::train::epoch_record&) { sched.step(); });
  }
};

}  // namespace

TEMPLATE_LIST_TEST_CASE("The Trainer, checkpoints and the gradient check run on every backend",
                        LAMINA_BACKEND_TAGS "[train][trainer]", lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  const toy_data train(48, 1), val(24, 2);
  const lamina_test::temp_dir dir("lamina_backend_trainer");
  auto loader = [](const toy_data& d, bool shuffle) {
    return lm::data::ClassificationLoader(d.x, d.y, In::size, {.batch_size = 12, .shuffle = shuffle, .seed = 3});
  };
  auto train_loader = loader(train, true), val_loader = loader(val, false);

  run<B> dut;
  run<lm::cpu> ref;
  auto keep = std::make_shared<lm::train::KeepBest>(
      lm::train::KeepBest::options{.path = dir / "best.safetensors", .restore_at_end = true});
  dut.trainer.add_callback(keep);
  ref.trainer.add_callback(std::make_shared<lm::train::KeepBest>(lm::train::KeepBest::options{.restore_at_end = true}));
  const auto& h = dut.trainer.fit(train_loader, 4, &val_loader);
  const auto& hr = ref.trainer.fit(train_loader, 4, &val_loader);
  REQUIRE(h.epochs.size() == 4);
  for (std::size_t e = 0; e < 4; ++e) {
    INFO("epoch " << e + 1 << " on " << lamina_test::backend_name<B>());
    CHECK(h.epochs[e].values.at("loss") == Approx(hr.epochs[e].values.at("loss")).epsilon(1e-3));
    CHECK(h.epochs[e].values.at("val_accuracy") == Approx(hr.epochs[e].values.at("val_accuracy")).margin(0.05));
    CHECK(h.epochs[e].values.at("lr") == hr.epochs[e].values.at("lr"));
  }
  CHECK(h.epochs.back().values.at("val_accuracy") > 0.6);
  // KeepBest restored the best epoch's weights: evaluating gives that epoch's figures.
  const auto best = dut.trainer.evaluate(val_loader);
  CHECK(best.at("accuracy") == Approx(keep->best()).margin(1e-9));
  CHECK(std::filesystem::exists(dir / "best.safetensors"));

  // A checkpoint resumes on the same backend: model, optimizer state, history and lr.
  dut.trainer.save_checkpoint(dir / "ckpt.safetensors");
  run<B> resumed;
  resumed.trainer.resume(dir / "ckpt.safetensors");
  CHECK(resumed.trainer.get_history().epochs.size() == 4);
  CHECK(resumed.opt.lr() == dut.opt.lr());
  CHECK(lamina_test::host<B>(resumed.model.parameters()) == lamina_test::host<B>(dut.model.parameters()));
  CHECK(lamina_test::host<B>(resumed.opt.momentum_buffer()) == lamina_test::host<B>(dut.opt.momentum_buffer()));
  // ... and the model file loads into a CPU model, which then predicts the same.
  lm::io::save(dut.model, dir / "model.safetensors");
  lm::Model<Net, In, lm::cpu> on_cpu;
  lm::io::load(on_cpu, dir / "model.safetensors");
  lm::Tensor p = dut.model.predict(val.x, 10), pc = on_cpu.predict(val.x, 10);
  CHECK_THAT(std::vector<float>(p.begin(), p.end()),
             lamina_test::close_to(std::vector<float>(pc.begin(), pc.end()), 1e-4, 1e-5));

  // The gradient check reads and probes the model's backend memory.
  lm::Model<Net, In, B> small(5);
  const auto g = lm::testing::check_gradients(small, std::span<const float>(train.x).first(2 * In::size), 2,
                                              {.max_checks_per_tensor = 6});
  INFO(g.report());
  CHECK(g.ok());
  CHECK(g.checked > 30);
}

TEMPLATE_LIST_TEST_CASE("Model::to_host and from_host copy the model's memory on every backend",
                        LAMINA_BACKEND_TAGS "[model]", lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  lm::Model<Net, In, B> model(3), twin(4);
  const auto values = [](const lm::Tensor& t) { return std::vector<float>(t.data(), t.data() + t.size()); };
  const lm::Tensor params = model.to_host(model.parameters());
  CHECK(params.shape() == model.parameters().shape);
  CHECK(values(params) == lamina_test::host<B>(model.parameters()));

  twin.from_host({params.data(), params.size()}, twin.parameters());  // the twin now computes what the model does
  const toy_data d(4, 5);
  model.eval();
  twin.eval();
  const lm::Tensor y = model.to_host(model.forward(d.x, 4)), y_twin = twin.to_host(twin.forward(d.x, 4));
  CHECK(y.shape() == lm::make_dims(4, 3));
  CHECK(values(y) == values(y_twin));

  // A parameter by name, and a size mismatch named in the error.
  const lm::Tensor bias = model.to_host(model.parameter("6.bias"));
  CHECK(bias.size() == 3);
  CHECK_THROWS_WITH(twin.from_host({bias.data(), bias.size()}, twin.parameters()),
                    Catch::Contains("from_host: got 3 values for a view of " + std::to_string(Net::param_count)));
}

TEMPLATE_LIST_TEST_CASE("EMA averages the weights and BatchNorm statistics on every backend, in the Trainer",
                        LAMINA_BACKEND_TAGS "[optim][ema]", lamina_test::backends) {
  using B = TestType;
  LAMINA_REQUIRE_BACKEND(B);
  const toy_data train(48, 6);
  auto loader = lm::data::ClassificationLoader(train.x, train.y, In::size, {.batch_size = 12, .seed = 4});
  auto train_with_ema = [&]<class Bk>(lm::Model<Net, In, Bk>& model) {
    lm::optim::Adam adam(model, {.lr = 1e-2});
    lm::optim::EMA ema(model, adam, {.decay = 0.7});
    lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, ema,
                               {.progress = lm::train::progress_bar::style::silent, .evaluate_averaged = true});
    trainer.fit(loader, 2);
    const double averaged_loss = trainer.evaluate(loader).at("loss");
    return std::tuple{lamina_test::host<Bk>(ema.averaged_parameters()), lamina_test::host<Bk>(ema.averaged_buffers()),
                      averaged_loss};
  };
  lm::Model<Net, In, B> dut(13);
  lm::Model<Net, In, lm::cpu> ref(13);
  const auto [params, buffers, loss] = train_with_ema(dut);
  const auto [ref_params, ref_buffers, ref_loss] = train_with_ema(ref);
  CHECK_THAT(params, lamina_test::close_to(ref_params, 1e-3, 1e-5));
  CHECK_THAT(buffers, lamina_test::close_to(ref_buffers, 1e-3, 1e-5));
  CHECK(loss == Approx(ref_loss).epsilon(1e-3));
}
