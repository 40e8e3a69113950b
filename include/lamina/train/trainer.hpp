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
// indices) or {x, size, targets} (a tensor view, for regression), where x is a
// std::span<const float> of size samples; with sample_size() (lamina's loaders) it is checked
// against the model's input once per fit()/evaluate(), and every batch's size is checked too.
//
// A NaN or infinite loss or gradient stops training with lm::train::nonfinite_error, before
// that batch's update (trainer_options::nonfinite chooses a warning or nothing instead).
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../core/config.hpp"
#include "../core/precision.hpp"
#include "../core/tensor.hpp"
#include "../metrics/accuracy.hpp"
#include "../metrics/psnr.hpp"
#include "../kernels/kernels.hpp"
#include "../loss/reduction.hpp"
#include "../optim/clip_grad.hpp"
#include "../optim/concepts.hpp"
#include "../optim/ema.hpp"
#include "../core/backend.hpp"
#include "callbacks.hpp"
#include "checkpoint.hpp"
#include "grad_scaler.hpp"
#include "history.hpp"
#include "progress.hpp"

namespace lamina::train {

/// The targets of a batch: class indices, or values shaped like the output.
struct batch_target {
  std::span<const std::int32_t> labels;  ///< class indices (classification), else empty
  ConstTensorView values;                ///< values shaped like the output (regression), else empty
};

/// A metric summed over a batch (e.g. correct predictions); the epoch value is sum / samples.
struct metric {
  std::string name;  ///< the history column, e.g. "accuracy" (and "val_accuracy")
  /// The batch's sum, from the model's output (host memory) and the batch's targets.
  std::function<double(ConstTensorView output, const batch_target&)> batch_sum;
};

/// Classification accuracy: the share of samples whose largest output is their label.
LAMINA_INLINE metric accuracy();
/// Mean over images of each image's PSNR (the reports' convention), for regression outputs.
LAMINA_INLINE metric psnr(double data_range = 1.0);

/// What the Trainer does when a batch's loss or gradients are NaN or infinite.
enum class on_nonfinite {
  stop,    ///< throw nonfinite_error before the batch's update (the weights stay finite)
  warn,    ///< print a warning to trainer_options::out and carry on
  ignore,  ///< carry on silently, as a hand-written loop would
};

/// Thrown by Trainer::fit on a non-finite loss or gradient (on_nonfinite::stop).
class nonfinite_error : public std::runtime_error {
 public:
  /// The error with its message and where it happened.
  nonfinite_error(const std::string& what, std::size_t epoch, std::size_t batch, std::string quantity)
      : std::runtime_error(what), epoch_(epoch), batch_(batch), quantity_(std::move(quantity)) {}
  std::size_t epoch() const { return epoch_; }               ///< 1-based
  std::size_t batch() const { return batch_; }               ///< 1-based within the epoch
  const std::string& quantity() const { return quantity_; }  ///< "loss" or "gradients"

 private:
  std::size_t epoch_, batch_;
  std::string quantity_;
};

/// The Trainer's options.
struct trainer_options {
  progress_bar::style progress = progress_bar::style::automatic;  ///< the progress bar's style
  std::FILE* out = stdout;  ///< where the progress bar, epoch lines and warnings go
  on_nonfinite nonfinite = on_nonfinite::stop;  ///< what a NaN or infinite loss or gradient does
  /// Gradient clipping between backward and the optimizer's step (optim/clip_grad.hpp), 0 for
  /// off: the 2-norm of all gradients scaled down to clip_grad_norm, then every gradient clamped
  /// to [-clip_grad_value, clip_grad_value].
  ///@{
  double clip_grad_norm = 0, clip_grad_value = 0;
  ///@}
  /// Evaluate (validation, evaluate(), KeepBest's copy) with the optimizer's averaged weights:
  /// the optimizer must keep them (lm::optim::EMA). Training steps still use the model's own.
  bool evaluate_averaged = false;
  /// Mixed precision for training and evaluation (Model::autocast), unless fp32 (the default:
  /// the model's own setting is kept). Under fp16 the loss is scaled dynamically with
  /// `loss_scaling` (grad_scaler), and a step whose gradients overflow is skipped, not reported.
  precision autocast = precision::fp32;
  grad_scaler_options loss_scaling = {};  ///< the grad_scaler's options under fp16
};

/// What the training loop does that does not depend on the model's type: metrics, callbacks,
/// epoch hooks, the progress bar and the history. Not a template, so it is compiled once
/// (lamina::compiled) rather than once per `Trainer<Model, ...>`.
class trainer_base {
 public:
  /// The epochs recorded so far (fit() returns it too).
  const history& get_history() const { return history_; }

