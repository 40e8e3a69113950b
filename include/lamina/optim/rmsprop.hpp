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
// One element-wise launch of detail::rmsprop_update over the model's packed parameters; a step allocates nothing and gives the
// same bits for any number of threads. Constructed from a model, it runs on the model's
// backend (state tensors live there too).
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

/// RMSprop's options, with torch.optim.RMSprop's defaults.
struct rmsprop_options {
  double lr = 1e-2;           ///< Learning rate.
  double alpha = 0.99;        ///< Decay of the squared-gradient average.
  double eps = 1e-8;          ///< Added to the denominator, for stability.
  double weight_decay = 0.0;  ///< L2 penalty added to the gradient.
  double momentum = 0.0;      ///< Momentum factor (0: none).
  bool centered = false;      ///< Divide by the variance estimate (average subtracted) instead.
};

namespace detail {
// One parameter's update, with the float operations of PyTorch's single-tensor RMSprop. The
// flags are options fixed for a step (dispatched by kernels::dispatch_flags).
template <bool Centered, bool WeightDecay, bool Momentum, bool SmallWeight>
struct rmsprop_update {
  float* p; const float* g; float* sq; float* ga; float* buf;
  float wd, alpha, w, eps, momentum, neg_lr;  // w = 1 - alpha
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const float pi = p[i];
    float gi = g[i];
    if constexpr (WeightDecay) gi = gi + wd * pi;
    const float v = sq[i] * alpha + w * gi * gi;
    sq[i] = v;
    float avg;
    if constexpr (Centered) {
      float a = ga[i];
      // at::lerp: the form depends on whether the weight is below 0.5.
      if constexpr (SmallWeight) a = a + w * (gi - a);
      else a = gi - (gi - a) * (1.0f - w);
      ga[i] = a;
      avg = std::sqrt(v + -1.0f * a * a);
    } else {
      avg = std::sqrt(v);
    }
    avg = avg + eps;
    if constexpr (Momentum) {
      const float bi = buf[i] * momentum + gi / avg;
      buf[i] = bi;
      p[i] = pi + neg_lr * bi;
    } else {
      p[i] = pi + neg_lr * (gi / avg);
    }
  }
};
}  // namespace detail

/// RMSprop, torch.optim.RMSprop's update rule: steps divided by a running root mean square of
/// the gradients. `lm::optim::RMSprop opt(model, {.lr = 1e-2})`.
template <lamina::Backend Backend = cpu>
class RMSprop {
 public:
  using options_type = rmsprop_options;  ///< The options (one set per parameter group in ParamGroups).
  using backend = Backend;  ///< Where the parameters and the state tensors live.
  static constexpr const char* name = "RMSprop";  ///< For error messages.

