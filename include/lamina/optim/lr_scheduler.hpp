#pragma once
// Learning-rate schedulers with torch.optim.lr_scheduler's semantics: StepLR, MultiStepLR,
// ExponentialLR, CosineAnnealingLR (with an optional linear warm-up, PyTorch's
// SequentialLR([LinearLR, CosineAnnealingLR])). OneCycleLR and ReduceLROnPlateau are in their own
// headers. Like PyTorch, a scheduler sets the optimizer's lr when it is built (epoch 0) and on
// every step(), using PyTorch's recursive ("chainable") forms in double, so the values match
// PyTorch's to rounding:
//   lm::optim::SGD opt(model, {.lr = 0.1f, .momentum = 0.9f});
//   lm::optim::StepLR sched(opt, {.step_size = 30, .gamma = 0.1});
//   for (epoch ...) { train(...); sched.step(); }
// A scheduler holds a reference to the optimizer (any LrOptimizer), which must outlive it.
// state() / load_state() give its counters as name/value pairs for checkpoints.
#include <cmath>
#include <cstddef>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../core/config.hpp"
#include "concepts.hpp"

namespace lamina::optim {

// A scheduler's counters by name (last_epoch, last_lr, ...), for checkpoints.
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
struct step_lr_options {
  std::size_t step_size = 0;  // required, >= 1
  double gamma = 0.1;
};

class StepLR : public detail::scheduler_base {
 public:
  template <LrOptimizer O>
  StepLR(O& opt, step_lr_options options) : scheduler_base(opt, "StepLR"), options_(options) {
    require(options.step_size >= 1, "step_size", ">= 1", double(options.step_size));
    apply(base_lr_);
  }
  void step();
  const step_lr_options& options() const { return options_; }
  scheduler_state state() const { return base_state(); }
  void load_state(const scheduler_state& s) { load_base_state(s); }

 private:
  step_lr_options options_;
};

// --- MultiStepLR: lr * gamma at each milestone (a repeated milestone counts twice) ---------------
struct multi_step_lr_options {
  std::vector<std::size_t> milestones;
  double gamma = 0.1;
};

class MultiStepLR : public detail::scheduler_base {
 public:
  template <LrOptimizer O>
  MultiStepLR(O& opt, multi_step_lr_options options)
      : scheduler_base(opt, "MultiStepLR"), options_(std::move(options)) {
    apply(at_epoch(base_lr_));
  }
  void step();
  const multi_step_lr_options& options() const { return options_; }
  scheduler_state state() const { return base_state(); }
  void load_state(const scheduler_state& s) { load_base_state(s); }

 private:
  double at_epoch(double lr) const;
  multi_step_lr_options options_;
};

// --- ExponentialLR: lr * gamma every epoch --------------------------------------------------------
struct exponential_lr_options {
  double gamma = 0.0;  // required
};

class ExponentialLR : public detail::scheduler_base {
 public:
  template <LrOptimizer O>
  ExponentialLR(O& opt, exponential_lr_options options) : scheduler_base(opt, "ExponentialLR"), options_(options) {
    require(options.gamma > 0, "gamma", "> 0", options.gamma);
    apply(base_lr_);
  }
  void step();
  const exponential_lr_options& options() const { return options_; }
  scheduler_state state() const { return base_state(); }
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
struct cosine_annealing_lr_options {
  std::size_t t_max = 0;  // required, >= 1
  double eta_min = 0.0;
  std::size_t warmup_steps = 0;
  double warmup_start_factor = 1.0 / 3;  // LinearLR's default start_factor
};

class CosineAnnealingLR : public detail::scheduler_base {
 public:
  template <LrOptimizer O>
  CosineAnnealingLR(O& opt, cosine_annealing_lr_options options)
      : scheduler_base(opt, "CosineAnnealingLR"), options_(options) {
    require(options.t_max >= 1, "t_max", ">= 1", double(options.t_max));
    require(options.warmup_start_factor > 0 && options.warmup_start_factor <= 1, "warmup_start_factor", "in (0, 1]",
            options.warmup_start_factor);
    apply(options.warmup_steps > 0 ? base_lr_ * options.warmup_start_factor : base_lr_);
  }

  void step();

  const cosine_annealing_lr_options& options() const { return options_; }
  scheduler_state state() const { return base_state(); }
  void load_state(const scheduler_state& s) { load_base_state(s); }

 private:
  cosine_annealing_lr_options options_;
};

}  // namespace lamina::optim

#ifndef LAMINA_COMPILED_LIB
#include "lr_scheduler-inl.hpp"
#endif
