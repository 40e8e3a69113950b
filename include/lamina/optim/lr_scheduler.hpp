#pragma once
// Learning-rate schedulers with torch.optim.lr_scheduler's semantics: StepLR, MultiStepLR,
// ExponentialLR, LinearLR, PolynomialLR, LambdaLR, CosineAnnealingLR (with an optional linear
// warm-up, PyTorch's SequentialLR([LinearLR, CosineAnnealingLR])) and CosineAnnealingWarmRestarts.
// OneCycleLR, CyclicLR, ReduceLROnPlateau and the combinations (ChainedScheduler, SequentialLR) are
// in their own headers. Like PyTorch, a scheduler sets the optimizer's lr when it is built (epoch 0) and on
// every step(), using PyTorch's recursive ("chainable") forms in double, so the values match
// PyTorch's to rounding:
//   lm::optim::SGD opt(model, {.lr = 0.1f, .momentum = 0.9f});
//   lm::optim::StepLR sched(opt, {.step_size = 30, .gamma = 0.1});
//   for (epoch ...) { train(...); sched.step(); }
// A scheduler holds a reference to the optimizer (any LrOptimizer), which must outlive it.
// state() / load_state() give its counters as name/value pairs for checkpoints.
#include <cmath>
#include <cstddef>
#include <functional>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../core/config.hpp"
#include "concepts.hpp"

namespace lamina::optim {

/// A scheduler's counters by name (last_epoch, last_lr, ...), for checkpoints.
using scheduler_state = std::vector<std::pair<std::string, double>>;

namespace detail {

// A type-erased reference to an optimizer: its lr, and its momentum or beta1 when it has one.
class optimizer_ref {
 public:
  enum class momentum_kind { none, momentum, beta1 };

  template <LrOptimizer O>
  explicit optimizer_ref(O& o)
      : opt_(&o),
        get_lr_([](const void* p) { return double(static_cast<const O*>(p)->lr()); }),
        set_lr_([](void* p, double v) { static_cast<O*>(p)->set_lr(v); }) {
    if constexpr (Beta1Optimizer<O>) {  // PyTorch prefers "betas" over "momentum"
      kind_ = momentum_kind::beta1;
      get_mom_ = [](const void* p) { return double(static_cast<const O*>(p)->beta1()); };
      set_mom_ = [](void* p, double v) { static_cast<O*>(p)->set_beta1(v); };
    } else if constexpr (MomentumOptimizer<O>) {
      kind_ = momentum_kind::momentum;
      get_mom_ = [](const void* p) { return double(static_cast<const O*>(p)->momentum()); };
      set_mom_ = [](void* p, double v) { static_cast<O*>(p)->set_momentum(v); };
    }
  }
  double lr() const { return get_lr_(opt_); }
  void set_lr(double v) const { set_lr_(opt_, v); }
  momentum_kind kind() const { return kind_; }
  double momentum() const { return get_mom_ ? get_mom_(opt_) : 0.0; }
  void set_momentum(double v) const {
    if (set_mom_) set_mom_(opt_, v);
  }

 private:
  void* opt_;
  double (*get_lr_)(const void*);
  void (*set_lr_)(void*, double);
  double (*get_mom_)(const void*) = nullptr;
  void (*set_mom_)(void*, double) = nullptr;
  momentum_kind kind_ = momentum_kind::none;
};

// What every scheduler has: the optimizer, the epoch counter, base and last lr.
class scheduler_base {
 public:
  double last_lr() const { return last_lr_; }      // PyTorch's get_last_lr()[0]
  std::size_t last_epoch() const { return last_epoch_; }  // 0 after construction, +1 per step()
  double base_lr() const { return base_lr_; }      // PyTorch's initial_lr
  // The lr that epoch 0 starts from; SequentialLR gives every scheduler the first one's.
  void set_base_lr(double lr) { base_lr_ = lr; }
  // Back to epoch 0 and its lr (what SequentialLR does at a milestone): the base lr here; a
  // scheduler that starts elsewhere (LinearLR, LambdaLR, ...) has its own restart().
  void restart() {
    last_epoch_ = 0;
    apply(base_lr_);
  }

