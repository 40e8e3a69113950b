#pragma once
// A progress bar that redraws one line in a terminal (loss, metric, samples/s, ETA) and, when
// the output is not a terminal (a log file, CI), prints plain lines at a few checkpoints.
#include <chrono>
#include <cstdio>
#include <string>

#include <unistd.h>

namespace lamina::train {

class progress_bar {
 public:
  enum class style { automatic, terminal, plain, silent };

  explicit progress_bar(style s = style::automatic, std::FILE* out = stdout) : out_(out) {
    terminal_ = s == style::terminal || (s == style::automatic && ::isatty(::fileno(out)));
    silent_ = s == style::silent;
  }

  void start(std::string label, std::size_t total_steps) {
    label_ = std::move(label);
    total_ = total_steps;
    next_plain_ = 0;
    start_ = last_draw_ = clock::now();
  }
  // Called after each step with the running values to show.
  void update(std::size_t step, std::size_t samples, const std::string& values) {
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
      std::fprintf(out_, "\r\033[K%s [%s] %zu/%zu %s %8.0f samples/s ETA %s", label_.c_str(), bar.c_str(), step,
                   total_, values.c_str(), rate, clock_text(eta).c_str());
      std::fflush(out_);
    } else if (step * 4 >= next_plain_ * total_ && step < total_) {  // 0 %, 25 %, 50 %, 75 %
      ++next_plain_;
      std::fprintf(out_, "%s %zu/%zu %s %.0f samples/s ETA %s\n", label_.c_str(), step, total_, values.c_str(), rate,
                   clock_text(eta).c_str());
    }
  }
  // Ends the epoch's line with a summary.
  void finish(const std::string& summary) {
    if (silent_) return;
    if (terminal_) std::fprintf(out_, "\r\033[K");
    std::fprintf(out_, "%s\n", summary.c_str());
    std::fflush(out_);
  }
  bool is_terminal() const { return terminal_; }

  static std::string clock_text(double s) {
    const long t = long(s + 0.5);
    char buf[32];
    if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
    return buf;
  }

 private:
  using clock = std::chrono::steady_clock;
  static double seconds(clock::time_point a, clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }
  std::FILE* out_;
  bool terminal_ = false, silent_ = false;
  std::string label_;
  std::size_t total_ = 0, next_plain_ = 0;
  clock::time_point start_, last_draw_;
};

}  // namespace lamina::train
