#pragma once
// Stochastic gradient descent with torch.optim.SGD's update rule:
//   g = grad + weight_decay * p
//   buf = momentum * buf + (1 - dampening) * g     (buf = g on the first step)
//   g = nesterov ? g + momentum * buf : buf        (when momentum != 0)
//   p -= lr * g
// It works on the model's packed parameters, so one step is one element-wise launch of
// detail::sgd_update on the optimizer's backend (the model's; its momentum buffer lives there
// too): `lm::optim::SGD opt(model, {...})` deduces it. Built from views, it runs on the CPU.
#include <cmath>
#include <cstddef>
#include <stdexcept>
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

/// SGD's options: torch.optim.SGD's arguments.
struct sgd_options {
  float lr = 1e-3f;           ///< Learning rate.
  float momentum = 0.0f;      ///< Momentum factor (0: plain SGD).
  float dampening = 0.0f;     ///< Dampening of the momentum's new gradient share.
  float weight_decay = 0.0f;  ///< L2 penalty added to the gradient.
  bool nesterov = false;      ///< Nesterov momentum (needs momentum and zero dampening).
};

namespace detail {
// One parameter's update. The flags are options fixed for a step, so each case is its own
// branch-free loop (dispatched by kernels::dispatch_flags).
template <bool Momentum, bool First, bool Nesterov>
struct sgd_update {
  float* p; const float* g; float* buf;
  float lr, mu, damp, wd;  // damp = 1 - dampening
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    if constexpr (!Momentum) {
      p[i] -= lr * (g[i] + wd * p[i]);
    } else if constexpr (First) {
      const float d = g[i] + wd * p[i];
      buf[i] = d;
      p[i] -= lr * (Nesterov ? d + mu * d : d);
    } else if constexpr (Nesterov) {
      const float d = g[i] + wd * p[i];
      const float v = mu * buf[i] + damp * d;
      buf[i] = v;
      p[i] -= lr * (d + mu * v);
    } else {
      const float v = mu * buf[i] + damp * (g[i] + wd * p[i]);
      buf[i] = v;
      p[i] -= lr * v;
    }
  }
};
}  // namespace detail

/// Stochastic gradient descent with momentum, torch.optim.SGD's update rule, on the model's
/// packed parameters: `lm::optim::SGD opt(model, {.lr = 0.01f, .momentum = 0.9f})`.
template <lamina::Backend Backend = cpu>
class SGD {
 public:
  using options_type = sgd_options;  ///< The options (one set per parameter group in ParamGroups).
  using backend = Backend;  ///< Where the parameters and the momentum buffer live.

  /// An optimizer of params by grads (same size); params and grads are the backend's memory.
  /// It leaves alone what `frozen` marks frozen (an optimizer built from a model: its frozen
  /// parameters).
  SGD(TensorView params, TensorView grads, sgd_options options, frozen_view frozen = {})
      : options_(options), params_(params), grads_(grads), frozen_(frozen) {
    detail::require_same_size("SGD", params.size(), grads.size());
    detail::require_option(options.lr >= 0, "SGD", "lr", ">= 0", options.lr);
    detail::require_option(options.momentum >= 0, "SGD", "momentum", ">= 0", options.momentum);
    detail::require_option(true, "SGD", "dampening", "finite", options.dampening);
    detail::require_option(options.weight_decay >= 0, "SGD", "weight_decay", ">= 0", options.weight_decay);
    if (options.nesterov && (options.momentum <= 0 || options.dampening != 0))
      throw std::invalid_argument("lamina::optim::SGD: Nesterov momentum requires a momentum and zero dampening");
    if (options.momentum != 0) momentum_.resize(params.size());
  }
  /// The same, naming the backend (so that the deduction guides pick it).
  SGD(Backend, TensorView params, TensorView grads, sgd_options options) : SGD(params, grads, options) {}
  /// An optimizer of all of a model's parameters, on the model's backend.
  template <class M>
    requires requires(M& m) { m.parameters(); m.gradients(); }
  SGD(M& model, sgd_options options) : SGD(model.parameters(), model.gradients(), options, frozen_view_of(model)) {
    static_assert(std::is_same_v<backend_of_t<M>, Backend>,
                  "lamina::optim::SGD<Backend>: the model runs on another backend; let the constructor deduce it: "
                  "lm::optim::SGD opt(model, {...})");
  }

