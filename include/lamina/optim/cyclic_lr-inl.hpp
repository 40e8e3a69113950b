#pragma once
// Definitions for cyclic_lr.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>

#include "cyclic_lr.hpp"

namespace lamina::optim {

LAMINA_INLINE void CyclicLR::step() {
  ++last_epoch_;
  update();
}

LAMINA_INLINE void CyclicLR::load_state(const scheduler_state& s) {
  load_base_state(s);
  update();
}

// torch's CyclicLR.get_lr, a closed form of the step count.
LAMINA_INLINE void CyclicLR::update() {
  const auto& o = options_;
  const double up = double(o.step_size_up), down = double(o.step_size_down ? o.step_size_down : o.step_size_up);
  const double total = up + down, ratio = up / total, k = double(last_epoch_);
  const double cycle = std::floor(1 + k / total), x = 1.0 + k / total - cycle;
  const double scale_factor = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
  double scale = 1;
  if (o.scale_fn) scale = o.scale_fn(o.scale_mode == cyclic_scale::cycle ? cycle : k);
  else if (o.mode == cyclic_mode::triangular2) scale = 1 / std::pow(2.0, cycle - 1);
  else if (o.mode == cyclic_mode::exp_range) scale = std::pow(o.gamma, k);
  apply(o.base_lr + (o.max_lr - o.base_lr) * scale_factor * scale);
  if (o.cycle_momentum) {
    last_momentum_ = o.max_momentum - (o.max_momentum - o.base_momentum) * scale_factor * scale;
    opt_.set_momentum(last_momentum_);
  }
}

}  // namespace lamina::optim
