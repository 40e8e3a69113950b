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

enum class plateau_mode { min, max };     // the metric should go down (a loss) or up (an accuracy)
enum class plateau_threshold { rel, abs };  // improvement measured relative to best, or absolute

struct reduce_lr_on_plateau_options {
  plateau_mode mode = plateau_mode::min;
  double factor = 0.1;
  std::size_t patience = 10;
  double threshold = 1e-4;
  plateau_threshold threshold_mode = plateau_threshold::rel;
  std::size_t cooldown = 0;
  double min_lr = 0.0;
  double eps = 1e-8;
};

class ReduceLROnPlateau : public detail::scheduler_base {
 public:
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

  void step(double metric);

  double best() const { return best_; }
  std::size_t num_bad_epochs() const { return num_bad_epochs_; }
  std::size_t cooldown_counter() const { return cooldown_counter_; }
  bool in_cooldown() const { return cooldown_counter_ > 0; }
  const reduce_lr_on_plateau_options& options() const { return options_; }

  scheduler_state state() const;
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
