#pragma once
// Definitions for history.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../io/atomic_file.hpp"
#include "history.hpp"

namespace lamina::train {

LAMINA_INLINE const epoch_record& history::last() const {
  if (epochs.empty()) throw std::logic_error("lamina::train::history: no epoch recorded yet");
  return epochs.back();
}

LAMINA_INLINE std::vector<double> history::series(const std::string& name) const {
  std::vector<double> out;
  for (const auto& e : epochs) out.push_back(e.get(name));
  return out;
}

LAMINA_INLINE const epoch_record& history::best(const std::string& name, bool maximize) const {
  const epoch_record* best = nullptr;
  for (const auto& e : epochs) {
    const double v = e.get(name);
    if (std::isnan(v)) continue;
    if (!best || (maximize ? v > best->get(name) : v < best->get(name))) best = &e;
  }
  if (!best) throw std::out_of_range("lamina::train::history: no epoch has a value for '" + name + "'");
  return *best;
}

LAMINA_INLINE std::vector<std::string> history::columns() const {
  std::vector<std::string> names;
  for (const auto& e : epochs)
    for (const auto& [k, v] : e.values)
      if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
  return names;
}

LAMINA_INLINE void history::write_csv(const std::filesystem::path& file) const {
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

}  // namespace lamina::train
