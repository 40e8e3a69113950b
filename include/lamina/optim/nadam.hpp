#pragma once
// NAdam (Adam with Nesterov momentum, Dozat 2016) with torch.optim.NAdam's update rule
// (single-tensor implementation, float32 tensors, hyper-parameters in double). Per step t:
//   decoupled_weight_decay: p = p * (1 - lr * weight_decay)   otherwise g = grad + weight_decay * p
//   mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay));  mu_product = mu_1 * ... * mu_t (float32)
//   m = lerp(m, g, 1 - beta1)                          (exp_avg)
//   v = beta2 * v + (1 - beta2) * g * g                (exp_avg_sq)
//   d = sqrt(v / (1 - beta2^t)) + eps
//   p = p - lr * (1 - mu_t) / (1 - mu_product) * g / d - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / d
// One element-wise launch of detail::nadam_update per step, on the model's backend. mu_product
// follows from the step count, so a checkpoint needs only steps() and the two moment tensors.
#include <cmath>
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

/// NAdam's options, with torch.optim.NAdam's defaults (betas = (beta1, beta2)).
struct nadam_options {
  double lr = 2e-3;                     ///< Learning rate.
  double beta1 = 0.9;                   ///< Decay of the first-moment average (exp_avg).
  double beta2 = 0.999;                 ///< Decay of the second-moment average (exp_avg_sq).
  double eps = 1e-8;                    ///< Added to the denominator, for stability.
  double weight_decay = 0.0;            ///< L2 penalty, or decoupled decay (NAdamW).
  double momentum_decay = 4e-3;         ///< PyTorch's momentum_decay (psi) of the momentum schedule.
  bool decoupled_weight_decay = false;  ///< true: NAdamW
};

namespace detail {
template <bool WeightDecay, bool Decoupled, bool SmallWeight>
struct nadam_update {
  float* p; const float* g; float* m; float* v;
  float decay, wd, w1, beta2, w2, bc2, eps, grad_coef, avg_coef;  // w1 = 1 - beta1, w2 = 1 - beta2
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    float pi = p[i], gi = g[i];
    if constexpr (WeightDecay) {
      if constexpr (Decoupled) pi = pi * decay;
      else gi = gi + wd * pi;
    }
    float mi = m[i];
    // at::lerp: the form depends on whether the weight is below 0.5.
    if constexpr (SmallWeight) mi = mi + w1 * (gi - mi);
    else mi = gi - (gi - mi) * (1.0f - w1);
    m[i] = mi;
    const float vi = v[i] * beta2 + w2 * gi * gi;
    v[i] = vi;
    const float d = std::sqrt(vi / bc2) + eps;
    pi = pi + grad_coef * (gi / d);
    p[i] = pi + avg_coef * (mi / d);
  }
};
}  // namespace detail

/// NAdam (Adam with Nesterov momentum), torch.optim.NAdam's update rule.
/// `lm::optim::NAdam opt(model, {.lr = 2e-3})`.
template <lamina::Backend Backend = cpu>
class NAdam {
 public:
  using options_type = nadam_options;  ///< The options (one set per parameter group in ParamGroups).
  using backend = Backend;  ///< Where the parameters and the state tensors live.
  static constexpr const char* name = "NAdam";  ///< For error messages.

  /// An optimizer of params by grads (same size); params and grads are the backend's memory.
  /// It leaves alone what `frozen` marks frozen (an optimizer built from a model: its frozen
  /// parameters).
  NAdam(TensorView params, TensorView grads, nadam_options options, frozen_view frozen = {})
      : options_(options), params_(params), grads_(grads), frozen_(frozen) {
    detail::require_same_size(name, params.size(), grads.size());
    detail::require_option(options.lr >= 0, name, "lr", ">= 0", options.lr);
    detail::require_option(options.eps >= 0, name, "eps", ">= 0", options.eps);
    detail::require_option(options.beta1 >= 0 && options.beta1 < 1, name, "beta1", "in [0, 1)", options.beta1);
    detail::require_option(options.beta2 >= 0 && options.beta2 < 1, name, "beta2", "in [0, 1)", options.beta2);
    detail::require_option(options.weight_decay >= 0, name, "weight_decay", ">= 0", options.weight_decay);
    detail::require_option(options.momentum_decay >= 0, name, "momentum_decay", ">= 0", options.momentum_decay);
    exp_avg_.resize(params.size());
    exp_avg_sq_.resize(params.size());
  }
  /// The same, naming the backend (so that the deduction guides pick it).
  NAdam(Backend, TensorView params, TensorView grads, nadam_options options) : NAdam(params, grads, options) {}
  /// An optimizer of all of a model's parameters, on the model's backend.
  template <class M>
    requires requires(M& m) { m.parameters(); m.gradients(); }
  NAdam(M& model, nadam_options options) : NAdam(model.parameters(), model.gradients(), options, frozen_view_of(model)) {
    static_assert(std::is_same_v<backend_of_t<M>, Backend>,
                  "lamina::optim::NAdam<Backend>: the model runs on another backend; let the constructor deduce "
                  "it: lm::optim::NAdam opt(model, {...})");
  }

