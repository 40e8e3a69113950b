#pragma once
// The examples' checks of their own outcome (a --quick run that CTest runs, or a full run's
// findings): each failed check is reported on stderr and counted; written() checks output files.
//
//   examples::outcome_checks check("quick run");
//   check(loss < first_loss, "training loss did not decrease");
//   check.written(files);
//   if (check.failures()) return 1;
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace examples {

class outcome_checks {
 public:
  explicit outcome_checks(std::string run = "quick run") : run_(std::move(run)) {}

  void operator()(bool ok, const std::string& what) {
    if (ok) return;
    std::fprintf(stderr, "%s check failed: %s\n", run_.c_str(), what.c_str());
    ++failures_;
  }
  // Every file exists and is not empty.
  void written(const std::vector<std::filesystem::path>& files) {
    for (const auto& f : files)
      (*this)(std::filesystem::exists(f) && std::filesystem::file_size(f) > 0, "file not written: " + f.string());
  }
  // Counts a failure reported elsewhere (e.g. by a child process).
  void fail() { ++failures_; }
  int failures() const { return failures_; }

 private:
  std::string run_;
  int failures_ = 0;
};

}  // namespace examples
