#pragma once
// Definitions for callbacks.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>
#include <stdexcept>
#include <string>

#include "callbacks.hpp"

namespace lamina::train {

namespace detail {
LAMINA_INLINE bool improves(double value, double best, goal g, double min_delta) {
  if (std::isnan(value)) return false;
  if (std::isnan(best)) return true;
  return g == goal::minimize ? value < best - min_delta : value > best + min_delta;
}
LAMINA_INLINE double value_of(const history& h, const std::string& monitor) {
  const double v = h.last().get(monitor);
  if (std::isnan(v) && !h.last().has(monitor)) {
    std::string names;
    for (const auto& n : h.columns()) names += (names.empty() ? "" : ", ") + n;
    throw std::invalid_argument("lamina::train: callback monitors '" + monitor +
                                "', which the training loop does not record; recorded: " + names);
  }
  return v;
}
}  // namespace detail

LAMINA_INLINE void EarlyStopping::on_epoch_end(const history& h, callback_context& ctx) {
  const double v = detail::value_of(h, o_.monitor);
  if (detail::improves(v, best_, o_.mode, o_.min_delta)) {
    best_ = v;
    best_epoch_ = h.last().epoch;
    waited_ = 0;
    if (o_.restore_best && ctx.remember) ctx.remember();
  } else if (++waited_ >= o_.patience) {
    ctx.stop = true;
    stopped_epoch_ = h.last().epoch;
  }
}
LAMINA_INLINE void EarlyStopping::on_train_end(const history&, callback_context& ctx) {
  if (o_.restore_best && best_epoch_ && ctx.restore) ctx.restore();
}

LAMINA_INLINE void KeepBest::on_epoch_end(const history& h, callback_context& ctx) {
  const double v = detail::value_of(h, o_.monitor);
  if (!detail::improves(v, best_, o_.mode, 0)) return;
  best_ = v;
  best_epoch_ = h.last().epoch;
  if (!o_.path.empty() && ctx.save) ctx.save(o_.path);
  if (ctx.remember) ctx.remember();
}
LAMINA_INLINE void KeepBest::on_train_end(const history&, callback_context& ctx) {
  if (o_.restore_at_end && best_epoch_ && ctx.restore) ctx.restore();
}

LAMINA_INLINE void CSVLogger::on_epoch_end(const history& h, callback_context&) { h.write_csv(path_); }

LAMINA_INLINE void LambdaCallback::on_epoch_end(const history& h, callback_context& ctx) { f_(h, ctx); }

}  // namespace lamina::train
