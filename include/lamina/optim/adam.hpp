#pragma once
// Adam and AdamW with torch.optim.Adam / torch.optim.AdamW's update rule (single-tensor
// implementation, float32 tensors, hyper-parameters and bias corrections in double like
// PyTorch's Python floats). Per step t (counted from 1):
//   AdamW:  p = p * (1 - lr * weight_decay)                       (decoupled weight decay)
//   Adam:   g = grad + weight_decay * p                           (L2 penalty in the gradient)
//   m = lerp(m, g, 1 - beta1)                                     (exp_avg)
//   v = beta2 * v + (1 - beta2) * g * g                           (exp_avg_sq)
//   amsgrad: vmax = max(vmax, v), and vmax replaces v below        (max_exp_avg_sq)
//   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// It works on the model's packed parameters, so one step is one vector loop; a step allocates
// nothing and gives the same bits for any number of threads (every element is independent).
// Constructed from a model, it runs on the model's backend (state tensors live there too): one
// element-wise launch of detail::adam_update per step.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>

#include "../core/backend.hpp"
#include "../core/buffer.hpp"
#include "../core/tensor.hpp"
#include "../kernels/kernels.hpp"
#include "frozen_view.hpp"
#include "../core/config.hpp"
#include "concepts.hpp"

namespace lamina::optim {

/// Adam's options, with torch.optim.Adam's defaults (betas = (beta1, beta2)).
struct adam_options {
  double lr = 1e-3;            ///< Learning rate.
  double beta1 = 0.9;          ///< Decay of the first-moment average (exp_avg).
  double beta2 = 0.999;        ///< Decay of the second-moment average (exp_avg_sq).
  double eps = 1e-8;           ///< Added to the denominator, for stability.
  double weight_decay = 0.0;   ///< L2 penalty added to the gradient.
  bool amsgrad = false;        ///< Use the maximum of the second moments so far (AMSGrad).
};

/// AdamW's options, with torch.optim.AdamW's defaults: the same fields, weight decay 1e-2
/// (decoupled).
struct adamw_options {
  double lr = 1e-3;            ///< Learning rate.
  double beta1 = 0.9;          ///< Decay of the first-moment average (exp_avg).
  double beta2 = 0.999;        ///< Decay of the second-moment average (exp_avg_sq).
  double eps = 1e-8;           ///< Added to the denominator, for stability.
  double weight_decay = 1e-2;  ///< Decoupled weight decay: p *= 1 - lr * weight_decay each step.
  bool amsgrad = false;        ///< Use the maximum of the second moments so far (AMSGrad).
};

namespace detail {
// One parameter's update, with the float operations of PyTorch's single-tensor Adam. The flags
// are options fixed for a step (dispatched by kernels::dispatch_flags).
template <bool Decoupled, bool Amsgrad, bool WeightDecay, bool SmallWeight>
struct adam_update {
  float* p; const float* g; float* m; float* v; float* vmax;
  float decay, wd, w1, beta2, w2, bc2_sqrt, eps, neg_step;
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
    float vi = v[i] * beta2 + w2 * gi * gi;
    v[i] = vi;
    if constexpr (Amsgrad) {
      vi = vmax[i] > vi ? vmax[i] : vi;
      vmax[i] = vi;
    }
    const float denom = std::sqrt(vi) / bc2_sqrt + eps;
    p[i] = pi + neg_step * (mi / denom);
  }
};
}  // namespace detail

/// What Adam and AdamW share: Adam's update with an L2 penalty in the gradient, or AdamW's
/// with decoupled weight decay (Decoupled). Use Adam or AdamW.
template <bool Decoupled, lamina::Backend Backend = cpu>
class basic_adam {
 public:
  /// adam_options or adamw_options.
  using options_type = std::conditional_t<Decoupled, adamw_options, adam_options>;
  using backend = Backend;  ///< Where the parameters and the state tensors live.
  static constexpr const char* name = Decoupled ? "AdamW" : "Adam";  ///< For error messages.

  /// An optimizer of params by grads (same size); params and grads are the backend's memory.
  /// It leaves alone what `frozen` marks frozen (an optimizer built from a model: its frozen
  /// parameters).
  basic_adam(TensorView params, TensorView grads, options_type options, frozen_view frozen = {})
      : options_(options), params_(params), grads_(grads), frozen_(frozen) {
    detail::require_same_size(name, params.size(), grads.size());
    validate(options);
    exp_avg_.resize(params.size());
    exp_avg_sq_.resize(params.size());
    if (options.amsgrad) max_exp_avg_sq_.resize(params.size());
  }
  /// The same, naming the backend (so that the deduction guides pick it).
  basic_adam(Backend, TensorView params, TensorView grads, options_type options)
      : basic_adam(params, grads, options) {}
  /// An optimizer of all of a model's parameters, on the model's backend.
  template <class M>
    requires requires(M& m) { m.parameters(); m.gradients(); }
  basic_adam(M& model, options_type options) : basic_adam(model.parameters(), model.gradients(), options, frozen_view_of(model)) {
    static_assert(std::is_same_v<backend_of_t<M>, Backend>,
                  "lamina::optim::Adam<Backend>: the model runs on another backend; let the constructor deduce "
                  "it: lm::optim::Adam opt(model, {...})");
  }

