#pragma once
// Adagrad with torch.optim.Adagrad's update rule (single-tensor implementation, float32 tensors,
// hyper-parameters in double like PyTorch's Python floats). Per step t (counted from 1):
//   g = grad + weight_decay * p
//   sum = sum + g * g                                  (sum; starts at initial_accumulator_value)
//   p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
// One element-wise launch of detail::adagrad_update per step, on the model's backend.
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

/// Adagrad's options, with torch.optim.Adagrad's defaults.
struct adagrad_options {
  double lr = 1e-2;                        ///< Learning rate.
  double lr_decay = 0.0;                   ///< Step t uses lr / (1 + (t - 1) * lr_decay).
  double weight_decay = 0.0;               ///< L2 penalty added to the gradient.
  double initial_accumulator_value = 0.0;  ///< Start value of the sum of squared gradients.
  double eps = 1e-10;                      ///< Added to the denominator, for stability.
};

namespace detail {
template <bool WeightDecay>
struct adagrad_update {
  float* p; const float* g; float* sum;
  float wd, eps, neg_clr;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const float pi = p[i];
    float gi = g[i];
    if constexpr (WeightDecay) gi = gi + wd * pi;
    const float s = sum[i] + gi * gi;
    sum[i] = s;
    p[i] = pi + neg_clr * (gi / (std::sqrt(s) + eps));
  }
};
}  // namespace detail

/// Adagrad, torch.optim.Adagrad's update rule: each parameter's step shrinks with the sum of
/// its squared gradients. `lm::optim::Adagrad opt(model, {.lr = 1e-2})`.
template <lamina::Backend Backend = cpu>
class Adagrad {
 public:
  using options_type = adagrad_options;  ///< The options (one set per parameter group in ParamGroups).
  using backend = Backend;  ///< Where the parameters and the state tensors live.
  static constexpr const char* name = "Adagrad";  ///< For error messages.

  /// An optimizer of params by grads (same size); params and grads are the backend's memory.
  /// It leaves alone what `frozen` marks frozen (an optimizer built from a model: its frozen
  /// parameters).
  Adagrad(TensorView params, TensorView grads, adagrad_options options, frozen_view frozen = {})
      : options_(options), params_(params), grads_(grads), frozen_(frozen) {
    detail::require_same_size(name, params.size(), grads.size());
    detail::require_option(options.lr >= 0, name, "lr", ">= 0", options.lr);
    detail::require_option(options.lr_decay >= 0, name, "lr_decay", ">= 0", options.lr_decay);
    detail::require_option(options.weight_decay >= 0, name, "weight_decay", ">= 0", options.weight_decay);
    detail::require_option(options.initial_accumulator_value >= 0, name, "initial_accumulator_value", ">= 0",
                           options.initial_accumulator_value);
    detail::require_option(options.eps >= 0, name, "eps", ">= 0", options.eps);
    sum_.resize(params.size());
    kernels::fill(Backend{}, sum_.data(), sum_.size(), float(options.initial_accumulator_value));
  }
  /// The same, naming the backend (so that the deduction guides pick it).
  Adagrad(Backend, TensorView params, TensorView grads, adagrad_options options) : Adagrad(params, grads, options) {}
  /// An optimizer of all of a model's parameters, on the model's backend.
  template <class M>
    requires requires(M& m) { m.parameters(); m.gradients(); }
  Adagrad(M& model, adagrad_options options) : Adagrad(model.parameters(), model.gradients(), options, frozen_view_of(model)) {
    static_assert(std::is_same_v<backend_of_t<M>, Backend>,
                  "lamina::optim::Adagrad<Backend>: the model runs on another backend; let the constructor deduce "
                  "it: lm::optim::Adagrad opt(model, {...})");
  }

  /// One update of every parameter from its gradient (call after backward).
  void step() {
    ++steps_;
    const auto& o = options_;
    const double clr = o.lr / (1 + double(steps_ - 1) * o.lr_decay);
    kernels::dispatch_flags(
        [&]<bool WeightDecay>() {
          parallel_for_trainable(Backend{}, params_.size(), frozen_,
                                detail::adagrad_update<WeightDecay>{.p = params_.data, .g = grads_.data,
                                                                    .sum = sum_.data(), .wd = float(o.weight_decay),
                                                                    .eps = float(o.eps), .neg_clr = float(-clr)});
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
  /// The options, as set or changed since.
  const adagrad_options& options() const { return options_; }
  /// Steps taken: PyTorch's state["step"]. set_steps restores it from a checkpoint.
  std::size_t steps() const { return steps_; }
  /// Restores the step count from a checkpoint.
  void set_steps(std::size_t steps) {
    detail::require_steps(name, steps);
    steps_ = steps;
  }
  /// The parameters it updates (the model's packed parameters when built from a model).
  TensorView parameters() const { return params_; }
  /// The sums of squared gradients, PyTorch's state "sum" (backend memory).
  TensorView sum() { return {sum_.data(), make_dims(sum_.size())}; }
  /// The state tensors by PyTorch's names, for checkpoints.
  named_state state() { return {{"sum", sum()}}; }

 private:
  adagrad_options options_;
  TensorView params_, grads_;
  frozen_view frozen_;
  buffer<Backend> sum_;
  std::size_t steps_ = 0;
};

/// lm::optim::Adagrad opt(model, {...}) runs on the model's backend; from views, on the CPU.
///@{
template <class M>
  requires requires(M& m) { m.parameters(); m.gradients(); }
Adagrad(M&, adagrad_options) -> Adagrad<backend_of_t<M>>;
Adagrad(TensorView, TensorView, adagrad_options) -> Adagrad<cpu>;
template <lamina::Backend B>
Adagrad(B, TensorView, TensorView, adagrad_options) -> Adagrad<B>;
///@}

#ifdef LAMINA_COMPILED_LIB
extern template class Adagrad<cpu>;  // compiled once, in lamina::compiled (src/optim.cpp)
#endif

}  // namespace lamina::optim
