#pragma once
// Definitions for lr_finder.hpp (compiled into lamina::compiled, else inline).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "lr_finder.hpp"

namespace lamina::train {

namespace detail {
LAMINA_INLINE void check_lr_finder_options(const lr_finder_options& o) {
  auto fail = [](const std::string& what) {
    throw std::invalid_argument("lamina::train::find_lr: lr_finder_options::" + what);
  };
  if (!(o.start_lr > 0 && std::isfinite(o.start_lr)))
    fail("start_lr must be > 0 and finite, got " + std::to_string(o.start_lr));
  if (!(o.end_lr > o.start_lr && std::isfinite(o.end_lr)))
    fail("end_lr must be finite and above start_lr (" + std::to_string(o.start_lr) + "), got " + std::to_string(o.end_lr));
  if (o.num_iter < 2) fail("num_iter must be at least 2, got " + std::to_string(o.num_iter));
  if (!(o.smoothing >= 0 && o.smoothing < 1)) fail("smoothing must be in [0, 1), got " + std::to_string(o.smoothing));
  if (!(o.diverge_threshold > 1)) fail("diverge_threshold must be > 1, got " + std::to_string(o.diverge_threshold));
}

LAMINA_INLINE double lr_at(const lr_finder_options& o, std::size_t i) {
  const double r = double(i) / double(o.num_iter - 1);
  return o.exponential ? o.start_lr * std::pow(o.end_lr / o.start_lr, r) : o.start_lr + r * (o.end_lr - o.start_lr);
}

LAMINA_INLINE bool record_lr_finder_loss(lr_finder_result& r, const lr_finder_options& o, double lr, double loss,
                                         double& best) {
  if (r.losses.empty()) {
    best = loss;
  } else {
    if (o.smoothing > 0) loss = o.smoothing * loss + (1 - o.smoothing) * r.losses.back();
    if (loss < best) best = loss;
  }
  r.lrs.push_back(lr);
  r.losses.push_back(loss);
  // A NaN or infinite loss has diverged too.
  r.diverged = !(loss <= o.diverge_threshold * best);
  return !r.diverged;
}

LAMINA_INLINE void suggest_lr(lr_finder_result& r, const lr_finder_options& o) {
  const std::size_t n = r.losses.size();
  std::size_t lo = 0;
  for (std::size_t i = 1; i < n; ++i)
    if (r.losses[i] < r.losses[lo]) lo = i;
  if (n) r.min_loss_lr = r.lrs[lo];
  // numpy.gradient over losses[skip_start : n - skip_end] (torch-lr-finder's suggestion).
  if (n < o.skip_start + o.skip_end + 2) return;
  const std::size_t first = o.skip_start, last = n - o.skip_end;  // [first, last)
  std::size_t steepest = first;
  double steepest_grad = INFINITY;
  for (std::size_t i = first; i < last; ++i) {
    const double g = i == first       ? r.losses[i + 1] - r.losses[i]
                     : i + 1 == last ? r.losses[i] - r.losses[i - 1]
                                     : 0.5 * (r.losses[i + 1] - r.losses[i - 1]);
    if (g < steepest_grad) steepest_grad = g, steepest = i;
  }
  r.suggested_lr = r.lrs[steepest];
}
}  // namespace detail

LAMINA_INLINE viz::plot lr_finder_result::plot() const {
  viz::plot p;
  p.title = "learning-rate range test";
  p.x.label = "learning rate";
  p.x.log = lrs.size() > 1 && lrs.back() / lrs.front() > 50;
  p.y.label = "loss (smoothed)";
  p.add(lrs, losses, "loss");
  if (std::isfinite(suggested_lr)) {
    const auto at = std::find(lrs.begin(), lrs.end(), suggested_lr) - lrs.begin();
    char label[48];
    std::snprintf(label, sizeof label, "steepest descent: lr %.3g", suggested_lr);
    auto& s = p.add(std::vector<double>{suggested_lr}, std::vector<double>{losses[std::size_t(at)]}, label);
    s.style.mark = viz::marker::circle;
    s.style.marker_size = 10;
  }
  return p;
}

}  // namespace lamina::train