  /// One update of every parameter from its gradient (call after backward).
  void step() {
    const float mu = options_.momentum;
    kernels::dispatch_flags(
        [&]<bool Momentum, bool First, bool Nesterov>() {
          parallel_for_trainable(Backend{}, params_.size(), frozen_,
                                detail::sgd_update<Momentum, First, Nesterov>{
                                    params_.data, grads_.data, momentum_.data(), options_.lr, mu,
                                    1.0f - options_.dampening, options_.weight_decay});
        },
        mu != 0, !momentum_started_, options_.nesterov);
    if (mu != 0) momentum_started_ = true;
    ++steps_;
  }

  /// The learning rate.
  float lr() const { return options_.lr; }
  /// Sets the learning rate (what schedulers call); may go below 0, as in PyTorch.
  void set_lr(double lr) {
    detail::require_option(std::abs(lr) <= 3.4e38, "SGD", "lr", "a finite float", lr);
    options_.lr = float(lr);
  }
  /// The momentum factor (OneCycleLR cycles it).
  float momentum() const { return options_.momentum; }
  /// Sets the momentum factor. Setting a momentum on an optimizer built without one allocates
  /// its buffer here, never in step(); like PyTorch's momentum_buffer, it starts as the gradient
  /// on the first step with momentum.
  void set_momentum(double momentum);
  /// The options, as set or changed since.
  const sgd_options& options() const { return options_; }
  /// The parameters it updates (the model's packed parameters when built from a model).
  TensorView parameters() const { return params_; }
  /// Steps taken (PyTorch's state["step"]).
  std::size_t steps() const { return steps_; }
  /// Restores the step count from a checkpoint (with steps > 0 the momentum buffer, if any,
  /// counts as started: restore its values through momentum_buffer() or state()).
  void set_steps(std::size_t steps) {
    detail::require_steps("SGD", steps);
    steps_ = steps;
    momentum_started_ = steps > 0 && momentum_.size() != 0;
  }
  /// The momentum buffers, for checkpoints (empty without momentum; backend memory).
  TensorView momentum_buffer() { return {momentum_.data(), make_dims(momentum_.size())}; }
  /// The state tensors by PyTorch's names, for checkpoints (empty without momentum).
  named_state state();

 private:
  sgd_options options_;
  TensorView params_, grads_;
  frozen_view frozen_;
  buffer<Backend> momentum_;
  std::size_t steps_ = 0;
  bool momentum_started_ = false;
};

/// lm::optim::SGD opt(model, {...}) runs on the model's backend; from views, on the CPU.
///@{
template <class M>
  requires requires(M& m) { m.parameters(); m.gradients(); }
SGD(M&, sgd_options) -> SGD<backend_of_t<M>>;
SGD(TensorView, TensorView, sgd_options) -> SGD<cpu>;
template <lamina::Backend B>
SGD(B, TensorView, TensorView, sgd_options) -> SGD<B>;
///@}

template <lamina::Backend Backend>
void SGD<Backend>::set_momentum(double momentum) {
  detail::require_option(momentum >= 0 && momentum <= 3.4e38, "SGD", "momentum", ">= 0", momentum);
  if (options_.nesterov && momentum <= 0)
    throw std::invalid_argument("lamina::optim::SGD: Nesterov momentum requires a momentum");
  if (momentum != 0 && momentum_.size() != params_.size()) momentum_.resize(params_.size());
  options_.momentum = float(momentum);
}

template <lamina::Backend Backend>
named_state SGD<Backend>::state() {
  named_state s;
  if (momentum_.size()) s.emplace_back("momentum_buffer", momentum_buffer());
  return s;
}

#ifdef LAMINA_COMPILED_LIB
extern template class SGD<cpu>;  // compiled once, in lamina::compiled (src/optim.cpp)
#endif

}  // namespace lamina::optim
