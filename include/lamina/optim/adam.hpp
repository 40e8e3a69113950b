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
// Constructed from a model, it runs on the model's backend (state tensors live there too).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>

#include "../core/buffer.hpp"
#include "../core/tensor.hpp"
#include "../kernels/kernels.hpp"
#include "../core/config.hpp"
#include "concepts.hpp"
#include "state_buffer.hpp"

namespace lamina::optim {

// torch.optim.Adam's defaults (betas = (beta1, beta2)).
struct adam_options {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
};

// torch.optim.AdamW's defaults: the same fields, weight decay 1e-2 (decoupled).
struct adamw_options {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 1e-2;
  bool amsgrad = false;
};

template <bool Decoupled>
class basic_adam {
 public:
  using options_type = std::conditional_t<Decoupled, adamw_options, adam_options>;
  static constexpr const char* name = Decoupled ? "AdamW" : "Adam";

  basic_adam(TensorView params, TensorView grads, options_type options)
      : basic_adam(cpu{}, params, grads, options) {}
  // On `backend`: params and grads are that backend's memory.
  template <lamina::Backend Backend>
  basic_adam(Backend, TensorView params, TensorView grads, options_type options)
      : options_(options), params_(params), grads_(grads), exp_avg_(Backend{}), exp_avg_sq_(Backend{}),
        max_exp_avg_sq_(Backend{}) {
    if constexpr (!std::is_same_v<Backend, cpu>) device_run_ = &device_run<Backend>;
    detail::require_same_size(name, params.size(), grads.size());
    validate(options);
    exp_avg_.resize(params.size());
    exp_avg_sq_.resize(params.size());
    if (options.amsgrad) max_exp_avg_sq_.resize(params.size());
  }
  template <class M>
    requires requires(M& m) { m.parameters(); m.gradients(); }
  basic_adam(M& model, options_type options)
      : basic_adam(detail::backend_of_t<M>{}, model.parameters(), model.gradients(), options) {}

  void step();

  double lr() const { return options_.lr; }
  void set_lr(double lr) {
    detail::require_option(true, name, "lr", "finite", lr);  // schedulers may go below 0, as in PyTorch
    options_.lr = lr;
  }
  // beta1, which OneCycleLR cycles like PyTorch's cycle_momentum.
  double beta1() const { return options_.beta1; }
  void set_beta1(double beta1);
  const options_type& options() const { return options_; }
  // Steps taken: PyTorch's state["step"]. set_steps restores it from a checkpoint.
  std::size_t steps() const { return steps_; }
  void set_steps(std::size_t steps) {
    detail::require_steps(name, steps);
    steps_ = steps;
  }
  // The parameters it updates (the model's packed parameters when built from a model).
  TensorView parameters() const { return params_; }

  TensorView exp_avg() { return view(exp_avg_); }
  TensorView exp_avg_sq() { return view(exp_avg_sq_); }
  TensorView max_exp_avg_sq() { return view(max_exp_avg_sq_); }  // empty without amsgrad
  // The state tensors by PyTorch's names, for checkpoints.
  named_state state();

 private:
  struct scalars {
    float decay, wd, w1, beta2, w2, bc2_sqrt, eps, neg_step;
  };

  static void validate(const options_type& o) {
    detail::require_option(o.lr >= 0, name, "lr", ">= 0", o.lr);
    detail::require_option(o.eps >= 0, name, "eps", ">= 0", o.eps);
    detail::require_option(o.beta1 >= 0 && o.beta1 < 1, name, "beta1", "in [0, 1)", o.beta1);
    detail::require_option(o.beta2 >= 0 && o.beta2 < 1, name, "beta2", "in [0, 1)", o.beta2);
    detail::require_option(o.weight_decay >= 0, name, "weight_decay", ">= 0", o.weight_decay);
  }

  static TensorView view(detail::state_buffer& b) { return {b.data(), make_dims(b.size())}; }

  // The same update on another backend (kernels::adam_step).
  template <class Backend>
  static void device_run(basic_adam& a, const scalars s, bool wd, bool small) {
    kernels::adam_step(Backend{}, kernels::adam_step_args{
        .params = a.params_.data, .grads = a.grads_.data, .exp_avg = a.exp_avg_.data(),
        .exp_avg_sq = a.exp_avg_sq_.data(), .max_exp_avg_sq = a.max_exp_avg_sq_.data(), .n = a.params_.size(),
        .decay = s.decay, .wd = s.wd, .w1 = s.w1, .beta2 = s.beta2, .w2 = s.w2, .bc2_sqrt = s.bc2_sqrt,
        .eps = s.eps, .neg_step = s.neg_step, .decoupled = Decoupled, .weight_decay = wd,
        .amsgrad = a.options_.amsgrad, .small_weight = small});
  }

  // One pass over every parameter; the template flags hoist the option tests out of the loop.
  template <bool Amsgrad, bool WeightDecay, bool SmallWeight>
  void run(const scalars s) {
    float* p = params_.data;
    const float* g = grads_.data;
    float* m = exp_avg_.data();
    float* v = exp_avg_sq_.data();
    float* vmax = max_exp_avg_sq_.data();
    kernels::detail::for_ranges(params_.size(), [&](std::size_t b, std::size_t e) {
      LAMINA_OMP(omp simd)
      for (std::size_t i = b; i < e; ++i) {
        float pi = p[i], gi = g[i];
        if constexpr (WeightDecay) {
          if constexpr (Decoupled) pi = pi * s.decay;
          else gi = gi + s.wd * pi;
        }
        float mi = m[i];
        // at::lerp: the form depends on whether the weight is below 0.5.
        if constexpr (SmallWeight) mi = mi + s.w1 * (gi - mi);
        else mi = gi - (gi - mi) * (1.0f - s.w1);
        m[i] = mi;
        float vi = v[i] * s.beta2 + s.w2 * gi * gi;
        v[i] = vi;
        if constexpr (Amsgrad) {
          vi = std::max(vmax[i], vi);
          vmax[i] = vi;
        }
        const float denom = std::sqrt(vi) / s.bc2_sqrt + s.eps;
        p[i] = pi + s.neg_step * (mi / denom);
      }
    });
  }

  options_type options_;
  TensorView params_, grads_;
  detail::state_buffer exp_avg_, exp_avg_sq_, max_exp_avg_sq_;
  std::size_t steps_ = 0;
  void (*device_run_)(basic_adam&, scalars, bool, bool) = nullptr;  // set when the backend is not the CPU
};

// torch.optim.Adam: lm::optim::Adam opt(model, {.lr = 1e-3, .beta1 = 0.9, .amsgrad = true});
using Adam = basic_adam<false>;
// torch.optim.AdamW: lm::optim::AdamW opt(model, {.lr = 1e-3, .weight_decay = 1e-2});
using AdamW = basic_adam<true>;

#ifdef LAMINA_COMPILED_LIB
// Both instantiations are compiled once, in lamina::compiled (src/optim.cpp).
extern template class basic_adam<false>;
extern template class basic_adam<true>;
#endif

}  // namespace lamina::optim

#ifndef LAMINA_COMPILED_LIB
#include "adam-inl.hpp"
#endif
