#pragma once
// Definitions for error.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <filesystem>
#include <string>
#include <string_view>

#include "error.hpp"

namespace lamina::data {

LAMINA_INLINE std::string format_error::compose(const std::filesystem::path& file, std::string_view field,
                                                std::string_view detail) {
  std::string msg = file.string();
  msg += ": ";
  msg += field;
  if (!detail.empty()) {
    msg += ": ";
    msg += detail;
  }
  return msg;
}

}  // namespace lamina::data
