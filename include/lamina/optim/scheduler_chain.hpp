#pragma once
// Schedulers combined, with torch.optim.lr_scheduler's semantics:
//   ChainedScheduler  every scheduler steps, in order, each from the lr the one before set, so
//                     their factors multiply (a warm-up times a decay);
//   SequentialLR      one scheduler after the other, switching at the milestones; each starts at
//                     its epoch 0 from the first scheduler's base lr.
//   lm::optim::LinearLR warmup(opt, {.start_factor = 0.1, .total_iters = 5});
//   lm::optim::ExponentialLR decay(opt, {.gamma = 0.9});
//   lm::optim::SequentialLR sched({warmup, decay}, {.milestones = {5}});
// Both refer to the schedulers, which must outlive them; build the schedulers in the order you
// list them (the first records the optimizer's lr as the base lr, PyTorch's initial_lr). state()
// holds each scheduler's counters under "<i>.", for checkpoints.
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "lr_scheduler.hpp"

namespace lamina::optim {

namespace detail {

// A type-erased reference to a scheduler of this folder.
class scheduler_ref {
 public:
  template <class S>
    requires requires(S& s, const S& c, const scheduler_state& st) {
      s.step();
      s.restart();
      s.set_base_lr(1.0);
      c.base_lr();
      c.last_lr();
      c.state();
      s.load_state(st);
    }
  scheduler_ref(S& s)  // NOLINT(google-explicit-constructor): {a, b} lists read best
      : p_(&s),
        step_([](void* p) { static_cast<S*>(p)->step(); }),
        restart_([](void* p) { static_cast<S*>(p)->restart(); }),
        set_base_([](void* p, double lr) { static_cast<S*>(p)->set_base_lr(lr); }),
        base_([](const void* p) { return static_cast<const S*>(p)->base_lr(); }),
        last_([](const void* p) { return static_cast<const S*>(p)->last_lr(); }),
        state_([](const void* p) { return static_cast<const S*>(p)->state(); }),
        load_([](void* p, const scheduler_state& s) { static_cast<S*>(p)->load_state(s); }) {}
  void step() const { step_(p_); }
  void restart() const { restart_(p_); }
  void set_base_lr(double lr) const { set_base_(p_, lr); }
  double base_lr() const { return base_(p_); }
  double last_lr() const { return last_(p_); }
  scheduler_state state() const { return state_(p_); }
  void load_state(const scheduler_state& s) const { load_(p_, s); }

 private:
  void* p_;
  void (*step_)(void*);
  void (*restart_)(void*);
  void (*set_base_)(void*, double);
  double (*base_)(const void*);
  double (*last_)(const void*);
  scheduler_state (*state_)(const void*);
  void (*load_)(void*, const scheduler_state&);
};

// "<i>.<key>" entries of every scheduler after the combination's own last_epoch.
LAMINA_INLINE scheduler_state combined_state(std::size_t last_epoch, const std::vector<scheduler_ref>& list);
// Checks the whole state first, then restores each scheduler; returns last_epoch.
LAMINA_INLINE std::size_t load_combined_state(const char* who, const scheduler_state& s,
                                              const std::vector<scheduler_ref>& list);

}  // namespace detail

/// Every scheduler steps, in order, each from the lr the one before set, so that their factors
/// multiply (a warm-up times a decay), as torch.optim.lr_scheduler.ChainedScheduler.
class ChainedScheduler {
 public:
  /// Chains the schedulers (any of lamina's), which must outlive it.
  ChainedScheduler(std::initializer_list<detail::scheduler_ref> schedulers);
  /// Steps every scheduler, in order.
  void step();
  /// The optimizer's lr after the last step.
  double last_lr() const { return list_.back().last_lr(); }
  /// Steps taken.
  std::size_t last_epoch() const { return last_epoch_; }
  /// The counters of every scheduler, under `"<i>."`, for checkpoints.
  scheduler_state state() const { return detail::combined_state(last_epoch_, list_); }
  /// Restores state() (checked as a whole first).
  void load_state(const scheduler_state& s) { last_epoch_ = detail::load_combined_state("ChainedScheduler", s, list_); }

 private:
  std::vector<detail::scheduler_ref> list_;
  std::size_t last_epoch_ = 0;
};

/// SequentialLR's options: torch's SequentialLR(milestones).
struct sequential_lr_options {
  std::vector<std::size_t> milestones;  ///< one per scheduler after the first, increasing, >= 1
};

/// One scheduler after the other, switching at the milestones, as
/// torch.optim.lr_scheduler.SequentialLR; each starts at its epoch 0 from the first scheduler's
/// base lr.
class SequentialLR {
 public:
  /// Runs the schedulers (any of lamina's, which must outlive it) one after the other.
  SequentialLR(std::initializer_list<detail::scheduler_ref> schedulers, sequential_lr_options options);
  /// Steps the active scheduler, or restarts the next one at a milestone.
  void step();
  /// The lr the active scheduler set last.
  double last_lr() const { return list_[active_].last_lr(); }
  /// Steps taken.
  std::size_t last_epoch() const { return last_epoch_; }
  /// The options.
  const sequential_lr_options& options() const { return options_; }
  /// The counters of every scheduler, under `"<i>."`, for checkpoints.
  scheduler_state state() const { return detail::combined_state(last_epoch_, list_); }
  /// Restores state() (checked as a whole first).
  void load_state(const scheduler_state& s);

 private:
  std::size_t active_at(std::size_t epoch) const;
  std::vector<detail::scheduler_ref> list_;
  sequential_lr_options options_;
  std::size_t last_epoch_ = 0, active_ = 0;
};

}  // namespace lamina::optim

#ifndef LAMINA_COMPILED_LIB
#include "scheduler_chain-inl.hpp"
#endif
