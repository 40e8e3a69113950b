#pragma once
// An exponential moving average of a model's weights, kept next to the optimizer that trains
// them (Polyak averaging; torch.optim.swa_utils.AveragedModel with get_ema_multi_avg_fn):
//   lm::optim::AdamW adamw(model, {.lr = 1e-3});
//   lm::optim::EMA opt(model, adamw, {.decay = 0.999});   // steps adamw, then averages
//   lm::train::Trainer trainer(model, loss, opt, {.evaluate_averaged = true});
// After every step of the optimizer it wraps (and on update()):
//   average = lerp(average, weight, 1 - decay)      (the first update copies the weights)
// over the parameters and, with use_buffers (AveragedModel(use_buffers=True)), the buffers:
// BatchNorm's running statistics are averaged too, its integer num_batches_tracked as
// PyTorch's integer path does, trunc(decay * average + (1 - decay) * count).
// EMA is itself an optimizer: lr, momentum/beta1, steps and state are the wrapped one's, and its
// state adds the averages ("ema.parameters", "ema.buffers") and their count ("ema.n_averaged",
// AveragedModel's n_averaged), so schedulers, the Trainer and checkpoints take it as they are. swap_weights() exchanges the model's weights with the
// averages (the Trainer's evaluate_averaged does it around every evaluation), copy_to_model()
// keeps the averages for good.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/backend.hpp"
#include "../core/buffer.hpp"
#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "../kernels/kernels.hpp"
#include "concepts.hpp"

namespace lamina::optim {

/// EMA's options.
struct ema_options {
  double decay = 0.999;     ///< AveragedModel's get_ema_multi_avg_fn default
  bool use_buffers = true;  ///< average the buffers (BatchNorm statistics) too, else keep the model's
};

namespace detail {
// at::lerp(average, weight, w): the form depends on whether the weight is below 0.5.
template <bool SmallWeight>
struct ema_update {
  float* avg; const float* cur; float w;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const float a = avg[i], c = cur[i];
    if constexpr (SmallWeight) avg[i] = a + w * (c - a);
    else avg[i] = c - (c - a) * (1.0f - w);
  }
};
// An integer buffer (num_batches_tracked): PyTorch's non-floating-point path, truncated.
struct ema_update_integral {
  float* avg; const float* cur; float decay, w;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { avg[i] = ::truncf(avg[i] * decay + cur[i] * w); }
};
struct swap_values {
  float* a; float* b;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const float t = a[i];
    a[i] = b[i];
    b[i] = t;
  }
};
}  // namespace detail

/// An exponential moving average of a model's weights, kept next to the optimizer Inner that
/// trains them (torch.optim.swa_utils.AveragedModel with get_ema_multi_avg_fn). Itself an
/// optimizer: `lm::optim::EMA opt(model, adamw, {.decay = 0.999})` steps adamw, then averages.
template <class Inner>
class EMA {
  static_assert(detail::require_optimizer<Inner>());

 public:
  using backend = backend_of_t<Inner>;  ///< The wrapped optimizer's backend.
  static constexpr const char* name = "EMA";  ///< For error messages.

  /// Averages of `model`'s weights (starting as a copy), updated after every step of `inner`,
  /// which must be built for the same model and outlive the EMA.
  template <class M>
    requires requires(M& m) { m.parameters(); m.state(); m.named_buffers(); }
  EMA(M& model, Inner& inner, ema_options options = {})
      : inner_(inner), options_(options), params_(model.parameters()), state_(model.state()) {
    require_built_for(inner, model, "optim::EMA");
    detail::require_option(options.decay >= 0 && options.decay <= 1, name, "decay", "in [0, 1]", options.decay);
    for (const auto& b : model.named_buffers())
      buffers_.push_back({std::size_t(b.value.data - state_.data), b.value.size(), b.integral});
    n_averaged_buffer_.resize(1);
    kernels::fill(backend{}, n_averaged_buffer_.data(), 1, 0.f);
    avg_params_.resize(params_.size());
    kernels::copy(backend{}, params_.data, avg_params_.data(), params_.size());
    if (options.use_buffers) {
      avg_state_.resize(state_.size());
      kernels::copy(backend{}, state_.data, avg_state_.data(), state_.size());
    }
  }

  /// The wrapped optimizer's step, then update().
  void step() {
    inner_.step();
    update();
  }
  /// Folds the model's current weights into the averages (the first call copies them).
  void update() {
    count_update();
    if (n_averaged_ == 1) {
      kernels::copy(backend{}, params_.data, avg_params_.data(), params_.size());
      if (options_.use_buffers) kernels::copy(backend{}, state_.data, avg_state_.data(), state_.size());
      return;
    }
    const float w = float(1 - options_.decay);
    lerp(avg_params_.data(), params_.data, params_.size(), w);
    if (!options_.use_buffers) return;
    for (const buffer_range& b : buffers_) {
      if (b.integral)
        kernels::parallel_for(backend{}, b.size, detail::ema_update_integral{avg_state_.data() + b.offset,
                                                                               state_.data + b.offset,
                                                                               float(options_.decay), w});
      else
        lerp(avg_state_.data() + b.offset, state_.data + b.offset, b.size, w);
    }
  }
  /// Exchanges the model's parameters (and, with use_buffers, buffers) with the averages: call it
  /// again to swap back.
  void swap_weights() {
    kernels::parallel_for(backend{}, params_.size(), detail::swap_values{params_.data, avg_params_.data()});
    if (options_.use_buffers)
      kernels::parallel_for(backend{}, state_.size(), detail::swap_values{state_.data, avg_state_.data()});
  }
  /// Writes the averages into the model (what to do once training ends).
  void copy_to_model() {
    kernels::copy(backend{}, avg_params_.data(), params_.data, params_.size());
    if (options_.use_buffers) kernels::copy(backend{}, avg_state_.data(), state_.data, state_.size());
  }