  /// One update of every parameter from its gradient (call after backward).
  void step() {
    ++steps_;
    const auto& o = options_;
    const double t = double(steps_);
    const double bias_correction1 = 1 - std::pow(o.beta1, t);
    const double bias_correction2 = 1 - std::pow(o.beta2, t);
    const float w1 = float(1 - o.beta1);
    kernels::dispatch_flags(
        [&]<bool Amsgrad, bool WeightDecay, bool SmallWeight>() {
          // The scalars PyTorch hands to its float32 tensor ops, rounded to float as ATen does.
          parallel_for_trainable(Backend{}, params_.size(), frozen_,
                                detail::adam_update<Decoupled, Amsgrad, WeightDecay, SmallWeight>{
                                    .p = params_.data, .g = grads_.data, .m = exp_avg_.data(),
                                    .v = exp_avg_sq_.data(), .vmax = max_exp_avg_sq_.data(),
                                    .decay = float(1 - o.lr * o.weight_decay), .wd = float(o.weight_decay),
                                    .w1 = w1, .beta2 = float(o.beta2), .w2 = float(1 - o.beta2),
                                    .bc2_sqrt = float(std::sqrt(bias_correction2)), .eps = float(o.eps),
                                    .neg_step = float(-(o.lr / bias_correction1))});
        },
        o.amsgrad, o.weight_decay != 0, std::abs(w1) < 0.5f);
  }

  /// The learning rate.
  double lr() const { return options_.lr; }
  /// Sets the learning rate (what schedulers call); may go below 0, as in PyTorch.
  void set_lr(double lr) {
    detail::require_option(true, name, "lr", "finite", lr);  // schedulers may go below 0, as in PyTorch
    options_.lr = lr;
  }
  /// beta1, which OneCycleLR cycles like PyTorch's cycle_momentum.
  double beta1() const { return options_.beta1; }
  /// Sets beta1 (in [0, 1)).
  void set_beta1(double beta1) {
    detail::require_option(beta1 >= 0 && beta1 < 1, name, "beta1", "in [0, 1)", beta1);
    options_.beta1 = beta1;
  }
  /// The options, as set or changed since.
  const options_type& options() const { return options_; }
  /// Steps taken: PyTorch's state["step"]. set_steps restores it from a checkpoint.
  std::size_t steps() const { return steps_; }
  /// Restores the step count from a checkpoint (it drives the bias corrections).
  void set_steps(std::size_t steps) {
    detail::require_steps(name, steps);
    steps_ = steps;
  }
  /// The parameters it updates (the model's packed parameters when built from a model).
  TensorView parameters() const { return params_; }

  /// The first-moment averages, PyTorch's exp_avg (backend memory).
  TensorView exp_avg() { return view(exp_avg_); }
  /// The second-moment averages, PyTorch's exp_avg_sq (backend memory).
  TensorView exp_avg_sq() { return view(exp_avg_sq_); }
  /// The largest second moments so far, PyTorch's max_exp_avg_sq (empty without amsgrad).
  TensorView max_exp_avg_sq() { return view(max_exp_avg_sq_); }
  /// The state tensors by PyTorch's names, for checkpoints.
  named_state state() {
    named_state s{{"exp_avg", exp_avg()}, {"exp_avg_sq", exp_avg_sq()}};
    if (options_.amsgrad) s.emplace_back("max_exp_avg_sq", max_exp_avg_sq());
    return s;
  }

 private:
  static void validate(const options_type& o) {
    detail::require_option(o.lr >= 0, name, "lr", ">= 0", o.lr);
    detail::require_option(o.eps >= 0, name, "eps", ">= 0", o.eps);
    detail::require_option(o.beta1 >= 0 && o.beta1 < 1, name, "beta1", "in [0, 1)", o.beta1);
    detail::require_option(o.beta2 >= 0 && o.beta2 < 1, name, "beta2", "in [0, 1)", o.beta2);
    detail::require_option(o.weight_decay >= 0, name, "weight_decay", ">= 0", o.weight_decay);
  }
  static TensorView view(buffer<Backend>& b) { return {b.data(), make_dims(b.size())}; }

  options_type options_;
  TensorView params_, grads_;
  frozen_view frozen_;
  buffer<Backend> exp_avg_, exp_avg_sq_, max_exp_avg_sq_;
  std::size_t steps_ = 0;
};

/// torch.optim.Adam: lm::optim::Adam opt(model, {.lr = 1e-3, .beta1 = 0.9, .amsgrad = true}) runs
/// on the model's backend (Adam<> is the CPU type, `Adam<lm::cuda>` the CUDA one).
template <lamina::Backend Backend = cpu>
class Adam : public basic_adam<false, Backend> {
  using basic_adam<false, Backend>::basic_adam;
};
/// torch.optim.AdamW: lm::optim::AdamW opt(model, {.lr = 1e-3, .weight_decay = 1e-2}).
template <lamina::Backend Backend = cpu>
class AdamW : public basic_adam<true, Backend> {
  using basic_adam<true, Backend>::basic_adam;
};

/// Adam built from a model runs on the model's backend; from views, on the CPU.
///@{
template <class M>
  requires requires(M& m) { m.parameters(); m.gradients(); }
Adam(M&, adam_options) -> Adam<backend_of_t<M>>;
Adam(TensorView, TensorView, adam_options) -> Adam<cpu>;
template <lamina::Backend B>
Adam(B, TensorView, TensorView, adam_options) -> Adam<B>;
///@}
/// AdamW built from a model runs on the model's backend; from views, on the CPU.
///@{
template <class M>
  requires requires(M& m) { m.parameters(); m.gradients(); }
AdamW(M&, adamw_options) -> AdamW<backend_of_t<M>>;
AdamW(TensorView, TensorView, adamw_options) -> AdamW<cpu>;
template <lamina::Backend B>
AdamW(B, TensorView, TensorView, adamw_options) -> AdamW<B>;
///@}

#ifdef LAMINA_COMPILED_LIB
// Both CPU instantiations are compiled once, in lamina::compiled (src/optim.cpp).
extern template class basic_adam<false, cpu>;
extern template class basic_adam<true, cpu>;
#endif

}  // namespace lamina::optim