 protected:
  template <LrOptimizer O>
  scheduler_base(O& opt, const char* name) : opt_(opt), name_(name) {
    base_lr_ = last_lr_ = opt_.lr();
    applied_ = opt_.lr();
  }

  // PyTorch's group["lr"]: the double this scheduler last set, unless someone changed the
  // optimizer's lr since (an optimizer may keep it as a float, so compare what it reports).
  double current_lr() const;
  void apply(double lr);
  void require(bool ok, const char* option, const char* requirement, double value) const;

  scheduler_state base_state() const;
  double find(const scheduler_state& s, const char* key) const;
  // A counter entry: an integer in [0, 2^53], else an error naming the key.
  std::size_t find_count(const scheduler_state& s, const char* key) const;
  // Restores the common counters and sets the optimizer's lr to the restored last_lr.
  void load_base_state(const scheduler_state& s);

  optimizer_ref opt_;
  const char* name_;
  std::size_t last_epoch_ = 0;
  double base_lr_ = 0, last_lr_ = 0, applied_ = 0;
};

}  // namespace detail

// --- StepLR: lr * gamma every step_size epochs ----------------------------------------------------
/// StepLR's options: torch's StepLR(step_size, gamma).
struct step_lr_options {
  std::size_t step_size = 0;  ///< required, >= 1: epochs between decays
  double gamma = 0.1;         ///< the factor of each decay
};

/// lr * gamma every step_size epochs, as torch.optim.lr_scheduler.StepLR.
class StepLR : public detail::scheduler_base {
 public:
  /// Schedules opt's learning rate (opt must outlive the scheduler) and sets epoch 0's lr.
  template <LrOptimizer O>
  StepLR(O& opt, step_lr_options options) : scheduler_base(opt, "StepLR"), options_(options) {
    require(options.step_size >= 1, "step_size", ">= 1", double(options.step_size));
    restart();
  }
  /// Advances one epoch and sets the optimizer's lr, as PyTorch's scheduler.step().
  void step();
  /// The options.
  const step_lr_options& options() const { return options_; }
  /// The counters by name (last_epoch, last_lr, ...), for checkpoints.
  scheduler_state state() const { return base_state(); }
  /// Restores state() and sets the optimizer's lr to the restored last lr.
  void load_state(const scheduler_state& s) { load_base_state(s); }

 private:
  step_lr_options options_;
};

// --- MultiStepLR: lr * gamma at each milestone (a repeated milestone counts twice) ---------------
/// MultiStepLR's options: torch's MultiStepLR(milestones, gamma).
struct multi_step_lr_options {
  std::vector<std::size_t> milestones;  ///< the epochs at which lr decays
  double gamma = 0.1;                   ///< the factor of each decay
};

/// lr * gamma at each milestone (a repeated milestone counts twice), as
/// torch.optim.lr_scheduler.MultiStepLR.
class MultiStepLR : public detail::scheduler_base {
 public:
  /// Schedules opt's learning rate (opt must outlive the scheduler) and sets epoch 0's lr.
  template <LrOptimizer O>
  MultiStepLR(O& opt, multi_step_lr_options options)
      : scheduler_base(opt, "MultiStepLR"), options_(std::move(options)) {
    restart();
  }
  /// Advances one epoch and sets the optimizer's lr, as PyTorch's scheduler.step().
  void step();
  /// Back to epoch 0 and its lr (what SequentialLR does at a milestone).
  void restart() {
    last_epoch_ = 0;
    apply(at_epoch(base_lr_));
  }
  /// The options.
  const multi_step_lr_options& options() const { return options_; }
  /// The counters by name (last_epoch, last_lr, ...), for checkpoints.
  scheduler_state state() const { return base_state(); }
  /// Restores state() and sets the optimizer's lr to the restored last lr.
  void load_state(const scheduler_state& s) { load_base_state(s); }