 protected:
  /// Checks the options (clipping thresholds >= 0 and finite).
  explicit trainer_base(const trainer_options& options)
      : bar_(options.progress, options.out),
        out_(options.out),
        nonfinite_(options.nonfinite),
        clip_norm_(options.clip_grad_norm),
        clip_value_(options.clip_grad_value),
        evaluate_averaged_(options.evaluate_averaged) {
    for (const auto& [name, v] : {std::pair{"clip_grad_norm", clip_norm_}, std::pair{"clip_grad_value", clip_value_}})
      if (!(v >= 0 && v <= std::numeric_limits<double>::max()))
        throw std::invalid_argument(std::string("lamina::train::Trainer: trainer_options::") + name +
                                    " must be >= 0 and finite (0: no clipping), got " + std::to_string(v));
  }
  ~trainer_base() = default;  // not deleted through a base pointer

  /// Running sums of one pass over a loader: loss and metrics, weighted by batch size.
  struct pass_sums {
    /// The loss times batch sizes, and the samples, so far.
    ///@{
    double loss = 0, samples = 0;
    ///@}
    std::vector<double> metrics;  ///< each metric's batch sums so far
  };
  /// Zero sums, one per metric.
  LAMINA_INLINE pass_sums start_pass() const;
  /// Adds a batch's loss and metrics (`out` in host memory) to the sums.
  LAMINA_INLINE void add_batch(pass_sums& p, double loss, std::size_t size, ConstTensorView out,
                               const batch_target& t) const;

  /// Starts an epoch of `steps` batches: its clock and its progress bar.
  LAMINA_INLINE void start_epoch(std::size_t epoch, std::size_t epochs, std::size_t steps);
  /// Shows the running loss and metrics after `done` batches.
  LAMINA_INLINE void show_batch(const pass_sums& p, std::size_t done);
  /// An evaluation pass's own bar (drawn in a terminal only), removed at its end.
  LAMINA_INLINE void start_evaluation(const std::string& label, std::size_t batches);
  /// Removes the evaluation pass's bar.
  void end_evaluation() { bar_.clear(); }
  /// The epoch's record from its sums: loss, metrics, time and throughput.
  LAMINA_INLINE epoch_record epoch_result(const pass_sums& p, std::size_t epoch) const;
  /// An evaluation's loss and metrics by name.
  LAMINA_INLINE std::map<std::string, double> evaluation_result(const pass_sums& p) const;
  /// After an epoch (validation and lr included): history, progress bar, hooks, callbacks.
  LAMINA_INLINE void end_epoch(epoch_record rec, std::size_t epochs, callback_context& ctx);
  /// After a training batch's step: the callbacks' on_batch_end.
  LAMINA_INLINE void end_batch(const batch_record& b, callback_context& ctx);
  /// Before the first epoch: refuses two callbacks that restore weights, then the callbacks'
  /// on_train_begin.
  LAMINA_INLINE void begin_training(callback_context& ctx);
  /// After the last epoch: the callbacks' on_train_end.
  LAMINA_INLINE void end_training(callback_context& ctx);

  /// The history as "epoch seconds samples_per_second name=value ..." lines, for checkpoints.
  LAMINA_INLINE std::string history_text() const;
  /// Reads history_text() back; throws std::invalid_argument unless it has exactly `epochs`
  /// lines numbered 1..epochs (an empty text gives `epochs` empty records).
  LAMINA_INLINE static history parse_history(const std::string& text, std::size_t epochs);

  /// Throws unless a loader of `batches` batches of `sample_size` floats per input (0: unknown)
  /// fits a model whose input is `input_size` floats of shape `input_shape`.
  LAMINA_INLINE static void check_loader(const char* role, std::size_t batches, std::size_t sample_size,
                                         std::size_t input_size, const std::string& input_shape);
  /// Throws unless `name` can be a history column (and a checkpoint's history entry).
  LAMINA_INLINE static void check_metric_name(const std::string& name);
  /// A non-finite `quantity` at (epoch, batch of batches): throws, warns or does nothing.
  LAMINA_INLINE void nonfinite(const char* quantity, double value, std::size_t epoch, std::size_t batch,
                               std::size_t batches);

