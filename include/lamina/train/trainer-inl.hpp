#pragma once
// Definitions for trainer.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "trainer.hpp"

namespace lamina::train {

LAMINA_INLINE metric accuracy() {
  return {"accuracy", [](ConstTensorView out, const batch_target& t) { return double(metrics::correct(out, t.labels)); }};
}

LAMINA_INLINE metric psnr(double data_range) {
  return {"psnr", [data_range](ConstTensorView out, const batch_target& t) {
            // Each sample is one image, whatever its shape.
            const std::size_t n = out.shape[0];
            if (n == 0) return 0.0;
            const dims flat = make_dims(n, 1, 1, out.size() / n);
            double s = 0;
            for (double v : metrics::psnr_per_image({out.data, flat}, {t.values.data, flat}, data_range)) s += v;
            return s;
          }};
}

LAMINA_INLINE trainer_base::pass_sums trainer_base::start_pass() const {
  pass_sums p;
  p.metrics.assign(metrics_.size(), 0.0);
  return p;
}

LAMINA_INLINE void trainer_base::add_batch(pass_sums& p, double loss, std::size_t size, ConstTensorView out,
                                           const batch_target& t) const {
  for (std::size_t m = 0; m < metrics_.size(); ++m) p.metrics[m] += metrics_[m].batch_sum(out, t);
  p.loss += loss * double(size);
  p.samples += double(size);
}

LAMINA_INLINE void trainer_base::start_epoch(std::size_t epoch, std::size_t epochs, std::size_t steps) {
  bar_.start("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs), steps);
  epoch_start_ = std::chrono::steady_clock::now();
}

LAMINA_INLINE void trainer_base::show_batch(const pass_sums& p, std::size_t done) {
  // The running loss and metrics of the pass so far, formatted on the stack: this runs every
  // batch, and a training step allocates nothing.
  char values[256];
  int n = std::snprintf(values, sizeof values, "loss %.4f", p.loss / p.samples);
  for (std::size_t m = 0; m < metrics_.size() && n < int(sizeof values); ++m)
    n += std::snprintf(values + n, sizeof values - std::size_t(n), " %s %.4g", metrics_[m].name.c_str(),
                       p.metrics[m] / p.samples);
  bar_.update(done, std::size_t(p.samples), std::string_view(values, std::min(std::size_t(n), sizeof values - 1)));
}

LAMINA_INLINE void trainer_base::start_evaluation(const std::string& label, std::size_t batches) {
  bar_.start(label, batches, /*plain_lines=*/false);
}

LAMINA_INLINE epoch_record trainer_base::epoch_result(const pass_sums& p, std::size_t epoch) const {
  epoch_record rec;
  rec.epoch = epoch;
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start_).count();
  rec.samples_per_second = rec.seconds > 0 ? p.samples / rec.seconds : 0;
  rec.values["loss"] = p.loss / p.samples;
  for (std::size_t m = 0; m < metrics_.size(); ++m) rec.values[metrics_[m].name] = p.metrics[m] / p.samples;
  return rec;
}

LAMINA_INLINE std::map<std::string, double> trainer_base::evaluation_result(const pass_sums& p) const {
  std::map<std::string, double> result{{"loss", p.loss / p.samples}};
  for (std::size_t m = 0; m < metrics_.size(); ++m) result[metrics_[m].name] = p.metrics[m] / p.samples;
  return result;
}

LAMINA_INLINE void trainer_base::end_epoch(epoch_record rec, std::size_t epochs, callback_context& ctx) {
  history_.epochs.push_back(std::move(rec));
  bar_.finish(summary(history_.last(), epochs));
  for (auto& f : epoch_hooks_) f(history_.last());
  for (auto& c : callbacks_) c->on_epoch_end(history_, ctx);
}

LAMINA_INLINE void trainer_base::end_batch(const batch_record& b, callback_context& ctx) {
  for (auto& c : callbacks_) c->on_batch_end(b, ctx);
}

LAMINA_INLINE void trainer_base::begin_training(callback_context& ctx) {
  const char* restorer = nullptr;
  for (const auto& c : callbacks_) {
    const char* r = c->restores_weights();
    if (!r) continue;
    if (restorer)
      throw std::invalid_argument(std::string("lamina::train::Trainer::fit: two callbacks restore weights at the end, ") +
                                  restorer + " and " + r +
                                  "; the second would overwrite the first. Keep one (EarlyStopping{.restore_best = "
                                  "false} stops early without restoring)");
    restorer = r;
  }
  warnings_ = 0;
  for (auto& c : callbacks_) c->on_train_begin(ctx);
}

LAMINA_INLINE void trainer_base::check_loader(const char* role, std::size_t batches, std::size_t sample_size,
                                              std::size_t input_size, const std::string& input_shape) {
  const std::string who = std::string("lamina::train::Trainer: the ") + role + " loader";
  if (sample_size && sample_size != input_size)
    throw std::invalid_argument(who + "'s samples have " + std::to_string(sample_size) + " floats each, but the model's input " +
                                input_shape + " has " + std::to_string(input_size));
  if (batches == 0) throw std::invalid_argument(who + " has no batches (no samples, or fewer than one batch with drop_last)");
}

LAMINA_INLINE void trainer_base::check_metric_name(const std::string& name) {
  if (name.empty() || name.find_first_of(" =\n\r\t,") != std::string::npos)
    throw std::invalid_argument("lamina::train::Trainer::add_metric: metric name \"" + name +
                                "\" must be non-empty, without spaces, '=' or ',' (it names a history column)");
}

LAMINA_INLINE void trainer_base::nonfinite(const char* quantity, double value, std::size_t epoch, std::size_t batch,
                                           std::size_t batches) {
  if (nonfinite_ == on_nonfinite::ignore) return;
  char what[160];
  if (std::string_view(quantity) == "loss")
    std::snprintf(what, sizeof what, "the loss is %g at epoch %zu, batch %zu of %zu", value, epoch, batch, batches);
  else
    std::snprintf(what, sizeof what, "the gradients hold NaN or infinite values at epoch %zu, batch %zu of %zu", epoch,
                  batch, batches);
  if (nonfinite_ == on_nonfinite::stop) {
    bar_.finish("");
    throw nonfinite_error(std::string("lamina::train::Trainer: ") + what +
                              "; training stopped before this batch's update. Lower the learning rate, check the "
                              "inputs, or find the first layer that produces it with lm::testing::find_nonfinite "
                              "(trainer_options::nonfinite = on_nonfinite::warn carries on)",
                          epoch, batch, quantity);
  }
  if (++warnings_ <= 10 && out_)
    std::fprintf(out_, "\nlamina: warning: %s%s\n", what, warnings_ == 10 ? " (further warnings not shown)" : "");
}

LAMINA_INLINE void trainer_base::end_training(callback_context& ctx) {
  for (auto& c : callbacks_) c->on_train_end(history_, ctx);
}

LAMINA_INLINE std::string trainer_base::summary(const epoch_record& r, std::size_t epochs) {
  std::string s = "epoch " + std::to_string(r.epoch) + "/" + std::to_string(epochs);
  char buf[96];
  for (const auto& [k, v] : r.values) {
    if (k == "lr") continue;
    std::snprintf(buf, sizeof buf, "  %s %.4f", k.c_str(), v);
    s += buf;
  }
  std::snprintf(buf, sizeof buf, "  lr %.3g  %.1f s  %.0f samples/s", r.get("lr"), r.seconds, r.samples_per_second);
  return s + buf;
}

LAMINA_INLINE std::string trainer_base::history_text() const {
  std::string s;
  for (const auto& e : history_.epochs) {
    s += std::to_string(e.epoch) + " " + detail::format_double(e.seconds) + " " + detail::format_double(e.samples_per_second);
    for (const auto& [k, v] : e.values) s += " " + k + "=" + detail::format_double(v);
    s += "\n";
  }
  return s;
}

LAMINA_INLINE history trainer_base::parse_history(const std::string& text, std::size_t epochs) {
  history h;
  std::size_t pos = 0;
  auto bad = [&](const std::string& what) {
    throw std::invalid_argument("line " + std::to_string(h.epochs.size() + 1) + ": " + what);
  };
  auto number = [&](const std::string& s) {
    double v = 0;
    if (!detail::parse_double(s, v)) bad("expected a number, got \"" + s + "\"");
    return v;
  };
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::vector<std::string> words;
    for (std::size_t p = pos; p < end;) {
      const std::size_t q = std::min(text.find(' ', p), end);
      if (q > p) words.push_back(text.substr(p, q - p));
      p = q + 1;
    }
    pos = end + 1;
    if (h.epochs.size() == epochs) bad("more epochs than the checkpoint's " + std::to_string(epochs));
    if (words.size() < 3) bad("expected \"epoch seconds samples_per_second name=value ...\"");
    epoch_record r;
    r.epoch = h.epochs.size() + 1;
    if (words[0] != std::to_string(r.epoch)) bad("expected epoch " + std::to_string(r.epoch) + ", got \"" + words[0] + "\"");
    r.seconds = number(words[1]);
    r.samples_per_second = number(words[2]);
    for (std::size_t w = 3; w < words.size(); ++w) {
      const std::size_t eq = words[w].find('=');
      if (eq == 0 || eq == std::string::npos) bad("expected name=value, got \"" + words[w] + "\"");
      r.values[words[w].substr(0, eq)] = number(words[w].substr(eq + 1));
    }
    h.epochs.push_back(std::move(r));
  }
  // A checkpoint without history still resumes at the right epoch.
  if (h.epochs.empty())
    for (std::size_t e = 1; e <= epochs; ++e) h.epochs.push_back({e, 0, 0, {}});
  if (h.epochs.size() != epochs)
    throw std::invalid_argument("the history has " + std::to_string(h.epochs.size()) + " epochs, expected " +
                                std::to_string(epochs) + " (the checkpoint's epoch)");
  return h;
}

}  // namespace lamina::train
