#pragma once
// Definitions for sgd.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>
#include <stdexcept>
#include <string>

#include "sgd.hpp"

namespace lamina::optim {

LAMINA_INLINE void SGD::step() {
  if (device_step_) return device_step_(*this);
  const float lr = options_.lr, mu = options_.momentum, damp = 1.0f - options_.dampening,
              wd = options_.weight_decay;
  const bool nesterov = options_.nesterov, first = !momentum_started_;
  float* p = params_.data;
  const float* g = grads_.data;
  float* buf = momentum_.data();
  kernels::detail::for_ranges(params_.size(), [&](std::size_t b, std::size_t e) {
    if (mu == 0) {
      LAMINA_OMP(omp simd)
      for (std::size_t i = b; i < e; ++i) p[i] -= lr * (g[i] + wd * p[i]);
      return;
    }
    // One branch-free loop per case, so each vectorises.
    if (first) {
      LAMINA_OMP(omp simd)
      for (std::size_t i = b; i < e; ++i) {
        const float d = g[i] + wd * p[i];
        buf[i] = d;
        p[i] -= lr * (nesterov ? d + mu * d : d);
      }
    } else if (nesterov) {
      LAMINA_OMP(omp simd)
      for (std::size_t i = b; i < e; ++i) {
        const float d = g[i] + wd * p[i];
        const float v = mu * buf[i] + damp * d;
        buf[i] = v;
        p[i] -= lr * (d + mu * v);
      }
    } else {
      LAMINA_OMP(omp simd)
      for (std::size_t i = b; i < e; ++i) {
        const float v = mu * buf[i] + damp * (g[i] + wd * p[i]);
        buf[i] = v;
        p[i] -= lr * v;
      }
    }
  });
  if (mu != 0) momentum_started_ = true;
  ++steps_;
}

LAMINA_INLINE void SGD::set_momentum(double momentum) {
  detail::require_option(momentum >= 0 && momentum <= 3.4e38, "SGD", "momentum", ">= 0", momentum);
  if (options_.nesterov && momentum <= 0)
    throw std::invalid_argument("lamina::optim::SGD: Nesterov momentum requires a momentum");
  if (momentum != 0 && momentum_.size() != params_.size()) momentum_.resize(params_.size());
  options_.momentum = float(momentum);
}

LAMINA_INLINE named_state SGD::state() {
  named_state s;
  if (momentum_.size()) s.emplace_back("momentum_buffer", momentum_buffer());
  return s;
}

}  // namespace lamina::optim