 private:
  double at_epoch(double lr) const;
  multi_step_lr_options options_;
};

// --- ExponentialLR: lr * gamma every epoch --------------------------------------------------------
/// ExponentialLR's options: torch's ExponentialLR(gamma).
struct exponential_lr_options {
  double gamma = 0.0;  ///< required, > 0: the factor per epoch
};

/// lr * gamma every epoch, as torch.optim.lr_scheduler.ExponentialLR.
class ExponentialLR : public detail::scheduler_base {
 public:
  /// Schedules opt's learning rate (opt must outlive the scheduler) and sets epoch 0's lr.
  template <LrOptimizer O>
  ExponentialLR(O& opt, exponential_lr_options options) : scheduler_base(opt, "ExponentialLR"), options_(options) {
    require(options.gamma > 0, "gamma", "> 0", options.gamma);
    restart();
  }
  /// Advances one epoch and sets the optimizer's lr, as PyTorch's scheduler.step().
  void step();
  /// The options.
  const exponential_lr_options& options() const { return options_; }
  /// The counters by name (last_epoch, last_lr, ...), for checkpoints.
  scheduler_state state() const { return base_state(); }
  /// Restores state() and sets the optimizer's lr to the restored last lr.
  void load_state(const scheduler_state& s) { load_base_state(s); }

 private:
  exponential_lr_options options_;
};

// --- CosineAnnealingLR, optionally after a linear warm-up -----------------------------------------
// Without warm-up: torch's CosineAnnealingLR(T_max, eta_min): from the base lr down to eta_min
// over t_max epochs (and back up after, with period 2 * t_max, as PyTorch's does).
// With warmup_steps = W > 0, exactly torch's
//   SequentialLR(opt, [LinearLR(opt, start_factor=warmup_start_factor, end_factor=1.0, total_iters=W),
//                      CosineAnnealingLR(opt, T_max=t_max, eta_min=eta_min)], milestones=[W])
// lr goes linearly from base * warmup_start_factor (epoch 0) towards base, reaches base at epoch W,
// and then follows the cosine over the next t_max epochs: for a run of N epochs, t_max = N - W.
/// CosineAnnealingLR's options: torch's CosineAnnealingLR(T_max, eta_min), and an optional
/// linear warm-up before it.
struct cosine_annealing_lr_options {
  std::size_t t_max = 0;  ///< required, >= 1: epochs from the base lr down to eta_min
  double eta_min = 0.0;   ///< the lowest lr
  std::size_t warmup_steps = 0;  ///< epochs of linear warm-up first (0: none)
  double warmup_start_factor = 1.0 / 3;  ///< the warm-up's first lr over the base lr (LinearLR's default start_factor)
};

/// The cosine from the base lr down to eta_min over t_max epochs, as
/// torch.optim.lr_scheduler.CosineAnnealingLR, optionally after a linear warm-up (PyTorch's
/// SequentialLR of a LinearLR and a CosineAnnealingLR).
class CosineAnnealingLR : public detail::scheduler_base {
 public:
  /// Schedules opt's learning rate (opt must outlive the scheduler) and sets epoch 0's lr.
  template <LrOptimizer O>
  CosineAnnealingLR(O& opt, cosine_annealing_lr_options options)
      : scheduler_base(opt, "CosineAnnealingLR"), options_(options) {
    require(options.t_max >= 1, "t_max", ">= 1", double(options.t_max));
    require(options.warmup_start_factor > 0 && options.warmup_start_factor <= 1, "warmup_start_factor", "in (0, 1]",
            options.warmup_start_factor);
    restart();
  }

  /// Advances one epoch and sets the optimizer's lr, as PyTorch's scheduler.step().
  void step();
  /// Back to epoch 0 and its lr (what SequentialLR does at a milestone).
  void restart() {
    last_epoch_ = 0;
    apply(options_.warmup_steps > 0 ? base_lr_ * options_.warmup_start_factor : base_lr_);
  }

