#pragma once
// The learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training Neural
// Networks", section 3.3), as torch-lr-finder's LRFinder.range_test runs it: train for num_iter
// batches while the lr grows from start_lr to end_lr (exponentially, or linearly), record the
// smoothed loss, stop once it exceeds diverge_threshold times the best, then put the model and
// the optimizer back as they were.
//   auto r = lm::train::find_lr(model, loader, lm::loss::CrossEntropy{}, opt);
//   lm::viz::save_svg("lr_range.svg", r.plot());
//   opt.set_lr(r.suggested_lr);      // steepest descent of the loss; a starting point, not an oracle
// Iteration i trains with lr_i = start_lr * (end_lr / start_lr)^(i / (num_iter - 1)) (linear:
// start_lr + (end_lr - start_lr) * i / (num_iter - 1)); losses after the first are smoothed,
// loss_i = smoothing * raw_i + (1 - smoothing) * loss_(i-1).
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../core/rng.hpp"
#include "../core/tensor.hpp"
#include "../optim/concepts.hpp"
#include "../viz/plot.hpp"
#include "step.hpp"

namespace lamina::train {

/// find_lr's options, as torch-lr-finder's range_test arguments.
struct lr_finder_options {
  /// The range of learning rates tried.
  ///@{
  double start_lr = 1e-7, end_lr = 10;
  ///@}
  std::size_t num_iter = 100;       ///< batches; the loader's epochs repeat when it has fewer
  bool exponential = true;          ///< false: linear steps
  double smoothing = 0.05;          ///< torch-lr-finder's smooth_f; 0 keeps the raw losses
  double diverge_threshold = 5;     ///< stop once the loss exceeds this times the best
  /// Points left out of the suggestion, at the start and at the end.
  ///@{
  std::size_t skip_start = 10, skip_end = 5;
  ///@}
};

/// What find_lr measured: the loss at each learning rate tried, and a suggestion.
struct lr_finder_result {
  /// Per iteration run: the lr used and the (smoothed) loss.
  ///@{
  std::vector<double> lrs, losses;
  ///@}
  bool diverged = false;            ///< stopped at diverge_threshold
  double suggested_lr = NAN;        ///< steepest (most negative) loss gradient; NaN with too few points
  double min_loss_lr = NAN;         ///< where the smoothed loss is lowest
  /// The loss against the lr (log axis when exponential), the suggestion marked.
  LAMINA_INLINE viz::plot plot() const;
};

namespace detail {
LAMINA_INLINE void check_lr_finder_options(const lr_finder_options& o);
LAMINA_INLINE double lr_at(const lr_finder_options& o, std::size_t i);
// Adds the iteration's raw loss; returns false when the run must stop (diverged).
LAMINA_INLINE bool record_lr_finder_loss(lr_finder_result& r, const lr_finder_options& o, double lr, double loss,
                                         double& best);
LAMINA_INLINE void suggest_lr(lr_finder_result& r, const lr_finder_options& o);
}  // namespace detail

/// The learning-rate range test (Smith 2017; torch-lr-finder): trains with a learning rate
/// growing from start_lr to end_lr and records the loss. Runs on `model` with `optimizer`
/// (built for it) and `loss`, batches from `loader`; the model's parameters and buffers, and the
/// optimizer's lr, state and step count, are restored afterwards, also when it throws.
template <class Model, class Loader, class Loss, class Optimizer>
lr_finder_result find_lr(Model& model, Loader& loader, const Loss& loss, Optimizer& optimizer,
                         const lr_finder_options& options = {}) {
  static_assert(optim::detail::require_checkpoint_optimizer<Optimizer>());
  detail::check_lr_finder_options(options);
  optim::require_built_for(optimizer, model, "train::find_lr");
  if (loader.batches() == 0) throw std::invalid_argument("lamina::train::find_lr: the loader has no batches");

  // What is put back: host copies of the model's and the optimizer's memory, the counters and
  // the model's random generator (dropout).
  const Tensor params = model.to_host(model.parameters()), state = model.to_host(model.state());
  std::vector<Tensor> opt_state;
  for (auto& [name, view] : optimizer.state()) opt_state.push_back(model.to_host(view));
  const double lr0 = optimizer.lr();
  const std::size_t steps0 = optimizer.steps();
  const bool was_training = model.is_training();
  const rng gen0 = model.generator();
  auto restore = [&] {
    model.from_host({params.data(), params.size()}, model.parameters());
    model.from_host({state.data(), state.size()}, model.state());
    std::size_t i = 0;
    for (auto& [name, view] : optimizer.state()) model.from_host({opt_state[i].data(), opt_state[i].size()}, view), ++i;
    optimizer.set_lr(lr0);
    optimizer.set_steps(steps0);
    model.generator() = gen0;
    model.train(was_training);
  };

  lr_finder_result r;
  try {
    double best = 0;
    std::size_t epoch = 0, b = loader.batches();
    for (std::size_t i = 0; i < options.num_iter; ++i) {
      if (b == loader.batches()) loader.start_epoch(++epoch), b = 0;
      const auto batch = loader.batch(b++);
      const double lr = detail::lr_at(options, i);
      optimizer.set_lr(lr);
      float l;
      if constexpr (requires { batch.labels; }) l = step(model, batch.x, batch.size, batch.labels, loss, optimizer);
      else l = step(model, batch.x, batch.size, batch.targets, loss, optimizer);
      if (!detail::record_lr_finder_loss(r, options, lr, double(l), best)) break;
    }
  } catch (...) {
    try {
      restore();
    } catch (...) {  // the first error is the one to report
    }
    throw;
  }
  restore();
  detail::suggest_lr(r, options);
  return r;
}

}  // namespace lamina::train

#ifndef LAMINA_COMPILED_LIB
#include "lr_finder-inl.hpp"
#endif
