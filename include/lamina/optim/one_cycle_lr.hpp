#pragma once
// OneCycleLR with torch.optim.lr_scheduler.OneCycleLR's semantics (Smith's 1cycle policy, as in
// fastai): lr rises from max_lr / div_factor to max_lr over the first pct_start of total_steps,
// then anneals to max_lr / div_factor / final_div_factor; with three_phase, it comes back to the
// initial lr first, symmetrically, and only then anneals. Called once per batch: total_steps is
// the number of optimizer steps (epochs * batches per epoch), and step() may be called at most
// total_steps times (PyTorch raises after that too).
// With cycle_momentum (the default) it also cycles the momentum between max_momentum and
// base_momentum, inversely to the lr: the optimizer's beta1 if it has one (Adam, AdamW), else its
// momentum (SGD, RMSprop), as PyTorch does.
//   lm::optim::SGD opt(model, {.lr = 0.01f, .momentum = 0.9f});
//   lm::optim::OneCycleLR sched(opt, {.max_lr = 0.1, .total_steps = epochs * loader.batches()});
#include <cmath>
#include <cstddef>
#include <numbers>
#include <stdexcept>
#include <string>

#include "../core/config.hpp"
#include "lr_scheduler.hpp"

namespace lamina::optim {

/// How OneCycleLR goes from one lr to the next (PyTorch's anneal_strategy): by a cosine or linearly.
enum class annealing { cos, linear };

/// OneCycleLR's options: torch's OneCycleLR arguments and defaults.
struct one_cycle_lr_options {
  double max_lr = 0.0;    ///< required, > 0: the peak lr
  std::size_t total_steps = 0;  ///< required, >= 1: optimizer steps in the run
  double pct_start = 0.3;  ///< share of the steps spent rising to max_lr
  annealing anneal_strategy = annealing::cos;  ///< cosine or linear transitions
  bool cycle_momentum = true;   ///< cycle the momentum (or beta1) inversely to the lr
  double base_momentum = 0.85;  ///< the momentum at max_lr
  double max_momentum = 0.95;   ///< the momentum at the lowest lr
  double div_factor = 25.0;     ///< the first lr is max_lr / div_factor
  double final_div_factor = 1e4;  ///< the last lr is the first / final_div_factor
  bool three_phase = false;     ///< come back to the first lr before annealing (fastai's schedule)
};

/// Smith's 1cycle policy, as torch.optim.lr_scheduler.OneCycleLR: lr rises to max_lr over the
/// first pct_start of total_steps, then anneals far below its start, stepped once per batch;
/// the momentum (or beta1) cycles inversely.
class OneCycleLR : public detail::scheduler_base {
 public:
  /// Schedules opt's learning rate (opt must outlive the scheduler) and sets epoch 0's lr.
  template <LrOptimizer O>
  OneCycleLR(O& opt, one_cycle_lr_options options) : scheduler_base(opt, "OneCycleLR"), options_(options) {
    const auto& o = options;
    require(o.total_steps >= 1, "total_steps", ">= 1", double(o.total_steps));
    require(o.max_lr > 0, "max_lr", "> 0", o.max_lr);
    require(o.pct_start >= 0 && o.pct_start <= 1, "pct_start", "in [0, 1]", o.pct_start);
    require(o.div_factor > 0, "div_factor", "> 0", o.div_factor);
    require(o.final_div_factor > 0, "final_div_factor", "> 0", o.final_div_factor);
    if (o.cycle_momentum && opt_.kind() == detail::optimizer_ref::momentum_kind::none)
      throw std::invalid_argument(
          "lamina::optim::OneCycleLR: cycle_momentum needs an optimizer with momentum()/set_momentum() or "
          "beta1()/set_beta1(); set .cycle_momentum = false");
    initial_lr_ = o.max_lr / o.div_factor;
    min_lr_ = initial_lr_ / o.final_div_factor;
    base_lr_ = initial_lr_;  // PyTorch overwrites the group's initial_lr
    const double total = double(o.total_steps);
    if (o.three_phase) {
      phases_[0] = {double(o.pct_start * total) - 1, initial_lr_, o.max_lr, o.max_momentum, o.base_momentum};
      phases_[1] = {double(2 * o.pct_start * total) - 2, o.max_lr, initial_lr_, o.base_momentum, o.max_momentum};
      phases_[2] = {total - 1, initial_lr_, min_lr_, o.max_momentum, o.max_momentum};
      phase_count_ = 3;
    } else {
      phases_[0] = {double(o.pct_start * total) - 1, initial_lr_, o.max_lr, o.max_momentum, o.base_momentum};
      phases_[1] = {total - 1, o.max_lr, min_lr_, o.base_momentum, o.max_momentum};
      phase_count_ = 2;
    }
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
  const one_cycle_lr_options& options() const { return options_; }
  /// The counters by name (last_epoch, last_lr, ...), for checkpoints.
  scheduler_state state() const;
  /// Restores the counters and sets the optimizer's lr and momentum to the restored ones.
  void load_state(const scheduler_state& s);

 private:
  struct phase {
    double end_step, start_lr, end_lr, start_momentum, end_momentum;
  };

  double anneal(double start, double end, double pct) const;

  void update();

  one_cycle_lr_options options_;
  double initial_lr_ = 0, min_lr_ = 0, last_momentum_ = 0;
  phase phases_[3]{};
  int phase_count_ = 2;
};

}  // namespace lamina::optim

#ifndef LAMINA_COMPILED_LIB
#include "one_cycle_lr-inl.hpp"
#endif
