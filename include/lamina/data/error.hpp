#pragma once
// Errors shared by every dataset reader: one type, so callers can catch "bad input file"
// separately from logic errors, and one message shape "<file>: <field>: <detail>".
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "../core/config.hpp"

namespace lamina::data {

/// Thrown when an input file is missing, unreadable, corrupt or inconsistent.
/// The message names the file, the field that failed and the expected vs actual value.
class format_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;

  /// The error with message `file: field: detail` (just `file: field` when detail is empty).
  format_error(const std::filesystem::path& file, std::string_view field, std::string_view detail)
      : std::runtime_error(compose(file, field, detail)) {}

private:
  static std::string compose(const std::filesystem::path& file, std::string_view field,
                             std::string_view detail);
};

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "error-inl.hpp"
#endif
