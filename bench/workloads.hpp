#pragma once
// The reference workloads W1..W7 as lamina types (their definition: this file and
// bench/pytorch_workloads.py), for the training-step benchmark (bench/train_step_bench.cpp); the two
// must stay identical (net, input, batch, loss, optimizer).
//
// Adding a workload (e.g. W2 once Conv2d exists) is one entry: a struct like W1_fmnist_mlp
// below, appended to `all_workloads`. An entry names
//   id, name            "W2", "fmnist-cnn" (the ids run.py matches against PyTorch's)
//   net, input          the lamina network type and its per-sample input Shape
//   batch               samples per step
//   targets             class_labels<C> (cross-entropy) or dense_targets (MSE and friends)
//   loss                the loss functor type (default-constructed)
//   make_optimizer(m)   the optimizer for model m (returned by value; it may keep views of m)
// Everything else (random data, warm-up, timing, the inference mode) is generic.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <lamina/lamina.hpp>
#include <lamina/loss/classification.hpp>
#include <lamina/optim/adam.hpp>
#include <lamina/loss/regression.hpp>

namespace lamina::bench {

// ---- targets -------------------------------------------------------------------------------

// Integer class labels in [0, Classes), one per sample, for cross-entropy.
template <std::size_t Classes>
struct class_labels {
  std::vector<std::int32_t> labels;
  void generate(std::mt19937_64& gen, std::size_t batch, dims /*sample_output*/) {
    std::uniform_int_distribution<std::int32_t> d(0, std::int32_t(Classes) - 1);
    labels.resize(batch);
    for (auto& l : labels) l = d(gen);
  }
  std::span<const std::int32_t> view() const { return labels; }
};

// Float targets in [0, 1) shaped like the output [batch, out...], for regression losses.
struct dense_targets {
  std::vector<float> values;
  dims shape{};
  void generate(std::mt19937_64& gen, std::size_t batch, dims sample_output) {
    std::uniform_real_distribution<float> d(0.f, 1.f);
    shape.rank = sample_output.rank + 1;
    shape.d[0] = batch;
    for (std::size_t i = 0; i < sample_output.rank; ++i) shape.d[i + 1] = sample_output[i];
    values.resize(shape.size());
    for (auto& v : values) v = d(gen);
  }
  ConstTensorView view() const { return {values.data(), shape}; }
};

// ---- the workloads -------------------------------------------------------------------------

// W1 fmnist-mlp (L335 basic net): 669,706 parameters.
struct W1_fmnist_mlp {
  static constexpr std::string_view id = "W1", name = "fmnist-mlp";
  using net = Sequential<Flatten, Linear<784, 512>, ReLU, Linear<512, 512>, ReLU, Linear<512, 10>>;
  using input = Shape<1, 28, 28>;
  static constexpr std::size_t batch = 64;
  static constexpr std::size_t expected_params = 669'706;
  using targets = class_labels<10>;
  using loss = loss::CrossEntropy;
  template <class M>
  static auto make_optimizer(M& m) { return optim::SGD(m, {.lr = 1e-3f}); }
};

// W7 deep-mlp (ECE4179 Q3.1): 29,642 parameters.
struct W7_deep_mlp {
  static constexpr std::string_view id = "W7", name = "deep-mlp";
  using net = Sequential<Linear<784, 32>, ReLU, Linear<32, 64>, ReLU, Linear<64, 32>, ReLU,
                         Linear<32, 10>>;
  using input = Shape<784>;
  static constexpr std::size_t batch = 128;
  static constexpr std::size_t expected_params = 29'642;
  using targets = class_labels<10>;
  using loss = loss::CrossEntropy;
  template <class M>
  static auto make_optimizer(M& m) {
    return optim::SGD(m, {.lr = 1e-3f, .momentum = 0.9f, .weight_decay = 1e-4f});
  }
};

// W2 fmnist-cnn (L335 CNN): 663,724 parameters.
struct W2_fmnist_cnn {
  static constexpr std::string_view id = "W2", name = "fmnist-cnn";
  using net = Sequential<Conv2d<1, 9, 5, 1, 2>, ReLU, MaxPool2d<2, 1>,
                         Conv2d<9, 9, 5, 1, 2>, ReLU, MaxPool2d<2, 1>,
                         Conv2d<9, 9, 5, 1, 2>, ReLU, MaxPool2d<2, 1>,
                         Flatten, Linear<5625, 117>, ReLU, Linear<117, 10>>;
  using input = Shape<1, 28, 28>;
  static constexpr std::size_t batch = 64;
  static constexpr std::size_t expected_params = 663'724;
  using targets = class_labels<10>;
  using loss = loss::CrossEntropy;
  template <class M>
  static auto make_optimizer(M& m) { return optim::SGD(m, {.lr = 1e-3f}); }
};

// W3 balls-cnn (CSIT6000M task 1): 77,539 parameters.
struct W3_balls_cnn {
  static constexpr std::string_view id = "W3", name = "balls-cnn";
  using net = Sequential<Conv2d<1, 16, 3, 1, 1>, ReLU, Conv2d<16, 32, 3, 1, 1>, ReLU, MaxPool2d<2>,
                         Conv2d<32, 16, 3, 1, 1>, ReLU, Conv2d<16, 16, 3, 1, 1>, ReLU, MaxPool2d<2>,
                         Flatten, Linear<1024, 64>, ReLU, Linear<64, 3>>;
  using input = Shape<1, 32, 32>;
  static constexpr std::size_t batch = 32;
  static constexpr std::size_t expected_params = 77'539;
  using targets = class_labels<3>;
  using loss = loss::CrossEntropy;
  template <class M>
  static auto make_optimizer(M& m) { return optim::Adam(m, {.lr = 1e-3}); }
};

// W4 conv-ae (ELEC5306, (N, M) = (64, 96)): 726,883 parameters.
struct W4_conv_ae {
  static constexpr std::string_view id = "W4", name = "conv-ae";
  using net = Sequential<Conv2d<3, 64, 5, 2, 2>, ReLU, Conv2d<64, 64, 5, 2, 2>, ReLU,
                         Conv2d<64, 64, 5, 2, 2>, ReLU, Conv2d<64, 96, 5, 2, 2>,
                         ConvTranspose2d<96, 64, 5, 2, 2, 1>, ReLU, ConvTranspose2d<64, 64, 5, 2, 2, 1>, ReLU,
                         ConvTranspose2d<64, 64, 5, 2, 2, 1>, ReLU, ConvTranspose2d<64, 3, 5, 2, 2, 1>, Sigmoid>;
  using input = Shape<3, 64, 64>;
  static constexpr std::size_t batch = 16;
  static constexpr std::size_t expected_params = 726'883;
  using targets = dense_targets;
  using loss = loss::MSE;
  template <class M>
  static auto make_optimizer(M& m) { return optim::Adam(m, {.lr = 1e-4}); }
};

// W5 face-ae (ECE4179 Q1, n = 64): 528,448 parameters.
struct W5_face_ae {
  static constexpr std::string_view id = "W5", name = "face-ae";
  using net = Sequential<Linear<4096, 64>, ReLU, Linear<64, 4096>>;
  using input = Shape<4096>;
  static constexpr std::size_t batch = 64;
  static constexpr std::size_t expected_params = 528'448;
  using targets = dense_targets;
  using loss = loss::MSE;
  template <class M>
  static auto make_optimizer(M& m) { return optim::SGD(m, {.lr = 1e-2f}); }
};

// W6 inr-ffn (L335 regression task 2): Fourier features (m = 256, sigma = 5) then an MLP,
// 263,683 parameters; one step is one 256x256 image of (x, y) coordinates.
struct W6_inr_ffn {
  static constexpr std::string_view id = "W6", name = "inr-ffn";
  using net = Sequential<FourierFeatures<2, 256, 5.0f>, Linear<512, 256>, ReLU, Linear<256, 256>, ReLU,
                         Linear<256, 256>, ReLU, Linear<256, 3>, Sigmoid>;
  using input = Shape<2>;
  static constexpr std::size_t batch = 65536;
  static constexpr std::size_t expected_params = 263'683;
  using targets = dense_targets;
  using loss = loss::MSE;
  template <class M>
  static auto make_optimizer(M& m) { return optim::Adam(m, {.lr = 1e-3}); }
};

using all_workloads = std::tuple<W1_fmnist_mlp, W2_fmnist_cnn, W3_balls_cnn, W4_conv_ae, W5_face_ae, W6_inr_ffn,
                                 W7_deep_mlp>;

// ---- generic run-time side -----------------------------------------------------------------

enum class mode { train, infer };

// Timing breakdown of one training step, in seconds (accumulated over steps).
struct phase_times {
  double forward = 0, loss = 0, backward = 0, optimizer = 0;
};

// One workload instance: model, optimizer, a fixed random batch. Type-erased so that the
// driver picks workloads by id at run time.
class runner {
 public:
  virtual ~runner() = default;
  virtual std::string_view id() const = 0;
  virtual std::string_view name() const = 0;
  virtual std::size_t batch() const = 0;
  virtual std::size_t param_count() const = 0;
  // One step; returns the loss (train) or the first output value (infer), so nothing is
  // optimised away and a diverging run is visible.
  virtual float step(mode m) = 0;
  // One training step with each phase timed into `t`.
  virtual float timed_train_step(phase_times& t) = 0;
};

// Backend: lm::cpu, or lm::cuda in the CUDA build of the benchmark (train_step_bench.cu).
template <class W, class Backend = cpu>
class workload_runner final : public runner {
 public:
  using model_type = Model<typename W::net, typename W::input, Backend>;
  static_assert(model_type::valid, "bench workload: the network does not accept its input shape");
  static_assert(model_type::param_count == W::expected_params,
                "bench workload: parameter count differs from workloads.md");

