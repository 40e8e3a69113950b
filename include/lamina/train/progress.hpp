#pragma once
// A progress bar that redraws one line in a terminal (loss, metric, samples/s, ETA) and, when
// the output is not a terminal (a log file, CI), prints plain lines at a few checkpoints.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "../core/config.hpp"

namespace lamina::train {

/// A progress bar that redraws one line in a terminal (loss, metric, samples/s, ETA) and, when
/// the output is not a terminal (a log file, CI), prints plain lines at a few checkpoints.
class progress_bar {
 public:
  /// How it draws: as the output allows (a terminal or not), always redrawn, plain lines, or
  /// not at all.
  enum class style { automatic, terminal, plain, silent };

  /// A bar drawn on `out` in style `s`.
  explicit progress_bar(style s = style::automatic, std::FILE* out = stdout);

  /// Starts a bar of `total_steps` steps named `label`. plain_lines = false: drawn in a
  /// terminal only (evaluation passes keep logs to one line per epoch).
  void start(std::string label, std::size_t total_steps, bool plain_lines = true);
  /// Called after each step with the running values to show.
  void update(std::size_t step, std::size_t samples, std::string_view values);
  /// Ends the epoch's line with a summary.
  void finish(const std::string& summary);
  /// Removes the line being drawn (a terminal's), printing nothing in its place.
  void clear();
  /// Whether it redraws a terminal line.
  bool is_terminal() const { return terminal_; }

  /// `s` seconds as "m:ss", or "h:mm:ss" from an hour on.
  static std::string clock_text(double s);

 private:
  using clock = std::chrono::steady_clock;
  static double seconds(clock::time_point a, clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }
  std::FILE* out_;
  bool terminal_ = false, silent_ = false, plain_lines_ = true;
  std::string label_;
  std::size_t total_ = 0, next_plain_ = 0;
  clock::time_point start_, last_draw_;
};

}  // namespace lamina::train

#ifndef LAMINA_COMPILED_LIB
#include "progress-inl.hpp"
#endif