  /// The averaged parameters (backend memory), packed like the model's parameters.
  TensorView averaged_parameters() { return {avg_params_.data(), make_dims(avg_params_.size())}; }
  /// The averaged buffers (backend memory), packed like the model's (empty without use_buffers).
  TensorView averaged_buffers() { return {avg_state_.data(), make_dims(avg_state_.size())}; }
  /// Updates folded in so far (0: the averages are still the weights at construction).
  std::size_t n_averaged() const { return n_averaged_; }
  /// The options.
  const ema_options& options() const { return options_; }
  /// The wrapped optimizer.
  Inner& inner() { return inner_; }

  /// The wrapped optimizer's lr, momentum or beta1 (schedulers set them through the EMA).
  ///@{
  double lr() const { return double(inner_.lr()); }
  void set_lr(double lr) { inner_.set_lr(lr); }
  double momentum() const requires MomentumOptimizer<Inner> { return double(inner_.momentum()); }
  void set_momentum(double m) requires MomentumOptimizer<Inner> { inner_.set_momentum(m); }
  double beta1() const requires Beta1Optimizer<Inner> { return double(inner_.beta1()); }
  void set_beta1(double b) requires Beta1Optimizer<Inner> { inner_.set_beta1(b); }
  ///@}
  /// The parameters the wrapped optimizer updates.
  TensorView parameters() const requires requires(const Inner& i) { i.parameters(); } { return inner_.parameters(); }

  // Checkpoints: the wrapped optimizer's steps and state, plus the averages.
  /// The wrapped optimizer's step count.
  std::size_t steps() const requires CheckpointOptimizer<Inner> { return inner_.steps(); }
  /// Restoring a checkpoint writes the state tensors, then sets the steps: the count of updates
  /// is read back from its tensor here.
  void set_steps(std::size_t steps) requires CheckpointOptimizer<Inner> {
    inner_.set_steps(steps);
    float n = 0;
    kernels::download(backend{}, n_averaged_buffer_.data(), &n, 1);
    if (!(n >= 0 && n <= 16777216.f && n == float(std::size_t(n))))
      throw std::invalid_argument("lamina::optim::EMA: the state's ema.n_averaged must be a count, got " +
                                  std::to_string(n));
    n_averaged_ = std::size_t(n);
  }
  /// The wrapped optimizer's state tensors, then "ema.parameters", "ema.buffers" (with
  /// use_buffers) and "ema.n_averaged", for checkpoints.
  named_state state() requires CheckpointOptimizer<Inner> {
    named_state s = inner_.state();
    s.emplace_back("ema.parameters", averaged_parameters());
    if (options_.use_buffers && avg_state_.size()) s.emplace_back("ema.buffers", averaged_buffers());
    s.emplace_back("ema.n_averaged", TensorView{n_averaged_buffer_.data(), make_dims(1)});
    return s;
  }

 private:
  struct buffer_range {
    std::size_t offset, size;
    bool integral;
  };
  // The count on the host, and in backend memory for checkpoints (a float: exact to 2^24, and
  // past that it only needs to stay above 0).
  void count_update() {
    ++n_averaged_;
    kernels::fill(backend{}, n_averaged_buffer_.data(), 1, float(std::min<std::size_t>(n_averaged_, 16777216)));
  }
  static void lerp(float* avg, const float* cur, std::size_t n, float w) {
    kernels::dispatch_flags(
        [&]<bool SmallWeight>() { kernels::parallel_for(backend{}, n, detail::ema_update<SmallWeight>{avg, cur, w}); },
        std::abs(w) < 0.5f);
  }

  Inner& inner_;
  ema_options options_;
  TensorView params_, state_;
  std::vector<buffer_range> buffers_;
  buffer<backend> avg_params_, avg_state_, n_averaged_buffer_;
  std::size_t n_averaged_ = 0;
};

/// lm::optim::EMA opt(model, inner, {...}) wraps inner's type.
///@{
template <class M, class Inner>
EMA(M&, Inner&, ema_options) -> EMA<Inner>;
template <class M, class Inner>
EMA(M&, Inner&) -> EMA<Inner>;
///@}

/// An optimizer that keeps averaged weights the Trainer can evaluate (EMA).
template <class O>
concept AveragingOptimizer = Optimizer<O> && requires(O& o) { o.swap_weights(); };

}  // namespace lamina::optim