  progress_bar bar_;                                  ///< the progress bar
  std::vector<metric> metrics_;                       ///< the metrics added
  std::vector<std::shared_ptr<callback>> callbacks_;  ///< the callbacks added, in order
  std::vector<std::function<void(const epoch_record&)>> epoch_hooks_;  ///< on_epoch_end's functions
  history history_;                                   ///< the epochs recorded so far
  std::chrono::steady_clock::time_point epoch_start_;  ///< when the current epoch started
  /// The best weights so far (KeepBest), in host memory.
  ///@{
  std::vector<float> best_params_, best_state_;
  ///@}
  std::FILE* out_;           ///< trainer_options::out
  on_nonfinite nonfinite_;   ///< trainer_options::nonfinite
  /// trainer_options::clip_grad_norm and clip_grad_value.
  ///@{
  double clip_norm_, clip_value_;
  ///@}
  bool evaluate_averaged_;   ///< trainer_options::evaluate_averaged
  std::size_t warnings_ = 0;  ///< non-finite warnings printed so far

 private:
  LAMINA_INLINE static std::string summary(const epoch_record& r, std::size_t epochs);
};

/// The training loop: epochs over a loader, the loss and metrics per epoch on training and
/// validation data, callbacks, a progress bar and checkpoints to resume from, like a
/// hand-written PyTorch loop or Keras' fit().
template <class Model, class Loss, class Optimizer>
class Trainer : public trainer_base {
  // Names a missing member of the optimizer (its own static_asserts; no second error here).
  static_assert(optim::detail::require_optimizer<Optimizer>() || !optim::Optimizer<Optimizer>);

 public:
  using backend = backend_of_t<Model>;  ///< where the model, its loss and its optimizer run

  /// A trainer of `model` with `loss` and `optimizer` (built for this model); model and
  /// optimizer must outlive it.
  Trainer(Model& model, Loss loss, Optimizer& optimizer, trainer_options options = {})
      : trainer_base(options), model_(model), loss_(std::move(loss)), optimizer_(optimizer) {
    optim::require_built_for(optimizer, model, "train::Trainer");
    if (options.autocast != precision::fp32) model.autocast(options.autocast);
    if (model.autocast_precision() == precision::fp16) scaler_.emplace(options.loss_scaling);
    if (evaluate_averaged_ && !optim::AveragingOptimizer<Optimizer>)
      throw std::invalid_argument("lamina::train::Trainer: trainer_options::evaluate_averaged needs an optimizer "
                                  "that keeps averaged weights, e.g. lm::optim::EMA opt(model, inner_optimizer)");
  }

  /// Adds a metric, computed per epoch on training and validation data (e.g. accuracy()).
  Trainer& add_metric(metric m) {
    check_metric_name(m.name);
    metrics_.push_back(std::move(m));
    return *this;
  }
  /// Adds a callback (EarlyStopping, KeepBest, CSVLogger, ...), called in the order added.
  Trainer& add_callback(std::shared_ptr<callback> c) {
    callbacks_.push_back(std::move(c));
    return *this;
  }
  /// Runs after each epoch's record is complete and before callbacks: e.g. a scheduler step.
  Trainer& on_epoch_end(std::function<void(const epoch_record&)> f) {
    epoch_hooks_.push_back(std::move(f));
    return *this;
  }

  /// Trains until `epochs` epochs are recorded in total (so a resumed run continues where it
  /// stopped), or a callback stops it; validates on `validation` after each epoch when given.
  template <class TrainLoader, class ValLoader = TrainLoader>
  const history& fit(TrainLoader& train, std::size_t epochs, ValLoader* validation = nullptr) {
    check(train, "training");
    if (validation) check(*validation, "validation");
    callback_context ctx = context();
    begin_training(ctx);
    for (std::size_t epoch = history_.epochs.size() + 1; epoch <= epochs && !ctx.stop; ++epoch) {
      epoch_record rec = run_epoch(train, epoch, epochs, ctx);
      if (validation) {
        const std::string label = "epoch " + std::to_string(epoch) + "/" + std::to_string(epochs) + " validation";
        for (const auto& [k, v] : evaluate_pass(*validation, label)) rec.values["val_" + k] = v;
      }
      rec.values["lr"] = double(optimizer_.lr());
      end_epoch(std::move(rec), epochs, ctx);
    }
    end_training(ctx);
    return history_;
  }

