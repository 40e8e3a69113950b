#pragma once
// The training loop users would otherwise write by hand: epochs over a loader, the loss and
// metrics per epoch on training and validation data, callbacks (early stopping, keep-best,
// CSV), a progress bar, and checkpoints to resume from.
//
//   lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, optimizer);
//   trainer.add_metric(lm::train::accuracy());
//   trainer.add_callback(std::make_shared<lm::train::EarlyStopping>(...));
//   const auto& h = trainer.fit(train_loader, 20, &val_loader);
//
// A loader has batches(), start_epoch(e) and batch(b) returning {x, size, labels} (class
// indices) or {x, size, targets} (a tensor view, for regression).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "../core/tensor.hpp"
#include "../metrics/accuracy.hpp"
#include "../metrics/psnr.hpp"
#include "callbacks.hpp"
#include "checkpoint.hpp"
#include "history.hpp"
#include "progress.hpp"

namespace lamina::train {

// The targets of a batch: class indices, or values shaped like the output.
struct batch_target {
  std::span<const std::int32_t> labels;
  ConstTensorView values;
};

// A metric summed over a batch (e.g. correct predictions); the epoch value is sum / samples.
struct metric {
  std::string name;
  std::function<double(ConstTensorView output, const batch_target&)> batch_sum;
};

inline metric accuracy() {
  return {"accuracy", [](ConstTensorView out, const batch_target& t) { return double(metrics::correct(out, t.labels)); }};
}
// Mean over images of each image's PSNR (the reports' convention), for regression outputs.
inline metric psnr(double data_range = 1.0) {
  return {"psnr", [data_range](ConstTensorView out, const batch_target& t) {
            // Each sample is one image, whatever its shape.
            const std::size_t n = out.shape[0];
            const dims flat = make_dims(n, 1, 1, out.size() / n);
            double s = 0;
            for (double v : metrics::psnr_per_image({out.data, flat}, {t.values.data, flat}, data_range)) s += v;
            return s;
          }};
}

struct trainer_options {
  progress_bar::style progress = progress_bar::style::automatic;
  std::FILE* out = stdout;
};

template <class Model, class Loss, class Optimizer>
class Trainer {
 public:
  Trainer(Model& model, Loss loss, Optimizer& optimizer, trainer_options options = {})
      : model_(model), loss_(std::move(loss)), optimizer_(optimizer), bar_(options.progress, options.out) {}

  Trainer& add_metric(metric m) {
    metrics_.push_back(std::move(m));
    return *this;
  }
  Trainer& add_callback(std::shared_ptr<callback> c) {
    callbacks_.push_back(std::move(c));
    return *this;
  }
  // Runs after each epoch's record is complete and before callbacks: e.g. a scheduler step.
  Trainer& on_epoch_end(std::function<void(const epoch_record&)> f) {
    epoch_hooks_.push_back(std::move(f));
    return *this;
  }

  // Trains until `epochs` epochs are recorded in total (so a resumed run continues where it
  // stopped), or a callback stops it.
  template <class TrainLoader, class ValLoader = TrainLoader>
  const history& fit(TrainLoader& train, std::size_t epochs, ValLoader* validation = nullptr) {
    callback_context ctx = context();
    for (auto& c : callbacks_) c->on_train_begin(ctx);
    for (std::size_t epoch = history_.epochs.size() + 1; epoch <= epochs && !ctx.stop; ++epoch) {
      epoch_record rec = run_epoch(train, epoch, epochs);
      if (validation)
        for (const auto& [k, v] : evaluate(*validation)) rec.values["val_" + k] = v;
      rec.values["lr"] = double(optimizer_.lr());
      history_.epochs.push_back(rec);
      bar_.finish(summary(rec, epochs));
      for (auto& f : epoch_hooks_) f(history_.last());
      for (auto& c : callbacks_) c->on_epoch_end(history_, ctx);
    }
    for (auto& c : callbacks_) c->on_train_end(history_, ctx);
    return history_;
  }

