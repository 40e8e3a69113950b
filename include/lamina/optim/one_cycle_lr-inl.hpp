#pragma once
// Definitions for one_cycle_lr.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>
#include <cstddef>
#include <numbers>
#include <stdexcept>
#include <string>

#include "one_cycle_lr.hpp"

namespace lamina::optim {

LAMINA_INLINE void OneCycleLR::step() {
  if (last_epoch_ + 1 > options_.total_steps)
    throw std::out_of_range("lamina::optim::OneCycleLR: tried to step " + std::to_string(last_epoch_ + 1) +
                            " times; total_steps is " + std::to_string(options_.total_steps));
  ++last_epoch_;
  update();
}

LAMINA_INLINE scheduler_state OneCycleLR::state() const {
  auto s = base_state();
  s.emplace_back("last_momentum", last_momentum_);
  return s;
}

LAMINA_INLINE void OneCycleLR::load_state(const scheduler_state& s) {
  // The optimizer's own setter checks the momentum (or beta1); it goes first and is put back if
  // the rest of the state is refused.
  const double momentum = find(s, "last_momentum"), before = opt_.momentum();
  if (options_.cycle_momentum) opt_.set_momentum(momentum);
  try {
    load_base_state(s);
  } catch (...) {
    if (options_.cycle_momentum) opt_.set_momentum(before);
    throw;
  }
  last_momentum_ = momentum;
}

LAMINA_INLINE double OneCycleLR::anneal(double start, double end, double pct) const {
  if (options_.anneal_strategy == annealing::linear) return (end - start) * pct + start;
  const double cos_out = std::cos(std::numbers::pi * pct) + 1;
  return end + (start - end) / 2.0 * cos_out;
}

LAMINA_INLINE void OneCycleLR::update() {
  const double step_num = double(last_epoch_);
  double start_step = 0.0;
  for (int i = 0; i < phase_count_; ++i) {
    const phase& p = phases_[i];
    if (step_num <= p.end_step || i == phase_count_ - 1) {
      if (p.end_step == start_step)
        throw std::domain_error("lamina::optim::OneCycleLR: phase " + std::to_string(i) +
                                " has no steps (total_steps " + std::to_string(options_.total_steps) +
                                ", pct_start " + detail::format_value(options_.pct_start) +
                                "); PyTorch divides by zero here too");
      const double pct = (step_num - start_step) / (p.end_step - start_step);
      apply(anneal(p.start_lr, p.end_lr, pct));
      if (options_.cycle_momentum) {
        last_momentum_ = anneal(p.start_momentum, p.end_momentum, pct);
        opt_.set_momentum(last_momentum_);
      }
      return;
    }
    start_step = p.end_step;
  }
}

}  // namespace lamina::optim
