#pragma once
// RMSprop with torch.optim.RMSprop's update rule (single-tensor implementation, float32
// tensors, hyper-parameters in double like PyTorch's Python floats):
//   g = grad + weight_decay * p
//   v = alpha * v + (1 - alpha) * g * g                         (square_avg)
//   centered: ga = lerp(ga, g, 1 - alpha); avg = sqrt(v - ga * ga)   (grad_avg)
//   otherwise avg = sqrt(v)
//   avg = avg + eps
//   momentum > 0: buf = momentum * buf + g / avg; p = p - lr * buf   (momentum_buffer)
//   otherwise     p = p - lr * g / avg
// One vector loop over the model's packed parameters; a step allocates nothing and gives the
// same bits for any number of threads. Constructed from a model, it runs on the model's
// backend (state tensors live there too).
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

// torch.optim.RMSprop's defaults.
struct rmsprop_options {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;
};

class RMSprop {
 public:
  static constexpr const char* name = "RMSprop";

  RMSprop(TensorView params, TensorView grads, rmsprop_options options) : RMSprop(cpu{}, params, grads, options) {}
  // On `backend`: params and grads are that backend's memory.
  template <lamina::Backend Backend>
  RMSprop(Backend, TensorView params, TensorView grads, rmsprop_options options)
      : options_(options), params_(params), grads_(grads), square_avg_(Backend{}), momentum_buffer_(Backend{}),
        grad_avg_(Backend{}) {
    if constexpr (!std::is_same_v<Backend, cpu>) device_run_ = &device_run<Backend>;
    detail::require_same_size(name, params.size(), grads.size());
    detail::require_option(options.lr >= 0, name, "lr", ">= 0", options.lr);
    detail::require_option(options.eps >= 0, name, "eps", ">= 0", options.eps);
    detail::require_option(options.alpha >= 0, name, "alpha", ">= 0", options.alpha);
    detail::require_option(options.momentum >= 0, name, "momentum", ">= 0", options.momentum);
    detail::require_option(options.weight_decay >= 0, name, "weight_decay", ">= 0", options.weight_decay);
    square_avg_.resize(params.size());
    if (options.momentum > 0) momentum_buffer_.resize(params.size());
    if (options.centered) grad_avg_.resize(params.size());
  }
  template <class M>
    requires requires(M& m) { m.parameters(); m.gradients(); }
  RMSprop(M& model, rmsprop_options options)
      : RMSprop(detail::backend_of_t<M>{}, model.parameters(), model.gradients(), options) {}

  void step();

  double lr() const { return options_.lr; }
  void set_lr(double lr) {
    detail::require_option(true, name, "lr", "finite", lr);  // schedulers may go below 0, as in PyTorch
    options_.lr = lr;
  }
  // The momentum factor (OneCycleLR cycles it). Setting a positive momentum on an optimizer
  // built without one allocates its (zero) buffer here, never in step().
  double momentum() const { return options_.momentum; }
  void set_momentum(double momentum);
  const rmsprop_options& options() const { return options_; }
  // Steps taken: PyTorch's state["step"]. set_steps restores it from a checkpoint.
  std::size_t steps() const { return steps_; }
  void set_steps(std::size_t steps) {
    detail::require_steps(name, steps);
    steps_ = steps;
  }
  // The parameters it updates (the model's packed parameters when built from a model).
  TensorView parameters() const { return params_; }

  TensorView square_avg() { return view(square_avg_); }
  TensorView momentum_buffer() { return view(momentum_buffer_); }  // empty without momentum
  TensorView grad_avg() { return view(grad_avg_); }                // empty unless centered
  // The state tensors by PyTorch's names, for checkpoints.
  named_state state();

 private:
  struct scalars {
    float wd, alpha, w, eps, momentum, neg_lr;
  };
  static TensorView view(detail::state_buffer& b) { return {b.data(), make_dims(b.size())}; }

  // The same update on another backend (kernels::rmsprop_step).
  template <class Backend>
  static void device_run(RMSprop& r, const scalars s, bool wd, bool mom) {
    kernels::rmsprop_step(Backend{}, kernels::rmsprop_step_args{
        .params = r.params_.data, .grads = r.grads_.data, .square_avg = r.square_avg_.data(),
        .grad_avg = r.grad_avg_.data(), .momentum_buffer = r.momentum_buffer_.data(), .n = r.params_.size(),
        .wd = s.wd, .alpha = s.alpha, .w = s.w, .eps = s.eps, .momentum = s.momentum, .neg_lr = s.neg_lr,
        .centered = r.options_.centered, .weight_decay = wd, .use_momentum = mom,
        .small_weight = std::abs(s.w) < 0.5f});
  }

  template <bool Centered, bool WeightDecay, bool Momentum, bool SmallWeight>
  void run(const scalars s) {
    float* p = params_.data;
    const float* g = grads_.data;
    float* sq = square_avg_.data();
    float* ga = grad_avg_.data();
    float* buf = momentum_buffer_.data();
    kernels::detail::for_ranges(params_.size(), [&](std::size_t b, std::size_t e) {
      LAMINA_OMP(omp simd)
      for (std::size_t i = b; i < e; ++i) {
        const float pi = p[i];
        float gi = g[i];
        if constexpr (WeightDecay) gi = gi + s.wd * pi;
        const float v = sq[i] * s.alpha + s.w * gi * gi;
        sq[i] = v;
        float avg;
        if constexpr (Centered) {
          float a = ga[i];
          if constexpr (SmallWeight) a = a + s.w * (gi - a);
          else a = gi - (gi - a) * (1.0f - s.w);
          ga[i] = a;
          avg = std::sqrt(v + -1.0f * a * a);
        } else {
          avg = std::sqrt(v);
        }
        avg = avg + s.eps;
        if constexpr (Momentum) {
          const float bi = buf[i] * s.momentum + gi / avg;
          buf[i] = bi;
          p[i] = pi + s.neg_lr * bi;
        } else {
          p[i] = pi + s.neg_lr * (gi / avg);
        }
      }
    });
  }

  rmsprop_options options_;
  TensorView params_, grads_;
  detail::state_buffer square_avg_, momentum_buffer_, grad_avg_;
  std::size_t steps_ = 0;
  void (*device_run_)(RMSprop&, scalars, bool, bool) = nullptr;  // set when the backend is not the CPU
};

}  // namespace lamina::optim

#ifndef LAMINA_COMPILED_LIB
#include "rmsprop-inl.hpp"
#endif