  // Loss and metrics over a whole loader, in evaluation mode; the model's mode is restored.
  template <class Loader>
  std::map<std::string, double> evaluate(Loader& loader) {
    const bool was_training = model_.is_training();
    model_.eval();
    double loss = 0, samples = 0;
    std::vector<double> sums(metrics_.size());
    loader.start_epoch(0);
    for (std::size_t b = 0; b < loader.batches(); ++b) {
      const auto batch = loader.batch(b);
      const auto out = model_.forward(batch.x, batch.size);
      const batch_target t = target_of(batch);
      loss += double(call_loss(out, batch, {})) * double(batch.size);
      for (std::size_t m = 0; m < metrics_.size(); ++m) sums[m] += metrics_[m].batch_sum(out, t);
      samples += double(batch.size);
    }
    model_.train(was_training);
    std::map<std::string, double> result{{"loss", loss / samples}};
    for (std::size_t m = 0; m < metrics_.size(); ++m) result[metrics_[m].name] = sums[m] / samples;
    return result;
  }

  const history& get_history() const { return history_; }

  // Saves model, optimizer and the history so far; resume() continues from it.
  void save_checkpoint(const std::filesystem::path& file) {
    const std::string csv = history_text();
    train::save_checkpoint(file, model_, optimizer_, history_.epochs.size(), static_cast<std::nullptr_t*>(nullptr),
                           {{"history", csv}});
  }
  void resume(const std::filesystem::path& file) {
    const auto info = train::load_checkpoint(file, model_, optimizer_);
    history_ = parse_history(info.metadata.count("history") ? info.metadata.at("history") : "", info.epoch);
  }

 private:
  template <class Batch>
  static batch_target target_of(const Batch& b) {
    if constexpr (requires { b.labels; }) return {b.labels, {}};
    else return {{}, b.targets};
  }
  template <class Batch>
  float call_loss(ConstTensorView out, const Batch& b, TensorView grad) {
    if constexpr (requires { b.labels; }) return loss_(out, b.labels, grad);
    else return loss_(out, b.targets, grad);
  }

  template <class Loader>
  epoch_record run_epoch(Loader& train, std::size_t epoch, std::size_t epochs) {
    model_.train();
    train.start_epoch(epoch);
    const std::size_t steps = train.batches();
    bar_.start("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs), steps);
    double loss = 0, samples = 0;
    std::vector<double> sums(metrics_.size());
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t b = 0; b < steps; ++b) {
      const auto batch = train.batch(b);
      const auto out = model_.forward(batch.x, batch.size);
      const float l = call_loss(out, batch, model_.output_grad());
      model_.backward();
      optimizer_.step();
      const batch_target t = target_of(batch);
      for (std::size_t m = 0; m < metrics_.size(); ++m) sums[m] += metrics_[m].batch_sum(out, t);
      loss += double(l) * double(batch.size);
      samples += double(batch.size);
      char values[128];
      std::snprintf(values, sizeof values, "loss %.4f", loss / samples);
      bar_.update(b + 1, std::size_t(samples), values);
    }
    epoch_record rec;
    rec.epoch = epoch;
    rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rec.samples_per_second = rec.seconds > 0 ? samples / rec.seconds : 0;
    rec.values["loss"] = loss / samples;
    for (std::size_t m = 0; m < metrics_.size(); ++m) rec.values[metrics_[m].name] = sums[m] / samples;
    return rec;
  }

  static std::string summary(const epoch_record& r, std::size_t epochs) {
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

  callback_context context() {
    callback_context ctx;
    ctx.save = [this](const std::filesystem::path& p) { save_checkpoint(p); };
    ctx.remember = [this] {
      best_params_.assign(model_.parameters().begin(), model_.parameters().end());
      best_state_.assign(model_.state().begin(), model_.state().end());
    };
    ctx.restore = [this] {
      if (best_params_.empty()) return;
      std::copy(best_params_.begin(), best_params_.end(), model_.parameters().begin());
      std::copy(best_state_.begin(), best_state_.end(), model_.state().begin());
    };
    return ctx;
  }

  // The history as "epoch seconds samples_per_second name=value ..." lines, for checkpoints.
  std::string history_text() const {
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
  static history parse_history(const std::string& text, std::size_t epochs) {
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

  Model& model_;
  Loss loss_;
  Optimizer& optimizer_;
  progress_bar bar_;
  std::vector<metric> metrics_;
  std::vector<std::shared_ptr<callback>> callbacks_;
  std::vector<std::function<void(const epoch_record&)>> epoch_hooks_;
  history history_;
  std::vector<float> best_params_, best_state_;
};

}  // namespace lamina::train
