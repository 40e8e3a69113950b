#pragma once
// Definitions for adam.hpp (in lamina::compiled, explicitly instantiated for Adam and AdamW;
// otherwise implicitly, as any template).
#include <cmath>
#include <cstddef>

#include "adam.hpp"

namespace lamina::optim {

template <bool Decoupled>
void basic_adam<Decoupled>::step() {
  ++steps_;
  const auto& o = options_;
  const double t = double(steps_);
  const double bias_correction1 = 1 - std::pow(o.beta1, t);
  const double bias_correction2 = 1 - std::pow(o.beta2, t);
  // The scalars PyTorch hands to its float32 tensor ops, rounded to float as ATen does.
  const scalars s{
      .decay = float(1 - o.lr * o.weight_decay),
      .wd = float(o.weight_decay),
      .w1 = float(1 - o.beta1),
      .beta2 = float(o.beta2),
      .w2 = float(1 - o.beta2),
      .bc2_sqrt = float(std::sqrt(bias_correction2)),
      .eps = float(o.eps),
      .neg_step = float(-(o.lr / bias_correction1)),
  };
  const bool wd = o.weight_decay != 0, small = std::abs(s.w1) < 0.5f;
  if (device_run_) return device_run_(*this, s, wd, small);
  if (o.amsgrad) {
    if (wd) small ? run<true, true, true>(s) : run<true, true, false>(s);
    else small ? run<true, false, true>(s) : run<true, false, false>(s);
  } else {
    if (wd) small ? run<false, true, true>(s) : run<false, true, false>(s);
    else small ? run<false, false, true>(s) : run<false, false, false>(s);
  }
}

template <bool Decoupled>
void basic_adam<Decoupled>::set_beta1(double beta1) {
  detail::require_option(beta1 >= 0 && beta1 < 1, name, "beta1", "in [0, 1)", beta1);
  options_.beta1 = beta1;
}

template <bool Decoupled>
named_state basic_adam<Decoupled>::state() {
  named_state s{{"exp_avg", exp_avg()}, {"exp_avg_sq", exp_avg_sq()}};
  if (options_.amsgrad) s.emplace_back("max_exp_avg_sq", max_exp_avg_sq());
  return s;
}

}  // namespace lamina::optim