  /// Loss and metrics over a whole loader, in evaluation mode; the model's mode is restored.
  template <class Loader>
  std::map<std::string, double> evaluate(Loader& loader) {
    return evaluate_pass(loader, "evaluation");
  }

  /// Saves model, optimizer, the history so far and the loss scale (fp16); resume() continues
  /// from it.
  void save_checkpoint(const std::filesystem::path& file) {
    std::map<std::string, std::string> meta{{"history", history_text()}};
    if (scaler_) {
      meta["loss_scale"] = detail::format_double(scaler_->scale());
      meta["loss_scale_growth_tracker"] = std::to_string(scaler_->growth_tracker());
    }
    train::save_checkpoint(file, model_, optimizer_, history_.epochs.size(), static_cast<std::nullptr_t*>(nullptr),
                           meta);
  }
  /// The loss scaler under fp16 autocast (nullptr otherwise).
  const grad_scaler* loss_scaler() const { return scaler_ ? &*scaler_ : nullptr; }
  /// Restores a save_checkpoint() file. All or nothing: a checkpoint that does not check out
  /// (tensors, counters, a history that disagrees with its epoch) throws and leaves the model,
  /// optimizer and history untouched.
  void resume(const std::filesystem::path& file) {
    history h;
    std::optional<std::pair<float, std::size_t>> scale_state;  // (scale, growth tracker)
    train::load_checkpoint(file, model_, optimizer_, static_cast<std::nullptr_t*>(nullptr),
                           [&](const checkpoint_info& info) {
                             const auto it = info.metadata.find("history");
                             try {
                               h = parse_history(it == info.metadata.end() ? "" : it->second, info.epoch);
                             } catch (const std::invalid_argument& e) {
                               throw data::format_error(file, "__metadata__.history", e.what());
                             }
                             if (scaler_ && info.metadata.count("loss_scale")) {
                               const float scale = float(detail::number_field(
                                   file, "loss_scale", info.metadata.at("loss_scale"), 1e-38, 3.4e38));
                               scale_state.emplace(scale, detail::count_field(file, info.metadata, "loss_scale_growth_tracker",
                                                                              scaler_->options().growth_interval));
                             }
                           });
    history_ = std::move(h);
    if (scale_state) scaler_->set_state(scale_state->first, scale_state->second);
  }

 private:
  // evaluate() with the label its progress bar shows.
  template <class Loader>
  std::map<std::string, double> evaluate_pass(Loader& loader, const std::string& label) {
    check(loader, "evaluation");
    const bool was_training = model_.is_training();
    model_.eval();
    pass_sums p = start_pass();
    loader.start_epoch(0);
    start_evaluation(label, loader.batches());
    with_evaluated_weights([&] {
      for (std::size_t b = 0; b < loader.batches(); ++b) {
        const auto batch = loader.batch(b);
        const auto out = model_.forward(batch.x, batch.size);
        add_batch(p, call_loss(out, batch, {}), batch.size, for_metrics(out), target_of(batch));
        show_batch(p, b + 1);
      }
    });
    end_evaluation();
    model_.train(was_training);
    return evaluation_result(p);
  }
  // Runs f with the weights that evaluation uses in the model: the optimizer's averages under
  // trainer_options::evaluate_averaged (swapped in and back, also when f throws), else the model's.
  template <class F>
  void with_evaluated_weights(F&& f) {
    if constexpr (optim::AveragingOptimizer<Optimizer>) {
      if (evaluate_averaged_) {
        optimizer_.swap_weights();
        try {
          f();
        } catch (...) {
          try {
            optimizer_.swap_weights();
          } catch (...) {  // the first error is the one to report
          }
          throw;
        }
        optimizer_.swap_weights();
        return;
      }
    }
    f();
  }
  template <class Batch>
  static batch_target target_of(const Batch& b) {
    if constexpr (requires { b.labels; }) return {b.labels, {}};
    else return {{}, b.targets};
  }
  // The loss on the model's backend (targets come from the host).
  template <class Batch>
  float call_loss(ConstTensorView out, const Batch& b, TensorView grad) {
    if constexpr (requires { b.labels; }) return loss::evaluate(loss_, backend{}, out, b.labels, grad);
    else return loss::evaluate(loss_, backend{}, out, b.targets, grad);
  }
  // The output where metrics read it: host memory (a copy from a device, only when a metric
  // will read it).
  ConstTensorView for_metrics(ConstTensorView out) {
    if (metrics_.empty()) return out;
    return {kernels::on_host(backend{}, out.data, out.size(), host_output_), out.shape};
  }

