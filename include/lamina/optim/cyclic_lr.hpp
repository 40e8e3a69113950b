#pragma once
// CyclicLR with torch.optim.lr_scheduler.CyclicLR's semantics (Smith 2017, "Cyclical Learning
// Rates"): lr goes linearly from base_lr up to max_lr over step_size_up steps and back down over
// step_size_down, again and again; the height of each cycle is scaled by the mode:
//   triangular   the same every cycle,
//   triangular2  halved every cycle,
//   exp_range    gamma^step (scaled per step, not per cycle),
// or by a function of your own (scale_fn, per cycle or per step). Stepped once per batch. Like
// PyTorch, it overwrites the optimizer's lr with base_lr when built, and with cycle_momentum (the
// default) it cycles the momentum (or beta1) inversely, from max_momentum down to base_momentum.
//   lm::optim::SGD opt(model, {.lr = 0.01f, .momentum = 0.9f});
//   lm::optim::CyclicLR sched(opt, {.base_lr = 1e-3, .max_lr = 0.1, .step_size_up = 4 * loader.batches()});
#include <cstddef>
#include <functional>

#include "../core/config.hpp"
#include "lr_scheduler.hpp"

namespace lamina::optim {

/// How CyclicLR scales the height of each cycle (PyTorch's mode): the same every cycle, halved
/// every cycle, or gamma^step.
enum class cyclic_mode { triangular, triangular2, exp_range };
/// What CyclicLR's scale_fn is a function of (PyTorch's scale_mode): the cycle or the step.
enum class cyclic_scale { cycle, iterations };

/// CyclicLR's options: torch's CyclicLR arguments and defaults.
struct cyclic_lr_options {
  double base_lr = 0.0;  ///< required, > 0: the lower end of the cycle
  double max_lr = 0.0;   ///< required, >= base_lr
  std::size_t step_size_up = 2000;  ///< steps from base_lr up to max_lr
  std::size_t step_size_down = 0;   ///< 0: the same as step_size_up
  cyclic_mode mode = cyclic_mode::triangular;  ///< the scale of each cycle's height
  double gamma = 1.0;  ///< exp_range's factor per step
  std::function<double(double)> scale_fn;  ///< replaces the mode's scale when given
  cyclic_scale scale_mode = cyclic_scale::cycle;  ///< scale_fn's argument: the cycle (from 1) or the step
  bool cycle_momentum = true;  ///< cycle the momentum (or beta1) inversely to the lr
  double base_momentum = 0.8;  ///< the momentum at max_lr
  double max_momentum = 0.9;   ///< the momentum at base_lr
};

/// Cyclical learning rates (Smith 2017), as torch.optim.lr_scheduler.CyclicLR: lr goes
/// linearly between base_lr and max_lr and back, again and again, stepped once per batch; the
/// momentum (or beta1) cycles inversely.
class CyclicLR : public detail::scheduler_base {
 public:
  /// Schedules opt's learning rate (opt must outlive the scheduler) and sets epoch 0's lr.
  template <LrOptimizer O>
  CyclicLR(O& opt, cyclic_lr_options options) : scheduler_base(opt, "CyclicLR"), options_(std::move(options)) {
    const auto& o = options_;
    require(o.base_lr > 0, "base_lr", "> 0", o.base_lr);
    require(o.max_lr >= o.base_lr, "max_lr", ">= base_lr", o.max_lr);
    require(o.step_size_up >= 1, "step_size_up", ">= 1", double(o.step_size_up));
    require(o.gamma > 0, "gamma", "> 0", o.gamma);
    if (o.cycle_momentum && opt_.kind() == detail::optimizer_ref::momentum_kind::none)
      throw std::invalid_argument(
          "lamina::optim::CyclicLR: cycle_momentum needs an optimizer with momentum()/set_momentum() or "
          "beta1()/set_beta1(); set .cycle_momentum = false");
    base_lr_ = o.base_lr;  // PyTorch overwrites the group's lr and initial_lr
    update();
  }

  /// Advances one epoch and sets the optimizer's lr, as PyTorch's scheduler.step().
  void step();
  /// Back to step 0 and its lr and momentum (what SequentialLR does at a milestone).
  void restart() {
    last_epoch_ = 0;
    update();
  }
  /// The momentum (or beta1) set by the last step; 0 without cycle_momentum.
  double last_momentum() const { return last_momentum_; }
  /// The options.
  const cyclic_lr_options& options() const { return options_; }
  /// The counters by name (last_epoch, last_lr, ...), for checkpoints.
  scheduler_state state() const { return base_state(); }
  /// Restores the counters; lr and momentum follow from the step count.
  void load_state(const scheduler_state& s);

 private:
  void update();
  cyclic_lr_options options_;
  double last_momentum_ = 0;
};

}  // namespace lamina::optim

#ifndef LAMINA_COMPILED_LIB
#include "cyclic_lr-inl.hpp"
#endif
