#pragma once
// Definitions for lr_scheduler.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>
#include <cstddef>
#include <numbers>
#include <stdexcept>
#include <string>

#include "lr_scheduler.hpp"

namespace lamina::optim {

namespace detail {

LAMINA_INLINE double scheduler_base::current_lr() const {
  const double now = opt_.lr();
  return now == applied_ ? last_lr_ : now;
}

LAMINA_INLINE void scheduler_base::apply(double lr) {
  opt_.set_lr(lr);  // first: it refuses a non-finite lr
  last_lr_ = lr;
  applied_ = opt_.lr();
}

LAMINA_INLINE void scheduler_base::require(bool ok, const char* option, const char* requirement, double value) const {
  require_option(ok, name_, option, requirement, value);
}

LAMINA_INLINE scheduler_state scheduler_base::base_state() const {
  return {{"last_epoch", double(last_epoch_)}, {"base_lr", base_lr_}, {"last_lr", last_lr_}};
}

LAMINA_INLINE double scheduler_base::find(const scheduler_state& s, const char* key) const {
  for (const auto& [k, v] : s)
    if (k == key) return v;
  throw std::invalid_argument(std::string("lamina::optim::") + name_ + "::load_state: the state has no '" + key +
                              "' entry");
}

LAMINA_INLINE std::size_t scheduler_base::find_count(const scheduler_state& s, const char* key) const {
  const double v = find(s, key);
  if (!(v >= 0 && v <= 0x1p53) || v != std::floor(v))
    throw std::invalid_argument(std::string("lamina::optim::") + name_ + "::load_state: " + key +
                                " must be an integer in [0, 2^53], got " + format_value(v));
  return std::size_t(v);
}

LAMINA_INLINE void scheduler_base::load_base_state(const scheduler_state& s) {
  // Everything is checked before anything changes.
  const std::size_t epoch = find_count(s, "last_epoch");
  const double base_lr = find(s, "base_lr"), last_lr = find(s, "last_lr");
  for (const auto& [key, v] : {std::pair{"base_lr", base_lr}, std::pair{"last_lr", last_lr}})
    if (!(std::abs(v) <= 3.4e38))
      throw std::invalid_argument(std::string("lamina::optim::") + name_ + "::load_state: " + key +
                                  " must be a finite float, got " + format_value(v));
  apply(last_lr);
  last_epoch_ = epoch;
  base_lr_ = base_lr;
}

}  // namespace detail

LAMINA_INLINE void StepLR::step() {
  ++last_epoch_;
  double lr = current_lr();
  if (last_epoch_ % options_.step_size == 0) lr = lr * options_.gamma;
  apply(lr);
}

LAMINA_INLINE void MultiStepLR::step() {
  ++last_epoch_;
  apply(at_epoch(current_lr()));
}

LAMINA_INLINE double MultiStepLR::at_epoch(double lr) const {
  int count = 0;
  for (std::size_t m : options_.milestones) count += m == last_epoch_;
  return count ? lr * std::pow(options_.gamma, double(count)) : lr;
}

LAMINA_INLINE void ExponentialLR::step() {
  ++last_epoch_;
  apply(current_lr() * options_.gamma);
}

LAMINA_INLINE void CosineAnnealingLR::step() {
  ++last_epoch_;
  const std::size_t w = options_.warmup_steps;
  const double eta_min = options_.eta_min, lr = current_lr();
  if (last_epoch_ < w) {  // LinearLR.get_lr with end_factor 1
    const double f = options_.warmup_start_factor;
    apply(lr * (1.0 + (1.0 - f) / (double(w) * f + double(last_epoch_ - 1) * (1.0 - f))));
    return;
  }
  const long long k = (long long)(last_epoch_ - w);  // the cosine's own epoch
  const double t = double(options_.t_max), pi = std::numbers::pi;
  if (k == 0) {  // SequentialLR starts the cosine with its closed form at epoch 0
    apply(eta_min + (base_lr_ - eta_min) * (1 + std::cos(pi * 0.0 / t)) / 2);
    return;
  }
  const long long t_max = (long long)options_.t_max, period = 2 * t_max;
  const long long r = ((k - 1 - t_max) % period + period) % period;  // Python's %
  if (r == 0)
    apply(lr + (base_lr_ - eta_min) * (1 - std::cos(pi / t)) / 2);
  else
    apply((1 + std::cos(pi * double(k) / t)) / (1 + std::cos(pi * double(k - 1) / t)) * (lr - eta_min) + eta_min);
}

}  // namespace lamina::optim
