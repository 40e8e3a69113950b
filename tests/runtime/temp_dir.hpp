#pragma once
// A fresh directory per test case, removed afterwards (shared by the file-reading tests).
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace lamina_test {

struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(const std::string& prefix = "lamina_test") {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           (prefix + "_" + std::to_string(std::random_device{}()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path / name; }
};

}  // namespace lamina_test
