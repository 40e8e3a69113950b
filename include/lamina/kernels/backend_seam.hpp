#pragma once
// The kernels that losses and optimizers call on a non-CPU backend. On the CPU, losses and
// optimizers run their own loops (loss/*.hpp, optim/*.hpp); on another backend they call
//   kernels::cross_entropy(backend, args)      kernels::sgd_step(backend, args)
//   kernels::pointwise_loss(backend, args)     kernels::adam_step(backend, args)
//                                              kernels::rmsprop_step(backend, args)
// Each is declared here as a primary template whose static_assert says what is missing; a
// backend provides explicit specialisations (kernels/cuda/loss.cuh, kernels/cuda/optim.cuh,
// included by kernels/kernels.hpp when the file is compiled as CUDA).
#include <cstddef>
#include <cstdint>

#include "../core/backend.hpp"
#include "../core/type_list.hpp"

namespace lamina::kernels {

// Waits for the work a backend has queued (for timing); nothing to wait for on the CPU.
inline void synchronize(cpu) {}

// ---- losses: every pointer but `targets` / `target` is backend memory; those two may be
//      host or backend memory (the backend copies host targets over). Returns the loss.
struct cross_entropy_args {
  const float* logits;           // [n, classes]
  const std::int32_t* targets;   // n class indices, already checked to be in range
  std::size_t n, classes;
  double label_smoothing, scale;  // scale: 1/n (mean) or 1 (sum)
  float* grad;                    // [n, classes] or nullptr
};
struct pointwise_loss_args {
  int kind;          // device::pointwise_kind
  double delta;      // Huber's
  const float* pred;
  const float* target;
  std::size_t n;
  double scale;
  float* grad;       // or nullptr
};

// ---- optimizers: one step over the packed parameters (backend memory), the scalars as the
//      CPU loops use them.
struct sgd_step_args {
  float* params; const float* grads; float* momentum_buffer; std::size_t n;
  float lr, momentum, dampening_complement, weight_decay;  // dampening_complement = 1 - dampening
  bool nesterov, first;
};
struct adam_step_args {
  float* params; const float* grads; float* exp_avg; float* exp_avg_sq; float* max_exp_avg_sq; std::size_t n;
  float decay, wd, w1, beta2, w2, bc2_sqrt, eps, neg_step;
  bool decoupled, weight_decay, amsgrad, small_weight;
};
struct rmsprop_step_args {
  float* params; const float* grads; float* square_avg; float* grad_avg; float* momentum_buffer; std::size_t n;
  float wd, alpha, w, eps, momentum, neg_lr;
  bool centered, weight_decay, use_momentum, small_weight;
};

#define LAMINA_MISSING_KERNEL(what)                                                                    \
  static_assert(::lamina::detail::always_false<Backend>,                                               \
                "lamina: no " what " kernel for this backend in this translation unit. For "           \
                "lamina::cuda, compile the file as CUDA (nvcc, a .cu file) and include "               \
                "<lamina/lamina.hpp> or <lamina/kernels/kernels.hpp> before using it.")

template <class Backend> float cross_entropy(Backend, const cross_entropy_args&) { LAMINA_MISSING_KERNEL("cross_entropy"); return 0; }
template <class Backend> float pointwise_loss(Backend, const pointwise_loss_args&) { LAMINA_MISSING_KERNEL("pointwise_loss"); return 0; }
template <class Backend> void sgd_step(Backend, const sgd_step_args&) { LAMINA_MISSING_KERNEL("sgd_step"); }
template <class Backend> void adam_step(Backend, const adam_step_args&) { LAMINA_MISSING_KERNEL("adam_step"); }
template <class Backend> void rmsprop_step(Backend, const rmsprop_step_args&) { LAMINA_MISSING_KERNEL("rmsprop_step"); }

#undef LAMINA_MISSING_KERNEL

}  // namespace lamina::kernels
