#pragma once
// Definitions for trainer.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "trainer.hpp"

namespace lamina::train {

LAMINA_INLINE metric accuracy() {
  return {"accuracy", [](ConstTensorView out, const batch_target& t) { return double(metrics::correct(out, t.labels)); }};
}

LAMINA_INLINE metric psnr(double data_range) {
  return {"psnr", [data_range](ConstTensorView out, const batch_target& t) {
            // Each sample is one image, whatever its shape.
            const std::size_t n = out.shape[0];
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
  char values[128];
  std::snprintf(values, sizeof values, "loss %.4f", p.loss / p.samples);
  bar_.update(done, std::size_t(p.samples), values);
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

LAMINA_INLINE void trainer_base::begin_training(callback_context& ctx) {
  for (auto& c : callbacks_) c->on_train_begin(ctx);
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
  char buf[64];
  for (const auto& e : history_.epochs) {
    std::snprintf(buf, sizeof buf, "%zu %.17g %.17g", e.epoch, e.seconds, e.samples_per_second);
    s += buf;
    for (const auto& [k, v] : e.values) {
      std::snprintf(buf, sizeof buf, " %.17g", v);
      s += " " + k + "=" + std::string(buf + 1);
    }
    s += "\n";
  }
  return s;
}

LAMINA_INLINE history trainer_base::parse_history(const std::string& text, std::size_t epochs) {
  history h;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    epoch_record r;
    char* cursor = nullptr;
    r.epoch = std::strtoull(line.c_str(), &cursor, 10);
    r.seconds = std::strtod(cursor, &cursor);
    r.samples_per_second = std::strtod(cursor, &cursor);
    std::string rest = cursor;
    std::size_t p = 0;
    while ((p = rest.find_first_not_of(' ', p)) != std::string::npos) {
      const std::size_t q = std::min(rest.find(' ', p), rest.size());
      const std::string kv = rest.substr(p, q - p);
      const std::size_t eq = kv.find('=');
      if (eq != std::string::npos) r.values[kv.substr(0, eq)] = std::strtod(kv.c_str() + eq + 1, nullptr);
      p = q;
    }
    h.epochs.push_back(r);
  }
  // A checkpoint without history still resumes at the right epoch.
  while (h.epochs.size() < epochs) h.epochs.push_back({h.epochs.size() + 1, 0, 0, {}});
  return h;
}

}  // namespace lamina::train
