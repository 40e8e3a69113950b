#pragma once
// ReduceLROnPlateau with torch.optim.lr_scheduler.ReduceLROnPlateau's semantics: step(metric)
// once per evaluation; when the metric has not improved (by threshold, relative or absolute) for
// more than patience steps, lr = max(lr * factor, min_lr) (skipped when that changes lr by no
// more than eps), then cooldown steps during which bad epochs are not counted.
//   lm::optim::ReduceLROnPlateau sched(opt, {.factor = 0.5, .patience = 3});
//   for (epoch ...) { train(...); sched.step(validation_loss); }
#include <algorithm>
#include <cstddef>
#include <limits>

#include "../core/config.hpp"
#include "lr_scheduler.hpp"

namespace lamina::optim {

/// Whether the metric should go down (a loss) or up (an accuracy).
enum class plateau_mode { min, max };
/// Whether an improvement is measured relative to the best value, or absolute.
enum class plateau_threshold { rel, abs };

/// ReduceLROnPlateau's options: torch's ReduceLROnPlateau arguments and defaults.
struct reduce_lr_on_plateau_options {
  plateau_mode mode = plateau_mode::min;  ///< whether lower or higher metrics are better
  double factor = 0.1;        ///< the lr's factor at each reduction, in [0, 1)
  std::size_t patience = 10;  ///< steps without improvement tolerated before a reduction
  double threshold = 1e-4;    ///< the least change that counts as an improvement
  plateau_threshold threshold_mode = plateau_threshold::rel;  ///< threshold relative or absolute
  std::size_t cooldown = 0;   ///< steps after a reduction during which bad epochs are not counted
  double min_lr = 0.0;        ///< the lr never goes below it
  double eps = 1e-8;          ///< a reduction smaller than this is skipped
};

/// Reduces the lr by factor when a metric stops improving, as
/// torch.optim.lr_scheduler.ReduceLROnPlateau: step(metric) once per evaluation.
class ReduceLROnPlateau : public detail::scheduler_base {
 public:
  /// Watches a metric for opt's learning rate (opt must outlive the scheduler).
  template <LrOptimizer O>
  ReduceLROnPlateau(O& opt, reduce_lr_on_plateau_options options = {})
      : scheduler_base(opt, "ReduceLROnPlateau"), options_(options) {
    const auto& o = options;
    require(o.factor >= 0 && o.factor < 1, "factor", "in [0, 1)", o.factor);
    require(o.threshold >= 0, "threshold", ">= 0", o.threshold);
    require(o.min_lr >= 0, "min_lr", ">= 0", o.min_lr);
    require(o.eps >= 0, "eps", ">= 0", o.eps);
    best_ = worst();
  }

  /// Counts an evaluation's metric and reduces the lr after more than patience bad ones.
  void step(double metric);

  /// The best metric so far.
  double best() const { return best_; }
  /// Steps since the last improvement (outside cooldowns).
  std::size_t num_bad_epochs() const { return num_bad_epochs_; }
  /// Steps of cooldown left.
  std::size_t cooldown_counter() const { return cooldown_counter_; }
  /// Whether a cooldown is running.
  bool in_cooldown() const { return cooldown_counter_ > 0; }
  /// The options.
  const reduce_lr_on_plateau_options& options() const { return options_; }

  /// The counters by name (best, num_bad_epochs, ...), for checkpoints.
  scheduler_state state() const;
  /// Restores state() and sets the optimizer's lr to the restored last lr.
  void load_state(const scheduler_state& s);

 private:
  double worst() const;
  bool is_better(double a, double best) const;

  reduce_lr_on_plateau_options options_;
  double best_ = 0;
  std::size_t num_bad_epochs_ = 0, cooldown_counter_ = 0;
};

}  // namespace lamina::optim

#ifndef LAMINA_COMPILED_LIB
#include "reduce_lr_on_plateau-inl.hpp"
#endif
