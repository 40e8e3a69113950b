#pragma once
// Definitions for reduce_lr_on_plateau.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>
#include <algorithm>
#include <cstddef>
#include <limits>

#include "reduce_lr_on_plateau.hpp"

namespace lamina::optim {

LAMINA_INLINE void ReduceLROnPlateau::step(double metric) {
  ++last_epoch_;
  if (is_better(metric, best_)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
  }
  if (num_bad_epochs_ > options_.patience) {
    const double old_lr = current_lr(), new_lr = std::max(old_lr * options_.factor, options_.min_lr);
    if (old_lr - new_lr > options_.eps) apply(new_lr);
    cooldown_counter_ = options_.cooldown;
    num_bad_epochs_ = 0;
  }
  last_lr_ = current_lr();
  applied_ = opt_.lr();
}

LAMINA_INLINE scheduler_state ReduceLROnPlateau::state() const {
  auto s = base_state();
  s.emplace_back("best", best_);
  s.emplace_back("num_bad_epochs", double(num_bad_epochs_));
  s.emplace_back("cooldown_counter", double(cooldown_counter_));
  return s;
}

LAMINA_INLINE void ReduceLROnPlateau::load_state(const scheduler_state& s) {
  const double best = find(s, "best");
  const std::size_t bad = find_count(s, "num_bad_epochs"), cooldown = find_count(s, "cooldown_counter");
  if (std::isnan(best))
    throw std::invalid_argument("lamina::optim::ReduceLROnPlateau::load_state: best must be a number, got nan");
  load_base_state(s);
  best_ = best;
  num_bad_epochs_ = bad;
  cooldown_counter_ = cooldown;
}

LAMINA_INLINE double ReduceLROnPlateau::worst() const {
  constexpr double inf = std::numeric_limits<double>::infinity();
  return options_.mode == plateau_mode::min ? inf : -inf;
}

LAMINA_INLINE bool ReduceLROnPlateau::is_better(double a, double best) const {
  const auto& o = options_;
  if (o.mode == plateau_mode::min)
    return o.threshold_mode == plateau_threshold::rel ? a < best * (1.0 - o.threshold) : a < best - o.threshold;
  return o.threshold_mode == plateau_threshold::rel ? a > best * (o.threshold + 1.0) : a > best + o.threshold;
}

}  // namespace lamina::optim
