#pragma once
// What a training run measured, epoch by epoch: named values ("loss", "accuracy",
// "val_loss", "val_accuracy", "lr", ...) plus time and throughput, writable as CSV.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../io/atomic_file.hpp"

namespace lamina::train {

/// One epoch of training: its number, duration, throughput and every recorded value.
struct epoch_record {
  std::size_t epoch = 0;  ///< 1-based
  /// The epoch's training time and training throughput.
  ///@{
  double seconds = 0, samples_per_second = 0;
  ///@}
  std::map<std::string, double> values;  ///< "loss", "val_loss", metrics, "lr", ... by name

  /// The value named `name`, or NaN when it was not recorded.
  double get(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
  }
  /// Whether a value named `name` was recorded.
  bool has(const std::string& name) const { return values.count(name) != 0; }
};

/// A training run's epochs, as Keras' History: what Trainer::fit returns.
struct history {
  std::vector<epoch_record> epochs;  ///< one record per epoch, in order

  /// The last epoch's record; throws std::logic_error before the first epoch.
  const epoch_record& last() const;
  /// The values of one quantity, epoch by epoch (NaN where it was not recorded).
  std::vector<double> series(const std::string& name) const;
  /// The epoch where `name` was best (highest when maximize, else lowest).
  const epoch_record& best(const std::string& name, bool maximize) const;
  /// All columns: epoch, every value name seen, seconds, samples_per_second.
  std::vector<std::string> columns() const;
  /// Writes the history as CSV, one row per epoch under a header of columns() (atomically).
  void write_csv(const std::filesystem::path& file) const;
};

}  // namespace lamina::train

#ifndef LAMINA_COMPILED_LIB
#include "history-inl.hpp"
#endif
