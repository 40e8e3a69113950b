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

  const epoch_record& last() const {
    if (epochs.empty()) throw std::logic_error("lamina::train::history: no epoch recorded yet");
    return epochs.back();
  }
  // The values of one quantity, epoch by epoch (NaN where it was not recorded).
  std::vector<double> series(const std::string& name) const {
    std::vector<double> out;
    for (const auto& e : epochs) out.push_back(e.get(name));
    return out;
  }
  // The epoch where `name` was best (highest when maximize, else lowest).
  const epoch_record& best(const std::string& name, bool maximize) const {
    const epoch_record* best = nullptr;
    for (const auto& e : epochs) {
      const double v = e.get(name);
      if (std::isnan(v)) continue;
      if (!best || (maximize ? v > best->get(name) : v < best->get(name))) best = &e;
    }
    if (!best) throw std::out_of_range("lamina::train::history: no epoch has a value for '" + name + "'");
    return *best;
  }
  // All columns: epoch, every value name seen, seconds, samples_per_second.
  std::vector<std::string> columns() const {
    std::vector<std::string> names;
    for (const auto& e : epochs)
      for (const auto& [k, v] : e.values)
        if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
    return names;
  }
  void write_csv(const std::filesystem::path& file) const {
    const auto names = columns();
    io::write_atomically(file, [&](std::ostream& out) {
      out << "epoch";
      for (const auto& n : names) out << ',' << n;
      out << ",seconds,samples_per_second\n";
      char buf[64];
      for (const auto& e : epochs) {
        out << e.epoch;
        for (const auto& n : names) {
          std::snprintf(buf, sizeof buf, ",%.9g", e.get(n));
          out << buf;
        }
        std::snprintf(buf, sizeof buf, ",%.6g,%.6g\n", e.seconds, e.samples_per_second);
        out << buf;
      }
    });
  }
};

}  // namespace lamina::train