  /// One update of every parameter from its gradient (call after backward).
  void step() {
    ++steps_;
    const auto& o = options_;
    const double t = double(steps_), mu = mu_at(t), mu_next = mu_at(t + 1);
    mu_product_ = float(double(mu_product_) * mu);  // a float32 tensor in PyTorch
    const double product = mu_product_, product_next = product * mu_next;
    const float w1 = float(1 - o.beta1);
    kernels::dispatch_flags(
        [&]<bool WeightDecay, bool Decoupled, bool SmallWeight>() {
          parallel_for_trainable(
              Backend{}, params_.size(), frozen_,
              detail::nadam_update<WeightDecay, Decoupled, SmallWeight>{
                  .p = params_.data, .g = grads_.data, .m = exp_avg_.data(), .v = exp_avg_sq_.data(),
                  .decay = float(1 - o.lr * o.weight_decay), .wd = float(o.weight_decay), .w1 = w1,
                  .beta2 = float(o.beta2), .w2 = float(1 - o.beta2), .bc2 = float(1 - std::pow(o.beta2, t)),
                  .eps = float(o.eps), .grad_coef = float(-o.lr * (1.0 - mu) / (1.0 - product)),
                  .avg_coef = float((-o.lr * mu_next) / (1.0 - product_next))});
        },
        o.weight_decay != 0, o.decoupled_weight_decay, std::abs(w1) < 0.5f);
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
    detail::require_option(beta1 >= 0 && beta1 < 1, name, "beta1", "in [0, 1)", beta1);
    options_.beta1 = beta1;
  }
  /// The options, as set or changed since.
  const nadam_options& options() const { return options_; }
  /// Steps taken: PyTorch's state["step"]. set_steps restores it (and mu_product) from a checkpoint.
  std::size_t steps() const { return steps_; }
  /// Restores the step count from a checkpoint.
  void set_steps(std::size_t steps) {
    detail::require_steps(name, steps);
    steps_ = steps;
    mu_product_ = 1.0f;
    for (std::size_t k = 1; k <= steps; ++k) mu_product_ = float(double(mu_product_) * mu_at(double(k)));
  }
  /// PyTorch's state["mu_product"].
  float mu_product() const { return mu_product_; }
  /// The parameters it updates (the model's packed parameters when built from a model).
  TensorView parameters() const { return params_; }
  /// The first-moment averages, PyTorch's exp_avg (backend memory).
  TensorView exp_avg() { return {exp_avg_.data(), make_dims(exp_avg_.size())}; }
  /// The second-moment averages, PyTorch's exp_avg_sq (backend memory).
  TensorView exp_avg_sq() { return {exp_avg_sq_.data(), make_dims(exp_avg_sq_.size())}; }
  /// The state tensors by PyTorch's names, for checkpoints.
  named_state state() { return {{"exp_avg", exp_avg()}, {"exp_avg_sq", exp_avg_sq()}}; }

 private:
  double mu_at(double t) const {
    return options_.beta1 * (1.0 - 0.5 * std::pow(0.96, t * options_.momentum_decay));
  }

  nadam_options options_;
  TensorView params_, grads_;
  frozen_view frozen_;
  buffer<Backend> exp_avg_, exp_avg_sq_;
  float mu_product_ = 1.0f;
  std::size_t steps_ = 0;
};

/// lm::optim::NAdam opt(model, {...}) runs on the model's backend; from views, on the CPU.
///@{
template <class M>
  requires requires(M& m) { m.parameters(); m.gradients(); }
NAdam(M&, nadam_options) -> NAdam<backend_of_t<M>>;
NAdam(TensorView, TensorView, nadam_options) -> NAdam<cpu>;
template <lamina::Backend B>
NAdam(B, TensorView, TensorView, nadam_options) -> NAdam<B>;
///@}

#ifdef LAMINA_COMPILED_LIB
extern template class NAdam<cpu>;  // compiled once, in lamina::compiled (src/optim.cpp)
#endif

}  // namespace lamina::optim