  // p: the model's autocast (mixed precision); fp16 trains with a loss scaler, as PyTorch's AMP.
  workload_runner(std::uint64_t seed, precision p)
      : model_(std::make_unique<model_type>(seed)),
        opt_(W::make_optimizer(*model_)),
        x_(W::batch * model_type::input_size) {
    std::mt19937_64 gen(seed + 1);
    std::uniform_real_distribution<float> d(0.f, 1.f);
    for (auto& v : x_) v = d(gen);
    targets_.generate(gen, W::batch, model_type::output_shape::value);
    model_->autocast(p);
    if (p == precision::fp16) scaler_.emplace();
    model_->plan(W::batch);
  }

  std::string_view id() const override { return W::id; }
  std::string_view name() const override { return W::name; }
  std::size_t batch() const override { return W::batch; }
  std::size_t param_count() const override { return model_type::param_count; }

  float step(mode m) override {
    if (m == mode::train)
      return train::step(*model_, x_, W::batch, targets_.view(), loss_, opt_, scaler_ ? &*scaler_ : nullptr);
    model_->eval();
    const auto y = model_->forward(x_, W::batch);
    float first = 0;
    kernels::download(Backend{}, y.data, &first, 1);  // waits for the GPU on the CUDA backend
    return first;
  }

  float timed_train_step(phase_times& t) override {
    using clk = std::chrono::steady_clock;
    const auto s = [](clk::time_point a, clk::time_point b) {
      return std::chrono::duration<double>(b - a).count();
    };
    // Each phase is waited for before its clock reads (a no-op on the CPU).
    const auto now = [] {
      kernels::synchronize(Backend{});
      return clk::now();
    };
    model_->train();
    const auto t0 = now();
    const auto y = model_->forward(x_, W::batch);
    const auto t1 = now();
    const float value = loss::evaluate(loss_, Backend{}, y, targets_.view(), model_->output_grad());
    const auto t2 = now();
    model_->backward();
    const auto t3 = now();
    opt_.step();
    const auto t4 = now();
    t.forward += s(t0, t1);
    t.loss += s(t1, t2);
    t.backward += s(t2, t3);
    t.optimizer += s(t3, t4);
    return value;
  }

 private:
  std::unique_ptr<model_type> model_;  // heap: the optimizer keeps views of its buffers
  decltype(W::make_optimizer(std::declval<model_type&>())) opt_;
  std::vector<float> x_;
  typename W::targets targets_;
  typename W::loss loss_{};
  std::optional<train::grad_scaler> scaler_;  // under fp16
};

// The ids of all workloads, in registry order.
inline std::vector<std::string_view> workload_ids() {
  return std::apply([](auto... w) { return std::vector<std::string_view>{decltype(w)::id...}; },
                    all_workloads{});
}

// A runner for workload `id` on Backend (null when unknown).
template <class Backend = cpu>
std::unique_ptr<runner> make_runner(std::string_view id, std::uint64_t seed, precision p = precision::fp32) {
  std::unique_ptr<runner> r;
  std::apply(
      [&](auto... w) {
        ((decltype(w)::id == id ? (void)(r = std::make_unique<workload_runner<decltype(w), Backend>>(seed, p))
                                : void()),
         ...);
      },
      all_workloads{});
  return r;
}

}  // namespace lamina::bench
