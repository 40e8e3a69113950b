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

struct epoch_record {
  std::size_t epoch = 0;  // 1-based
  double seconds = 0, samples_per_second = 0;
  std::map<std::string, double> values;

  double get(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
  }
  bool has(const std::string& name) const { return values.count(name) != 0; }
};

struct history {
  std::vector<epoch_record> epochs;

  const epoch_record& last() const;
  // The values of one quantity, epoch by epoch (NaN where it was not recorded).
  std::vector<double> series(const std::string& name) const;
  // The epoch where `name` was best (highest when maximize, else lowest).
  const epoch_record& best(const std::string& name, bool maximize) const;
  // All columns: epoch, every value name seen, seconds, samples_per_second.
  std::vector<std::string> columns() const;
  void write_csv(const std::filesystem::path& file) const;
};

}  // namespace lamina::train

#ifndef LAMINA_COMPILED_LIB
#include "history-inl.hpp"
#endif
