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

LAMINA_INLINE void LinearLR::restart() {
  last_epoch_ = 0;
  apply(base_lr_ * options_.start_factor);
}

LAMINA_INLINE void LinearLR::step() {  // torch's chainable form: the ratio of this epoch's factor to the last's
  ++last_epoch_;
  const double lr = current_lr();
  if (last_epoch_ > options_.total_iters) return apply(lr);
  const double s = options_.start_factor, e = options_.end_factor;
  apply(lr * (1.0 + (e - s) / (double(options_.total_iters) * s + double(last_epoch_ - 1) * (e - s))));
}

LAMINA_INLINE void PolynomialLR::step() {
  ++last_epoch_;
  const double lr = current_lr(), n = double(options_.total_iters), k = double(last_epoch_);
  if (last_epoch_ > options_.total_iters) return apply(lr);
  apply(lr * std::pow((1.0 - k / n) / (1.0 - (k - 1) / n), options_.power));
}

LAMINA_INLINE void LambdaLR::restart() {
  last_epoch_ = 0;
  apply(base_lr_ * options_.factor(0));
}

LAMINA_INLINE void LambdaLR::step() {
  ++last_epoch_;
  apply(base_lr_ * options_.factor(last_epoch_));
}

LAMINA_INLINE void CosineAnnealingWarmRestarts::update() {
  const double eta_min = options_.eta_min;
  apply(eta_min + (base_lr_ - eta_min) * (1 + std::cos(std::numbers::pi * double(t_cur_) / double(t_i_))) / 2);
}

LAMINA_INLINE void CosineAnnealingWarmRestarts::restart() {
  last_epoch_ = t_cur_ = 0;
  t_i_ = options_.t_0;
  update();
}

LAMINA_INLINE void CosineAnnealingWarmRestarts::step() {
  ++last_epoch_;
  if (++t_cur_ >= t_i_) {
    t_cur_ -= t_i_;
    t_i_ *= options_.t_mult;
  }
  update();
}

LAMINA_INLINE scheduler_state CosineAnnealingWarmRestarts::state() const {
  auto s = base_state();
  s.emplace_back("T_cur", double(t_cur_));
  s.emplace_back("T_i", double(t_i_));
  return s;
}

LAMINA_INLINE void CosineAnnealingWarmRestarts::load_state(const scheduler_state& s) {
  const std::size_t t_cur = find_count(s, "T_cur"), t_i = find_count(s, "T_i");
  if (t_i < 1 || t_cur >= t_i)
    throw std::invalid_argument("lamina::optim::CosineAnnealingWarmRestarts::load_state: T_cur " +
                                std::to_string(t_cur) + " must be below T_i " + std::to_string(t_i) +
                                " (and T_i >= 1)");
  load_base_state(s);
  t_cur_ = t_cur;
  t_i_ = t_i;
}

}  // namespace lamina::optim
