#pragma once
// Lion (EvoLved Sign Momentum; Chen et al. 2023, "Symbolic Discovery of Optimization
// Algorithms", Algorithm 2), as the authors' PyTorch reference implementation. Per step:
//   p = p * (1 - lr * weight_decay)                    (decoupled weight decay)
//   p = p - lr * sign(beta1 * m + (1 - beta1) * g)     (sign(0) = 0)
//   m = beta2 * m + (1 - beta2) * g                    (exp_avg)
// Every update has the same size, lr, in every coordinate: the paper advises an lr 3-10x
// smaller than AdamW's and a weight decay 3-10x larger. One state tensor (half Adam's memory);
// one element-wise launch of detail::lion_update per step, on the model's backend.
#include <cstddef>
#include <string>
#include <type_traits>

#include "../core/backend.hpp"
#include "../core/buffer.hpp"
#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "../kernels/kernels.hpp"
#include "frozen_view.hpp"
#include "concepts.hpp"

namespace lamina::optim {

/// Lion's options, with the paper's defaults (betas = (beta1, beta2)).
struct lion_options {
  double lr = 1e-4;           ///< Learning rate.
  double beta1 = 0.9;         ///< Weight of the average in the update's direction.
  double beta2 = 0.99;        ///< Decay of the gradient average (exp_avg).
  double weight_decay = 0.0;  ///< Decoupled weight decay: p *= 1 - lr * weight_decay each step.
};

namespace detail {
template <bool WeightDecay>
struct lion_update {
  float* p; const float* g; float* m;
  float decay, beta1, w1, beta2, w2, neg_lr;  // decay = 1 - lr * wd, w1 = 1 - beta1, w2 = 1 - beta2
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    float pi = p[i];
    const float gi = g[i], mi = m[i];
    if constexpr (WeightDecay) pi = pi * decay;
    const float u = mi * beta1 + gi * w1;
    const float sign = u > 0.f ? 1.f : u < 0.f ? -1.f : u;  // torch.sign: 0 at 0, NaN stays NaN
    p[i] = pi + neg_lr * sign;
    m[i] = mi * beta2 + gi * w2;
  }
};
}  // namespace detail

/// Lion (EvoLved Sign Momentum, Chen et al. 2023): a step of lr in the sign of an average of
/// the gradient and momentum. `lm::optim::Lion opt(model, {.lr = 1e-4})`.
template <lamina::Backend Backend = cpu>
class Lion {
 public:
  using options_type = lion_options;  ///< The options (one set per parameter group in ParamGroups).
  using backend = Backend;  ///< Where the parameters and the state tensors live.
  static constexpr const char* name = "Lion";  ///< For error messages.

  /// An optimizer of params by grads (same size); params and grads are the backend's memory.
  /// It leaves alone what `frozen` marks frozen (an optimizer built from a model: its frozen
  /// parameters).
  Lion(TensorView params, TensorView grads, lion_options options, frozen_view frozen = {}) : options_(options), params_(params), grads_(grads), frozen_(frozen) {
    detail::require_same_size(name, params.size(), grads.size());
    detail::require_option(options.lr >= 0, name, "lr", ">= 0", options.lr);
    detail::require_option(options.beta1 >= 0 && options.beta1 <= 1, name, "beta1", "in [0, 1]", options.beta1);
    detail::require_option(options.beta2 >= 0 && options.beta2 <= 1, name, "beta2", "in [0, 1]", options.beta2);
    detail::require_option(options.weight_decay >= 0, name, "weight_decay", ">= 0", options.weight_decay);
    exp_avg_.resize(params.size());
  }
  /// The same, naming the backend (so that the deduction guides pick it).
  Lion(Backend, TensorView params, TensorView grads, lion_options options) : Lion(params, grads, options) {}
  /// An optimizer of all of a model's parameters, on the model's backend.
  template <class M>
    requires requires(M& m) { m.parameters(); m.gradients(); }
  Lion(M& model, lion_options options) : Lion(model.parameters(), model.gradients(), options, frozen_view_of(model)) {
    static_assert(std::is_same_v<backend_of_t<M>, Backend>,
                  "lamina::optim::Lion<Backend>: the model runs on another backend; let the constructor deduce "
                  "it: lm::optim::Lion opt(model, {...})");
  }

  /// One update of every parameter from its gradient (call after backward).
  void step() {
    ++steps_;
    const auto& o = options_;
    kernels::dispatch_flags(
        [&]<bool WeightDecay>() {
          parallel_for_trainable(Backend{}, params_.size(), frozen_,
                                detail::lion_update<WeightDecay>{
                                    .p = params_.data, .g = grads_.data, .m = exp_avg_.data(),
                                    .decay = float(1 - o.lr * o.weight_decay), .beta1 = float(o.beta1),
                                    .w1 = float(1 - o.beta1), .beta2 = float(o.beta2), .w2 = float(1 - o.beta2),
                                    .neg_lr = float(-o.lr)});
        },
        o.weight_decay != 0);
  }

  /// The learning rate.
  double lr() const { return options_.lr; }
  /// Sets the learning rate (what schedulers call); may go below 0, as in PyTorch.
  void set_lr(double lr) {
    detail::require_option(true, name, "lr", "finite", lr);  // schedulers may go below 0, as in PyTorch
    options_.lr = lr;
  }
  /// beta1, which OneCycleLR and CyclicLR cycle like PyTorch's cycle_momentum.
  double beta1() const { return options_.beta1; }
  /// Sets beta1 (in [0, 1)).
  void set_beta1(double beta1) {
    detail::require_option(beta1 >= 0 && beta1 <= 1, name, "beta1", "in [0, 1]", beta1);
    options_.beta1 = beta1;
  }
  /// The options, as set or changed since.
  const lion_options& options() const { return options_; }
  /// Steps taken (Lion's update does not depend on it; kept for checkpoints and schedulers).
  std::size_t steps() const { return steps_; }
  /// Restores the step count from a checkpoint.
  void set_steps(std::size_t steps) {
    detail::require_steps(name, steps);
    steps_ = steps;
  }
  /// The parameters it updates (the model's packed parameters when built from a model).
  TensorView parameters() const { return params_; }
  /// The gradient averages, the reference implementation's exp_avg (backend memory).
  TensorView exp_avg() { return {exp_avg_.data(), make_dims(exp_avg_.size())}; }
  /// The state tensors by the reference implementation's names, for checkpoints.
  named_state state() { return {{"exp_avg", exp_avg()}}; }

 private:
  lion_options options_;
  TensorView params_, grads_;
  frozen_view frozen_;
  buffer<Backend> exp_avg_;
  std::size_t steps_ = 0;
};

/// lm::optim::Lion opt(model, {...}) runs on the model's backend; from views, on the CPU.
///@{
template <class M>
  requires requires(M& m) { m.parameters(); m.gradients(); }
Lion(M&, lion_options) -> Lion<backend_of_t<M>>;
Lion(TensorView, TensorView, lion_options) -> Lion<cpu>;
template <lamina::Backend B>
Lion(B, TensorView, TensorView, lion_options) -> Lion<B>;
///@}

#ifdef LAMINA_COMPILED_LIB
extern template class Lion<cpu>;  // compiled once, in lamina::compiled (src/optim.cpp)
#endif

}  // namespace lamina::optim
