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
// same bits for any number of threads.
#include <cmath>
#include <cstddef>
#include <string>

#include "../core/buffer.hpp"
#include "../core/tensor.hpp"
#include "../kernels/cpu/elementwise.hpp"
#include "concepts.hpp"

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

  RMSprop(TensorView params, TensorView grads, rmsprop_options options)
      : options_(options), params_(params), grads_(grads) {
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
  RMSprop(M& model, rmsprop_options options) : RMSprop(model.parameters(), model.gradients(), options) {}

  void step() {
    ++steps_;
    const auto& o = options_;
    const scalars s{
        .wd = float(o.weight_decay),
        .alpha = float(o.alpha),
        .w = float(1 - o.alpha),
        .eps = float(o.eps),
        .momentum = float(o.momentum),
        .neg_lr = float(-o.lr),
    };
    const bool wd = o.weight_decay != 0, mom = o.momentum > 0;
    // at::lerp's form depends on whether the weight is below 0.5.
    if (o.centered) {
      const bool small = std::abs(s.w) < 0.5f;
      if (wd) mom ? (small ? run<true, true, true, true>(s) : run<true, true, true, false>(s))
              : (small ? run<true, true, false, true>(s) : run<true, true, false, false>(s));
      else mom ? (small ? run<true, false, true, true>(s) : run<true, false, true, false>(s))
               : (small ? run<true, false, false, true>(s) : run<true, false, false, false>(s));
    } else {
      if (wd) mom ? run<false, true, true, true>(s) : run<false, true, false, true>(s);
      else mom ? run<false, false, true, true>(s) : run<false, false, false, true>(s);
    }
  }

  double lr() const { return options_.lr; }
  void set_lr(double lr) { options_.lr = lr; }
  // The momentum factor (OneCycleLR cycles it). Setting a positive momentum on an optimizer
  // built without one allocates its (zero) buffer here, never in step().
  double momentum() const { return options_.momentum; }
  void set_momentum(double momentum) {
    detail::require_option(momentum >= 0, name, "momentum", ">= 0", momentum);
    if (momentum > 0 && momentum_buffer_.size() != params_.size()) momentum_buffer_.resize(params_.size());
    options_.momentum = momentum;
  }
  const rmsprop_options& options() const { return options_; }
  // Steps taken: PyTorch's state["step"]. set_steps restores it from a checkpoint.
  std::size_t steps() const { return steps_; }
  void set_steps(std::size_t steps) { steps_ = steps; }

  TensorView square_avg() { return view(square_avg_); }
  TensorView momentum_buffer() { return view(momentum_buffer_); }  // empty without momentum
  TensorView grad_avg() { return view(grad_avg_); }                // empty unless centered
  // The state tensors by PyTorch's names, for checkpoints.
  named_state state() {
    named_state s{{"square_avg", square_avg()}};
    if (momentum_buffer_.size()) s.emplace_back("momentum_buffer", momentum_buffer());
    if (options_.centered) s.emplace_back("grad_avg", grad_avg());
    return s;
  }

 private:
  struct scalars {
    float wd, alpha, w, eps, momentum, neg_lr;
  };
  static TensorView view(buffer<cpu>& b) { return {b.data(), make_dims(b.size())}; }

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
  buffer<cpu> square_avg_, momentum_buffer_, grad_avg_;
  std::size_t steps_ = 0;
};

}  // namespace lamina::optim
