#pragma once
// Stochastic gradient descent with torch.optim.SGD's update rule:
//   g = grad + weight_decay * p
//   buf = momentum * buf + (1 - dampening) * g     (buf = g on the first step)
//   g = nesterov ? g + momentum * buf : buf        (when momentum != 0)
//   p -= lr * g
// It works on the model's packed parameters, so one step is one vector loop. Constructed from
// a model, it runs on the model's backend (its momentum buffer lives there too); constructed
// from views, on the CPU.
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../core/buffer.hpp"
#include "../core/tensor.hpp"
#include "../kernels/kernels.hpp"
#include "../core/config.hpp"
#include "concepts.hpp"
#include "state_buffer.hpp"

namespace lamina::optim {

struct sgd_options {
  float lr = 1e-3f;
  float momentum = 0.0f;
  float dampening = 0.0f;
  float weight_decay = 0.0f;
  bool nesterov = false;
};

class SGD {
 public:
  SGD(TensorView params, TensorView grads, sgd_options options) : SGD(cpu{}, params, grads, options) {}
  // On `backend`: params and grads are that backend's memory.
  template <lamina::Backend Backend>
  SGD(Backend, TensorView params, TensorView grads, sgd_options options)
      : options_(options), params_(params), grads_(grads), momentum_(Backend{}) {
    if constexpr (!std::is_same_v<Backend, cpu>) device_step_ = &device_step<Backend>;
    detail::require_same_size("SGD", params.size(), grads.size());
    detail::require_option(options.lr >= 0, "SGD", "lr", ">= 0", options.lr);
    detail::require_option(options.momentum >= 0, "SGD", "momentum", ">= 0", options.momentum);
    detail::require_option(true, "SGD", "dampening", "finite",
                           options.dampening);
    detail::require_option(options.weight_decay >= 0, "SGD", "weight_decay", ">= 0", options.weight_decay);
    if (options.nesterov && (options.momentum <= 0 || options.dampening != 0))
      throw std::invalid_argument("lamina::optim::SGD: Nesterov momentum requires a momentum and zero dampening");
    if (options.momentum != 0) momentum_.resize(params.size());
  }
  template <class M>
    requires requires(M& m) { m.parameters(); m.gradients(); }
  SGD(M& model, sgd_options options)
      : SGD(detail::backend_of_t<M>{}, model.parameters(), model.gradients(), options) {}

  void step();

 private:
  // The same update on another backend (kernels::sgd_step).
  template <class Backend>
  static void device_step(SGD& s) {
    const sgd_options& o = s.options_;
    kernels::sgd_step(Backend{}, kernels::sgd_step_args{.params = s.params_.data, .grads = s.grads_.data,
                                                        .momentum_buffer = s.momentum_.data(),
                                                        .n = s.params_.size(), .lr = o.lr, .momentum = o.momentum,
                                                        .dampening_complement = 1.0f - o.dampening,
                                                        .weight_decay = o.weight_decay, .nesterov = o.nesterov,
                                                        .first = !s.momentum_started_});
    if (o.momentum != 0) s.momentum_started_ = true;
    ++s.steps_;
  }

 public:

  float lr() const { return options_.lr; }
  void set_lr(double lr) {  // schedulers may go below 0, as in PyTorch
    detail::require_option(std::abs(lr) <= 3.4e38, "SGD", "lr", "a finite float", lr);
    options_.lr = float(lr);
  }
  // The momentum factor (OneCycleLR cycles it). Setting a momentum on an optimizer built
  // without one allocates its buffer here, never in step(); like PyTorch's momentum_buffer, it
  // starts as the gradient on the first step with momentum.
  float momentum() const { return options_.momentum; }
  void set_momentum(double momentum);
  const sgd_options& options() const { return options_; }
  // The parameters it updates (the model's packed parameters when built from a model).
  TensorView parameters() const { return params_; }
  std::size_t steps() const { return steps_; }
  // Restores the step count from a checkpoint (with steps > 0 the momentum buffer, if any,
  // counts as started: restore its values through momentum_buffer() or state()).
  void set_steps(std::size_t steps) {
    detail::require_steps("SGD", steps);
    steps_ = steps;
    momentum_started_ = steps > 0 && momentum_.size() != 0;
  }
  // The momentum buffers, for checkpoints (empty without momentum; backend memory).
  TensorView momentum_buffer() { return {momentum_.data(), make_dims(momentum_.size())}; }
  // The state tensors by PyTorch's names, for checkpoints (empty without momentum).
  named_state state();

 private:
  sgd_options options_;
  TensorView params_, grads_;
  detail::state_buffer momentum_;
  std::size_t steps_ = 0;
  bool momentum_started_ = false;
  void (*device_step_)(SGD&) = nullptr;  // set when the backend is not the CPU
};

}  // namespace lamina::optim

#ifndef LAMINA_COMPILED_LIB
#include "sgd-inl.hpp"
#endif