  /// The options.
  const cosine_annealing_lr_options& options() const { return options_; }
  /// The counters by name (last_epoch, last_lr, ...), for checkpoints.
  scheduler_state state() const { return base_state(); }
  /// Restores state() and sets the optimizer's lr to the restored last lr.
  void load_state(const scheduler_state& s) { load_base_state(s); }

 private:
  cosine_annealing_lr_options options_;
};

// --- LinearLR: lr * a factor going linearly from start_factor to end_factor --------------------
// Over total_iters epochs, then constant (torch's LinearLR; its defaults). Often the warm-up of a
// SequentialLR.
/// LinearLR's options: torch's LinearLR(start_factor, end_factor, total_iters) and its defaults.
struct linear_lr_options {
  double start_factor = 1.0 / 3;  ///< in (0, 1]: the factor at epoch 0
  double end_factor = 1.0;        ///< in [0, 1]: the factor from total_iters on
  std::size_t total_iters = 5;    ///< epochs from start_factor to end_factor
};

/// The base lr times a factor going linearly from start_factor to end_factor over total_iters
/// epochs, then constant, as torch.optim.lr_scheduler.LinearLR. Often the warm-up of a SequentialLR.
class LinearLR : public detail::scheduler_base {
 public:
  /// Schedules opt's learning rate (opt must outlive the scheduler) and sets epoch 0's lr.
  template <LrOptimizer O>
  LinearLR(O& opt, linear_lr_options options) : scheduler_base(opt, "LinearLR"), options_(options) {
    require(options.start_factor > 0 && options.start_factor <= 1, "start_factor", "in (0, 1]", options.start_factor);
    require(options.end_factor >= 0 && options.end_factor <= 1, "end_factor", "in [0, 1]", options.end_factor);
    restart();
  }
  /// Advances one epoch and sets the optimizer's lr, as PyTorch's scheduler.step().
  void step();
  /// Back to epoch 0 (what SequentialLR does at a milestone): lr = base lr * start_factor.
  void restart();
  /// The options.
  const linear_lr_options& options() const { return options_; }
  /// The counters by name (last_epoch, last_lr, ...), for checkpoints.
  scheduler_state state() const { return base_state(); }
  /// Restores state() and sets the optimizer's lr to the restored last lr.
  void load_state(const scheduler_state& s) { load_base_state(s); }

 private:
  linear_lr_options options_;
};

// --- PolynomialLR: lr * (1 - epoch / total_iters)^power, then 0 ---------------------------------
/// PolynomialLR's options: torch's PolynomialLR(total_iters, power).
struct polynomial_lr_options {
  std::size_t total_iters = 5;  ///< >= 1: epochs until lr reaches 0
  double power = 1.0;           ///< the polynomial's power
};

/// lr * (1 - epoch / total_iters)^power, then 0, as torch.optim.lr_scheduler.PolynomialLR.
class PolynomialLR : public detail::scheduler_base {
 public:
  /// Schedules opt's learning rate (opt must outlive the scheduler) and sets epoch 0's lr.
  template <LrOptimizer O>
  PolynomialLR(O& opt, polynomial_lr_options options) : scheduler_base(opt, "PolynomialLR"), options_(options) {
    require(options.total_iters >= 1, "total_iters", ">= 1", double(options.total_iters));
    restart();
  }
  /// Advances one epoch and sets the optimizer's lr, as PyTorch's scheduler.step().
  void step();
  /// The options.
  const polynomial_lr_options& options() const { return options_; }
  /// The counters by name (last_epoch, last_lr, ...), for checkpoints.
  scheduler_state state() const { return base_state(); }
  /// Restores state() and sets the optimizer's lr to the restored last lr.
  void load_state(const scheduler_state& s) { load_base_state(s); }

