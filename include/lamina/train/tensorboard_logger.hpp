#pragma once
// A Trainer callback that logs the run for TensorBoard (io/tensorboard.hpp writes the files):
//   trainer.add_callback(std::make_shared<lm::train::TensorBoardLogger>(
//       lm::train::TensorBoardLogger::options{.logdir = "runs/mlp", .hparams = {{"lr", "0.01"}}}));
//   // then: tensorboard --logdir runs
// What it writes, by tag:
//   batch/loss                      every log_every_n_steps batches, at the run's batch step
//   epoch/<name>                    every value of the epoch's record (loss, val_loss, metrics,
//                                   lr) and samples_per_second, at the epoch number
//   weights/<name>, gradients/<name> histograms of every parameter tensor after each epoch
//   hparams                         the hyper-parameters as a table (Text tab), at step 0
// writer() gives the file to add your own images or text.
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>

#include "../core/config.hpp"
#include "../io/tensorboard.hpp"
#include "callbacks.hpp"

namespace lamina::train {

/// A Trainer callback that logs the run for TensorBoard, as PyTorch Lightning's
/// TensorBoardLogger: the batch loss, every epoch value, weight and gradient histograms, and
/// the hyper-parameters.
class TensorBoardLogger : public callback {
 public:
  /// TensorBoardLogger's options.
  struct options {
    std::filesystem::path logdir;             ///< required; created if missing
    std::size_t log_every_n_steps = 10;       ///< 0: no per-batch loss
    bool histograms = true;                   ///< weights and gradients after every epoch
    std::map<std::string, std::string> hparams;  ///< hyper-parameters, shown as a table
  };
  /// A logger writing an event file into o.logdir.
  LAMINA_INLINE explicit TensorBoardLogger(options o);

  LAMINA_INLINE void on_train_begin(callback_context& ctx) override;
  LAMINA_INLINE void on_batch_end(const batch_record& b, callback_context& ctx) override;
  LAMINA_INLINE void on_epoch_end(const history& h, callback_context& ctx) override;

  /// The event file, to add your own images or text.
  io::tensorboard_writer& writer() { return writer_; }

 private:
  options o_;
  io::tensorboard_writer writer_;
  bool hparams_written_ = false;
};

}  // namespace lamina::train

#ifndef LAMINA_COMPILED_LIB
#include "tensorboard_logger-inl.hpp"
#endif