  /// An optimizer of params by grads (same size); params and grads are the backend's memory.
  /// It leaves alone what `frozen` marks frozen (an optimizer built from a model: its frozen
  /// parameters).
  RMSprop(TensorView params, TensorView grads, rmsprop_options options, frozen_view frozen = {})
      : options_(options), params_(params), grads_(grads), frozen_(frozen) {
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
  /// The same, naming the backend (so that the deduction guides pick it).
  RMSprop(Backend, TensorView params, TensorView grads, rmsprop_options options) : RMSprop(params, grads, options) {}
  /// An optimizer of all of a model's parameters, on the model's backend.
  template <class M>
    requires requires(M& m) { m.parameters(); m.gradients(); }
  RMSprop(M& model, rmsprop_options options) : RMSprop(model.parameters(), model.gradients(), options, frozen_view_of(model)) {
    static_assert(std::is_same_v<backend_of_t<M>, Backend>,
                  "lamina::optim::RMSprop<Backend>: the model runs on another backend; let the constructor deduce "
                  "it: lm::optim::RMSprop opt(model, {...})");
  }

  /// One update of every parameter from its gradient (call after backward).
  void step() {
    ++steps_;
    const auto& o = options_;
    const float w = float(1 - o.alpha);
    kernels::dispatch_flags(
        [&]<bool Centered, bool WeightDecay, bool Momentum, bool SmallWeight>() {
          parallel_for_trainable(Backend{}, params_.size(), frozen_,
                                detail::rmsprop_update<Centered, WeightDecay, Momentum, SmallWeight>{
                                    .p = params_.data, .g = grads_.data, .sq = square_avg_.data(),
                                    .ga = grad_avg_.data(), .buf = momentum_buffer_.data(),
                                    .wd = float(o.weight_decay), .alpha = float(o.alpha), .w = w,
                                    .eps = float(o.eps), .momentum = float(o.momentum), .neg_lr = float(-o.lr)});
        },
        o.centered, o.weight_decay != 0, o.momentum > 0, o.centered && std::abs(w) < 0.5f);
  }

  /// The learning rate.
  double lr() const { return options_.lr; }
  /// Sets the learning rate (what schedulers call); may go below 0, as in PyTorch.
  void set_lr(double lr) {
    detail::require_option(true, name, "lr", "finite", lr);  // schedulers may go below 0, as in PyTorch
    options_.lr = lr;
  }
  /// The momentum factor (OneCycleLR cycles it).
  double momentum() const { return options_.momentum; }
  /// Sets the momentum factor. Setting a positive momentum on an optimizer built without one
  /// allocates its (zero) buffer here, never in step().
  void set_momentum(double momentum) {
    detail::require_option(momentum >= 0, name, "momentum", ">= 0", momentum);
    if (momentum > 0 && momentum_buffer_.size() != params_.size()) momentum_buffer_.resize(params_.size());
    options_.momentum = momentum;
  }
  /// The options, as set or changed since.
  const rmsprop_options& options() const { return options_; }
  /// Steps taken: PyTorch's state["step"]. set_steps restores it from a checkpoint.
  std::size_t steps() const { return steps_; }
  /// Restores the step count from a checkpoint.
  void set_steps(std::size_t steps) {
    detail::require_steps(name, steps);
    steps_ = steps;
  }
  /// The parameters it updates (the model's packed parameters when built from a model).
  TensorView parameters() const { return params_; }

  /// The squared-gradient averages, PyTorch's square_avg (backend memory).
  TensorView square_avg() { return view(square_avg_); }
  /// The momentum buffers, PyTorch's momentum_buffer (empty without momentum).
  TensorView momentum_buffer() { return view(momentum_buffer_); }
  /// The gradient averages, PyTorch's grad_avg (empty unless centered).
  TensorView grad_avg() { return view(grad_avg_); }
  /// The state tensors by PyTorch's names, for checkpoints.
  named_state state() {
    named_state s{{"square_avg", square_avg()}};
    if (momentum_buffer_.size()) s.emplace_back("momentum_buffer", momentum_buffer());
    if (options_.centered) s.emplace_back("grad_avg", grad_avg());
    return s;
  }

 private:
  static TensorView view(buffer<Backend>& b) { return {b.data(), make_dims(b.size())}; }

  rmsprop_options options_;
  TensorView params_, grads_;
  frozen_view frozen_;
  buffer<Backend> square_avg_, momentum_buffer_, grad_avg_;
  std::size_t steps_ = 0;
};

/// lm::optim::RMSprop opt(model, {...}) runs on the model's backend; from views, on the CPU.
///@{
template <class M>
  requires requires(M& m) { m.parameters(); m.gradients(); }
RMSprop(M&, rmsprop_options) -> RMSprop<backend_of_t<M>>;
RMSprop(TensorView, TensorView, rmsprop_options) -> RMSprop<cpu>;
template <lamina::Backend B>
RMSprop(B, TensorView, TensorView, rmsprop_options) -> RMSprop<B>;
///@}

#ifdef LAMINA_COMPILED_LIB
extern template class RMSprop<cpu>;  // compiled once, in lamina::compiled (src/optim.cpp)
#endif

}  // namespace lamina::optim

