#pragma once
// Adamax (Adam with the infinity norm) with torch.optim.Adamax's update rule (single-tensor
// implementation, float32 tensors, hyper-parameters in double). Per step t (counted from 1):
//   g = grad + weight_decay * p
//   m = lerp(m, g, 1 - beta1)                          (exp_avg)
//   u = max(beta2 * u, |g| + eps)                      (exp_inf)
//   p = p - lr / (1 - beta1^t) * m / u
// One element-wise launch of detail::adamax_update per step, on the model's backend.
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

/// Adamax's options, with torch.optim.Adamax's defaults (betas = (beta1, beta2)).
struct adamax_options {
  double lr = 2e-3;           ///< Learning rate.
  double beta1 = 0.9;         ///< Decay of the first-moment average (exp_avg).
  double beta2 = 0.999;       ///< Decay of the infinity norm (exp_inf).
  double eps = 1e-8;          ///< Added to |g| in the norm, for stability.
  double weight_decay = 0.0;  ///< L2 penalty added to the gradient.
};

namespace detail {
template <bool WeightDecay, bool SmallWeight>
struct adamax_update {
  float* p; const float* g; float* m; float* u;
  float wd, w1, beta2, eps, neg_clr;  // w1 = 1 - beta1
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const float pi = p[i];
    float gi = g[i];
    if constexpr (WeightDecay) gi = gi + wd * pi;
    float mi = m[i];
    // at::lerp: the form depends on whether the weight is below 0.5.
    if constexpr (SmallWeight) mi = mi + w1 * (gi - mi);
    else mi = gi - (gi - mi) * (1.0f - w1);
    m[i] = mi;
    const float decayed = u[i] * beta2, fresh = std::fabs(gi) + eps;
    const float ui = decayed > fresh ? decayed : fresh;
    u[i] = ui;
    p[i] = pi + neg_clr * (mi / ui);
  }
};
}  // namespace detail

/// Adamax (Adam with the infinity norm), torch.optim.Adamax's update rule.
/// `lm::optim::Adamax opt(model, {.lr = 2e-3})`.
template <lamina::Backend Backend = cpu>
class Adamax {
 public:
  using options_type = adamax_options;  ///< The options (one set per parameter group in ParamGroups).
  using backend = Backend;  ///< Where the parameters and the state tensors live.
  static constexpr const char* name = "Adamax";  ///< For error messages.

  /// An optimizer of params by grads (same size); params and grads are the backend's memory.
  /// It leaves alone what `frozen` marks frozen (an optimizer built from a model: its frozen
  /// parameters).
  Adamax(TensorView params, TensorView grads, adamax_options options, frozen_view frozen = {})
      : options_(options), params_(params), grads_(grads), frozen_(frozen) {
    detail::require_same_size(name, params.size(), grads.size());
    detail::require_option(options.lr >= 0, name, "lr", ">= 0", options.lr);
    detail::require_option(options.eps >= 0, name, "eps", ">= 0", options.eps);
    detail::require_option(options.beta1 >= 0 && options.beta1 < 1, name, "beta1", "in [0, 1)", options.beta1);
    detail::require_option(options.beta2 >= 0 && options.beta2 < 1, name, "beta2", "in [0, 1)", options.beta2);
    detail::require_option(options.weight_decay >= 0, name, "weight_decay", ">= 0", options.weight_decay);
    exp_avg_.resize(params.size());
    exp_inf_.resize(params.size());
  }
  /// The same, naming the backend (so that the deduction guides pick it).
  Adamax(Backend, TensorView params, TensorView grads, adamax_options options) : Adamax(params, grads, options) {}
  /// An optimizer of all of a model's parameters, on the model's backend.
  template <class M>
    requires requires(M& m) { m.parameters(); m.gradients(); }
  Adamax(M& model, adamax_options options) : Adamax(model.parameters(), model.gradients(), options, frozen_view_of(model)) {
    static_assert(std::is_same_v<backend_of_t<M>, Backend>,
                  "lamina::optim::Adamax<Backend>: the model runs on another backend; let the constructor deduce "
                  "it: lm::optim::Adamax opt(model, {...})");
  }

  /// One update of every parameter from its gradient (call after backward).
  void step() {
    ++steps_;
    const auto& o = options_;
    const double clr = o.lr / (1 - std::pow(o.beta1, double(steps_)));
    const float w1 = float(1 - o.beta1);
    kernels::dispatch_flags(
        [&]<bool WeightDecay, bool SmallWeight>() {
          parallel_for_trainable(Backend{}, params_.size(), frozen_,
                                detail::adamax_update<WeightDecay, SmallWeight>{
                                    .p = params_.data, .g = grads_.data, .m = exp_avg_.data(), .u = exp_inf_.data(),
                                    .wd = float(o.weight_decay), .w1 = w1, .beta2 = float(o.beta2),
                                    .eps = float(o.eps), .neg_clr = float(-clr)});
        },
        o.weight_decay != 0, std::abs(w1) < 0.5f);
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
  const adamax_options& options() const { return options_; }
  /// Steps taken: PyTorch's state["step"]. set_steps restores it from a checkpoint.
  std::size_t steps() const { return steps_; }
  /// Restores the step count from a checkpoint.
  void set_steps(std::size_t steps) {
    detail::require_steps(name, steps);
    steps_ = steps;
  }
  /// The parameters it updates (the model's packed parameters when built from a model).
  TensorView parameters() const { return params_; }
  /// The first-moment averages, PyTorch's exp_avg (backend memory).
  TensorView exp_avg() { return {exp_avg_.data(), make_dims(exp_avg_.size())}; }
  /// The infinity norms, PyTorch's exp_inf (backend memory).
  TensorView exp_inf() { return {exp_inf_.data(), make_dims(exp_inf_.size())}; }
  /// The state tensors by PyTorch's names, for checkpoints.
  named_state state() { return {{"exp_avg", exp_avg()}, {"exp_inf", exp_inf()}}; }

 private:
  adamax_options options_;
  TensorView params_, grads_;
  frozen_view frozen_;
  buffer<Backend> exp_avg_, exp_inf_;
  std::size_t steps_ = 0;
};

/// lm::optim::Adamax opt(model, {...}) runs on the model's backend; from views, on the CPU.
///@{
template <class M>
  requires requires(M& m) { m.parameters(); m.gradients(); }
Adamax(M&, adamax_options) -> Adamax<backend_of_t<M>>;
Adamax(TensorView, TensorView, adamax_options) -> Adamax<cpu>;
template <lamina::Backend B>
Adamax(B, TensorView, TensorView, adamax_options) -> Adamax<B>;
///@}

#ifdef LAMINA_COMPILED_LIB
extern template class Adamax<cpu>;  // compiled once, in lamina::compiled (src/optim.cpp)
#endif

}  // namespace lamina::optim