 private:
  polynomial_lr_options options_;
};

// --- LambdaLR: base lr * factor(epoch), for any schedule written as a function -----------------
//   lm::optim::LambdaLR sched(opt, {.factor = [](std::size_t epoch) { return 0.95 * epoch; }});
/// LambdaLR's options: torch's LambdaLR(lr_lambda).
struct lambda_lr_options {
  std::function<double(std::size_t epoch)> factor;  ///< required: the lr of an epoch over the base lr
};

/// base lr * factor(epoch), for any schedule written as a function, as
/// torch.optim.lr_scheduler.LambdaLR.
class LambdaLR : public detail::scheduler_base {
 public:
  /// Schedules opt's learning rate (opt must outlive the scheduler) and sets epoch 0's lr.
  template <LrOptimizer O>
  LambdaLR(O& opt, lambda_lr_options options) : scheduler_base(opt, "LambdaLR"), options_(std::move(options)) {
    if (!options_.factor)
      throw std::invalid_argument("lamina::optim::LambdaLR: .factor is required (a function of the epoch)");
    restart();
  }
  /// Advances one epoch and sets the optimizer's lr, as PyTorch's scheduler.step().
  void step();
  /// Back to epoch 0 (what SequentialLR does at a milestone): lr = base lr * factor(0).
  void restart();
  /// The options.
  const lambda_lr_options& options() const { return options_; }
  /// The counters by name (last_epoch, last_lr, ...), for checkpoints.
  scheduler_state state() const { return base_state(); }
  /// Restores state() and sets the optimizer's lr to the restored last lr.
  void load_state(const scheduler_state& s) { load_base_state(s); }

 private:
  lambda_lr_options options_;
};

// --- CosineAnnealingWarmRestarts: SGDR (Loshchilov & Hutter 2017) ------------------------------
// The cosine from the base lr down to eta_min over t_0 epochs, then a restart at the base lr with
// a period t_mult times as long (torch's CosineAnnealingWarmRestarts, stepped once per epoch).
/// CosineAnnealingWarmRestarts' options: torch's CosineAnnealingWarmRestarts(T_0, T_mult, eta_min).
struct cosine_annealing_warm_restarts_options {
  std::size_t t_0 = 0;     ///< required, >= 1: epochs of the first period
  std::size_t t_mult = 1;  ///< >= 1: each period's length over the one before
  double eta_min = 0.0;    ///< the lowest lr
};

/// SGDR (Loshchilov & Hutter 2017): the cosine from the base lr down to eta_min over t_0
/// epochs, then a restart at the base lr with a period t_mult times as long, as
/// torch.optim.lr_scheduler.CosineAnnealingWarmRestarts stepped once per epoch.
class CosineAnnealingWarmRestarts : public detail::scheduler_base {
 public:
  /// Schedules opt's learning rate (opt must outlive the scheduler) and sets epoch 0's lr.
  template <LrOptimizer O>
  CosineAnnealingWarmRestarts(O& opt, cosine_annealing_warm_restarts_options options)
      : scheduler_base(opt, "CosineAnnealingWarmRestarts"), options_(options) {
    require(options.t_0 >= 1, "t_0", ">= 1", double(options.t_0));
    require(options.t_mult >= 1, "t_mult", ">= 1", double(options.t_mult));
    restart();
  }
  /// Advances one epoch and sets the optimizer's lr, as PyTorch's scheduler.step().
  void step();
  /// Back to epoch 0 and the first period (what SequentialLR does at a milestone).
  void restart();
  /// Epochs since the last restart (PyTorch's T_cur).
  std::size_t t_cur() const { return t_cur_; }
  /// The length of the current period (PyTorch's T_i).
  std::size_t t_i() const { return t_i_; }
  /// The options.
  const cosine_annealing_warm_restarts_options& options() const { return options_; }
  /// The counters by name (last_epoch, last_lr, ...), for checkpoints.
  scheduler_state state() const;
  /// Restores state() and sets the optimizer's lr to the restored last lr.
  void load_state(const scheduler_state& s);

 private:
  void update();
  cosine_annealing_warm_restarts_options options_;
  std::size_t t_cur_ = 0, t_i_ = 0;
};

}  // namespace lamina::optim

#ifndef LAMINA_COMPILED_LIB
#include "lr_scheduler-inl.hpp"
#endif
