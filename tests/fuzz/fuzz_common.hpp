#pragma once
// Shared by the libFuzzer targets: the readers that only take a path get the input through a
// per-process temporary file, in memory where possible (removed at exit). A reader may throw
// only its documented error (lamina::data::format_error); anything else escapes and libFuzzer
// reports it as a crash, as it does every sanitizer report, timeout and out-of-memory.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace lamina_fuzz {

inline const std::filesystem::path& temp_path(const char* suffix) {
  static const std::filesystem::path p = [&] {
    // $TMPDIR, else /dev/shm: rewriting a file on a disk (ext4 with discard: a TRIM per
    // truncation) costs milliseconds per input, in memory microseconds.
    const char* dir = std::getenv("TMPDIR");
    std::error_code ec;
    const char* fallback = std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    auto path = std::filesystem::path(dir && *dir ? dir : fallback) /
                ("lamina_fuzz_" + std::to_string(::getpid()) + suffix);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    });
    return path;
  }();
  return p;
}

// Writes the fuzzer's bytes to the temporary file and returns its path.
inline const std::filesystem::path& as_file(const std::uint8_t* data, std::size_t size, const char* suffix) {
  const auto& p = temp_path(suffix);
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  if (std::fclose(f) != 0) std::abort();
  return p;
}

}  // namespace lamina_fuzz
