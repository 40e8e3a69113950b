#pragma once
// Definitions for rmsprop.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>
#include <cstddef>
#include <string>

#include "rmsprop.hpp"

namespace lamina::optim {

LAMINA_INLINE void RMSprop::step() {
  ++steps_;
  const auto& o = options_;
  const scalars s{
      .wd = float(o.weight_decay),
      .alpha = float(o.alpha),
      .w = float(1 - o.alpha),
      .eps = float(o.eps),
      .momentum = float(o.momentum),
      .neg_lr = float(-o.lr),
  };
  const bool wd = o.weight_decay != 0, mom = o.momentum > 0;
  if (device_run_) return device_run_(*this, s, wd, mom);
  // at::lerp's form depends on whether the weight is below 0.5.
  if (o.centered) {
    const bool small = std::abs(s.w) < 0.5f;
    if (wd) mom ? (small ? run<true, true, true, true>(s) : run<true, true, true, false>(s))
            : (small ? run<true, true, false, true>(s) : run<true, true, false, false>(s));
    else mom ? (small ? run<true, false, true, true>(s) : run<true, false, true, false>(s))
             : (small ? run<true, false, false, true>(s) : run<true, false, false, false>(s));
  } else {
    if (wd) mom ? run<false, true, true, true>(s) : run<false, true, false, true>(s);
    else mom ? run<false, false, true, true>(s) : run<false, false, false, true>(s);
  }
}

LAMINA_INLINE void RMSprop::set_momentum(double momentum) {
  detail::require_option(momentum >= 0, name, "momentum", ">= 0", momentum);
  if (momentum > 0 && momentum_buffer_.size() != params_.size()) momentum_buffer_.resize(params_.size());
  options_.momentum = momentum;
}

LAMINA_INLINE named_state RMSprop::state() {
  named_state s{{"square_avg", square_avg()}};
  if (momentum_buffer_.size()) s.emplace_back("momentum_buffer", momentum_buffer());
  if (options_.centered) s.emplace_back("grad_avg", grad_avg());
  return s;
}

}  // namespace lamina::optim
