#pragma once
// Callbacks run by the Trainer at the end of every epoch (and, when they ask, of every batch):
// early stopping, keep-best by a chosen quantity (in memory and/or as a checkpoint file), a CSV
// log, TensorBoard (train/tensorboard_logger.hpp), and your own.
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>

#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "history.hpp"

namespace lamina::train {

/// Whether a monitored quantity should go down (a loss) or up (an accuracy).
enum class goal { minimize, maximize };

/// One training batch, as callbacks see it after the optimizer's step.
struct batch_record {
  /// 1-based: batch `batch` of `batches` in epoch `epoch`.
  ///@{
  std::size_t epoch = 0, batch = 0, batches = 0;
  ///@}
  std::size_t step = 0;                           ///< 1-based over the run: (epoch - 1) * batches + batch
  double loss = 0;                                ///< the batch's loss
  std::size_t size = 0;                           ///< samples in the batch
};

/// A parameter tensor as callbacks read it: its state_dict name, values and last gradient (host
/// copies, whatever the model's backend).
using parameter_visitor = std::function<void(const std::string& name, ConstTensorView value, ConstTensorView grad)>;

/// What a callback may ask of the training loop.
struct callback_context {
  bool stop = false;                                           ///< end training after this epoch
  std::function<void(const std::filesystem::path&)> save;      ///< write a checkpoint
  std::function<void()> remember;                              ///< keep the current weights in memory
  std::function<void()> restore;                               ///< go back to the remembered weights
  std::function<void(const parameter_visitor&)> visit_parameters;  ///< every parameter tensor, in order
};

/// A callback of the Trainer: derive from it and override on_epoch_end (and the other hooks
/// you need), as Keras' and Lightning's callbacks.
class callback {
 public:
  virtual ~callback() = default;
  /// Before the first epoch of fit().
  virtual void on_train_begin(callback_context&) {}
  /// After each training batch's optimizer step.
  virtual void on_batch_end(const batch_record&, callback_context&) {}
  /// After each epoch, with the history that now includes it (validation values and lr too).
  virtual void on_epoch_end(const history&, callback_context&) = 0;
  /// After the last epoch of fit() (also when a callback stopped it).
  virtual void on_train_end(const history&, callback_context&) {}
  /// When this callback puts other weights back at the end of training, how the user asked for
  /// it (e.g. "KeepBest{.restore_at_end = true}"); nullptr otherwise. Two such callbacks in one
  /// Trainer would overwrite each other, so Trainer::fit refuses them.
  virtual const char* restores_weights() const { return nullptr; }
};

namespace detail {
// True when `value` improves on `best` by more than min_delta.
LAMINA_INLINE bool improves(double value, double best, goal g, double min_delta);
LAMINA_INLINE double value_of(const history& h, const std::string& monitor);
}  // namespace detail

/// Stops when `monitor` has not improved for `patience` epochs (Keras/Lightning semantics);
/// optionally restores the best weights at the end.
class EarlyStopping : public callback {
 public:
  /// EarlyStopping's options, as Keras' EarlyStopping arguments.
  struct options {
    std::string monitor = "val_loss";  ///< the history column to watch
    goal mode = goal::minimize;        ///< whether it should go down or up
    std::size_t patience = 5;          ///< epochs without improvement before stopping
    double min_delta = 0;              ///< the least change that counts as an improvement
    bool restore_best = true;          ///< put the best epoch's weights back at the end
  };
  /// An early stopping with these options.
  explicit EarlyStopping(options o) : o_(std::move(o)) {}
  void on_epoch_end(const history& h, callback_context& ctx) override;
  void on_train_end(const history&, callback_context& ctx) override;
  const char* restores_weights() const override {
    return o_.restore_best ? "EarlyStopping{.restore_best = true} (the default)" : nullptr;
  }
  std::size_t stopped_epoch() const { return stopped_epoch_; }  ///< 0 when it never stopped
  /// The epoch with the best value so far (0 before any).
  std::size_t best_epoch() const { return best_epoch_; }

 private:
  options o_;
  double best_ = std::numeric_limits<double>::quiet_NaN();
  std::size_t best_epoch_ = 0, waited_ = 0, stopped_epoch_ = 0;
};

/// Keeps the best model by `monitor`: writes a checkpoint to `path` (when set) each time it
/// improves, and restores the best weights at the end when `restore_at_end` (Keras'
/// ModelCheckpoint with save_best_only).
class KeepBest : public callback {
 public:
  /// KeepBest's options.
  struct options {
    std::string monitor = "val_accuracy";  ///< the history column to watch
    goal mode = goal::maximize;            ///< whether it should go down or up
    std::filesystem::path path;            ///< the checkpoint to write at each improvement (empty: none)
    bool restore_at_end = false;           ///< put the best epoch's weights back at the end
  };
  /// A keep-best with these options.
  explicit KeepBest(options o) : o_(std::move(o)) {}
  void on_epoch_end(const history& h, callback_context& ctx) override;
  void on_train_end(const history&, callback_context& ctx) override;
  const char* restores_weights() const override {
    return o_.restore_at_end ? "KeepBest{.restore_at_end = true}" : nullptr;
  }
  /// The best value so far (NaN before any).
  double best() const { return best_; }
  /// The epoch with the best value so far (0 before any).
  std::size_t best_epoch() const { return best_epoch_; }

 private:
  options o_;
  double best_ = std::numeric_limits<double>::quiet_NaN();
  std::size_t best_epoch_ = 0;
};

/// Rewrites the whole history as CSV after every epoch (atomically), so the file is always
/// complete even if training is interrupted.
class CSVLogger : public callback {
 public:
  /// A logger writing to `path`.
  explicit CSVLogger(std::filesystem::path path) : path_(std::move(path)) {}
  void on_epoch_end(const history& h, callback_context&) override;

 private:
  std::filesystem::path path_;
};

/// Any function of the history, e.g. a scheduler step: LambdaCallback([&](auto& h, auto&) { sched.step(); }).
class LambdaCallback : public callback {
 public:
  /// Calls `f` at the end of every epoch.
  explicit LambdaCallback(std::function<void(const history&, callback_context&)> f) : f_(std::move(f)) {}
  void on_epoch_end(const history& h, callback_context& ctx) override;

 private:
  std::function<void(const history&, callback_context&)> f_;
};

}  // namespace lamina::train

#ifndef LAMINA_COMPILED_LIB
#include "callbacks-inl.hpp"
#endif