  template <class Loader>
  void check(const Loader& loader, const char* role) const {
    std::size_t sample_size = 0;
    if constexpr (requires { loader.sample_size(); }) sample_size = loader.sample_size();
    check_loader(role, loader.batches(), sample_size, Model::input_size, Model::input_shape::str());
  }

  template <class Loader>
  epoch_record run_epoch(Loader& train, std::size_t epoch, std::size_t epochs, callback_context& ctx) {
    model_.train();
    train.start_epoch(epoch);
    const std::size_t steps = train.batches();
    start_epoch(epoch, epochs, steps);
    pass_sums p = start_pass();
    for (std::size_t b = 0; b < steps; ++b) {
      const auto batch = train.batch(b);
      const auto out = model_.forward(batch.x, batch.size);
      const float l = call_loss(out, batch, model_.output_grad());
      if (nonfinite_ != on_nonfinite::ignore && !kernels::is_finite(l)) nonfinite("loss", l, epoch, b + 1, steps);
      if (scaler_) scaler_->scale_output_grad(model_);
      model_.backward();
      // Under loss scaling, overflowing gradients are expected now and then: the step is skipped.
      const bool finite = scaler_ ? scaler_->unscale(model_) : true;
      if (!scaler_ && nonfinite_ != on_nonfinite::ignore) {
        const auto g = model_.gradients();
        if (!kernels::all_finite(backend{}, g.data, g.size()))
          nonfinite("gradients", NAN, epoch, b + 1, steps);
      }
      if (finite) {
        if (clip_norm_ > 0) optim::clip_grad_norm(model_, clip_norm_);
        if (clip_value_ > 0) optim::clip_grad_value(model_, clip_value_);
        optimizer_.step();
      }
      if (scaler_) scaler_->update(finite);
      add_batch(p, l, batch.size, for_metrics(out), target_of(batch));
      show_batch(p, b + 1);
      if (!callbacks_.empty())
        end_batch({.epoch = epoch, .batch = b + 1, .batches = steps, .step = (epoch - 1) * steps + b + 1,
                   .loss = double(l), .size = batch.size},
                  ctx);
    }
    return epoch_result(p, epoch);
  }

  callback_context context() {
    callback_context ctx;
    ctx.save = [this](const std::filesystem::path& p) { save_checkpoint(p); };
    // The best weights so far are kept in host memory, whatever the backend: the ones that were
    // evaluated.
    ctx.remember = [this] {
      with_evaluated_weights([&] {
        const auto params = model_.parameters(), state = model_.state();
        best_params_.resize(params.size());
        best_state_.resize(state.size());
        kernels::download(backend{}, params.data, best_params_.data(), params.size());
        kernels::download(backend{}, state.data, best_state_.data(), state.size());
      });
    };
    ctx.visit_parameters = [this](const parameter_visitor& visit) {
      for (const auto& p : model_.named_parameters()) {
        const Tensor value = model_.to_host(p.value), grad = model_.to_host(p.grad);
        visit(p.name, value.view(), grad.view());
      }
    };
    // Under evaluate_averaged the remembered weights are averages: they become both the model's
    // weights and the averages, so that evaluation after training sees them too.
    ctx.restore = [this] {
      if (best_params_.empty()) return;
      auto upload = [this] {
        kernels::upload(backend{}, best_params_.data(), model_.parameters().data, best_params_.size());
        kernels::upload(backend{}, best_state_.data(), model_.state().data, best_state_.size());
      };
      upload();
      if constexpr (optim::AveragingOptimizer<Optimizer>) {
        if (evaluate_averaged_) {
          optimizer_.swap_weights();
          upload();
        }
      }
    };
    return ctx;
  }

  Model& model_;
  Loss loss_;
  Optimizer& optimizer_;
  std::vector<float> host_output_;  // the output for metrics, from a device backend
  std::optional<grad_scaler> scaler_;  // under fp16 autocast
};

}  // namespace lamina::train

#ifndef LAMINA_COMPILED_LIB
#include "trainer-inl.hpp"
#endif
