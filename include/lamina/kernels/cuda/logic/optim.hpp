#pragma once
// Optimizer update bodies, one parameter per index, with the float operations of the CPU loops
// in optim/sgd.hpp, adam.hpp and rmsprop.hpp (the option tests are run-time flags here; they
// are uniform over a launch, so they cost no divergence).
#include <cmath>
#include <cstddef>

#include "../../../core/config.hpp"
#include "../../backend_seam.hpp"  // the argument structs

namespace lamina::kernels::device {

struct sgd_op {
  sgd_step_args a;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    float* p = a.params;
    const float* g = a.grads;
    float* buf = a.momentum_buffer;
    const float lr = a.lr, mu = a.momentum, damp = a.dampening_complement, wd = a.weight_decay;
    if (mu == 0) {
      p[i] -= lr * (g[i] + wd * p[i]);
    } else if (a.first) {
      const float d = g[i] + wd * p[i];
      buf[i] = d;
      p[i] -= lr * (a.nesterov ? d + mu * d : d);
    } else if (a.nesterov) {
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

struct adam_op {
  adam_step_args a;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    float pi = a.params[i], gi = a.grads[i];
    if (a.weight_decay) {
      if (a.decoupled) pi = pi * a.decay;
      else gi = gi + a.wd * pi;
    }
    float mi = a.exp_avg[i];
    if (a.small_weight) mi = mi + a.w1 * (gi - mi);
    else mi = gi - (gi - mi) * (1.0f - a.w1);
    a.exp_avg[i] = mi;
    float vi = a.exp_avg_sq[i] * a.beta2 + a.w2 * gi * gi;
    a.exp_avg_sq[i] = vi;
    if (a.amsgrad) {
      vi = a.max_exp_avg_sq[i] > vi ? a.max_exp_avg_sq[i] : vi;
      a.max_exp_avg_sq[i] = vi;
    }
    const float denom = ::sqrtf(vi) / a.bc2_sqrt + a.eps;
    a.params[i] = pi + a.neg_step * (mi / denom);
  }
};

struct rmsprop_op {
  rmsprop_step_args a;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const float pi = a.params[i];
    float gi = a.grads[i];
    if (a.weight_decay) gi = gi + a.wd * pi;
    const float v = a.square_avg[i] * a.alpha + a.w * gi * gi;
    a.square_avg[i] = v;
    float avg;
    if (a.centered) {
      float m = a.grad_avg[i];
      if (a.small_weight) m = m + a.w * (gi - m);
      else m = gi - (gi - m) * (1.0f - a.w);
      a.grad_avg[i] = m;
      avg = ::sqrtf(v + -1.0f * m * m);
    } else {
      avg = ::sqrtf(v);
    }
    avg = avg + a.eps;
    if (a.use_momentum) {
      const float bi = a.momentum_buffer[i] * a.momentum + gi / avg;
      a.momentum_buffer[i] = bi;
      a.params[i] = pi + a.neg_lr * bi;
    } else {
      a.params[i] = pi + a.neg_lr * (gi / avg);
    }
  }
};

}  // namespace lamina::kernels::device
