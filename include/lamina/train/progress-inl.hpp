#pragma once
// Definitions for progress.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <chrono>
#include <cstdio>
#include <string>

#include <unistd.h>

#include "progress.hpp"

namespace lamina::train {

LAMINA_INLINE progress_bar::progress_bar(style s, std::FILE* out) : out_(out) {
  terminal_ = s == style::terminal || (s == style::automatic && ::isatty(::fileno(out)));
  silent_ = s == style::silent;
}

LAMINA_INLINE void progress_bar::start(std::string label, std::size_t total_steps, bool plain_lines) {
  label_ = std::move(label);
  plain_lines_ = plain_lines;
  total_ = total_steps;
  next_plain_ = 0;
  start_ = last_draw_ = clock::now();
}

LAMINA_INLINE void progress_bar::update(std::size_t step, std::size_t samples, std::string_view values) {
  if (silent_) return;
  const auto now = clock::now();
  const double elapsed = seconds(start_, now);
  const double rate = elapsed > 0 ? double(samples) / elapsed : 0;
  const double eta = step ? elapsed * double(total_ - step) / double(step) : 0;
  if (terminal_) {
    if (step < total_ && seconds(last_draw_, now) < 0.1) return;  // at most 10 redraws/s
    last_draw_ = now;
    constexpr int width = 24;
    const int filled = total_ ? int(double(width) * double(step) / double(total_)) : width;
    std::string bar(std::size_t(filled), '#');
    bar.resize(width, '.');
    std::fprintf(out_, "\r\033[K%s [%s] %zu/%zu %.*s %8.0f samples/s ETA %s", label_.c_str(), bar.c_str(), step,
                 total_, int(values.size()), values.data(), rate, clock_text(eta).c_str());
    std::fflush(out_);
  } else if (plain_lines_ && step * 4 >= next_plain_ * total_ && step < total_) {  // 0 %, 25 %, 50 %, 75 %
    ++next_plain_;
    std::fprintf(out_, "%s %zu/%zu %.*s %.0f samples/s ETA %s\n", label_.c_str(), step, total_, int(values.size()),
                 values.data(), rate, clock_text(eta).c_str());
  }
}

LAMINA_INLINE void progress_bar::finish(const std::string& summary) {
  if (silent_) return;
  if (terminal_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "%s\n", summary.c_str());
  std::fflush(out_);
}

LAMINA_INLINE void progress_bar::clear() {
  if (silent_ || !terminal_) return;
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
}

LAMINA_INLINE std::string progress_bar::clock_text(double s) {
  const long t = long(s + 0.5);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

}  // namespace lamina::train
