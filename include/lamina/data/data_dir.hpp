#pragma once
// Where lamina's bundled data lives (faces, photos: the project's data/ folder), found without
// any set-up in a source checkout, and overridable for installed or relocated copies.
//
//   auto faces = lm::data::data_path("faces/olivetti_faces.npy");   // throws format_error if absent
//
// Folders tried, in order (the first that holds the requested file wins):
//   1. $LAMINA_DATA_DIR, when set and non-empty; it must then be an existing directory (else
//      format_error naming the variable and its value: a mistyped override never silently
//      falls back to another folder);
//   2. LAMINA_DATA_DIR_DEFAULT, when the build defines it (a string literal; lamina's own
//      examples get the source tree's data/ this way, fixed at configure time);
//   3. the data/ folder of the source tree this header belongs to (<root>/include/lamina/data/
//      -> <root>/data), when the compiler gave an absolute header path;
//   4. <prefix>/share/lamina/data beside an installed <prefix>/include/lamina.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "error.hpp"

namespace lamina::data {

/// The folders data_path() searches, in order (existing or not, except $LAMINA_DATA_DIR, which
/// must exist when set).
inline std::vector<std::filesystem::path> data_dir_candidates() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("LAMINA_DATA_DIR"); env != nullptr && *env != '\0') {
    std::error_code ec;
    const auto st = std::filesystem::status(env, ec);
    if (!std::filesystem::is_directory(st))
      throw format_error("$LAMINA_DATA_DIR", "environment variable",
                         "'" + std::string(env) + "' " +
                             (std::filesystem::exists(st)                     ? std::string("is not a directory")
                              : st.type() == std::filesystem::file_type::none ? "cannot be examined (" + ec.message() + ")"
                                                                              : std::string("does not exist")) +
                             ", expected the folder holding faces/ and images/ (or unset it for the bundled data)");
    dirs.emplace_back(env);
  }
#ifdef LAMINA_DATA_DIR_DEFAULT
  dirs.emplace_back(LAMINA_DATA_DIR_DEFAULT);
#endif
  const std::filesystem::path here(__FILE__);  // <root>/include/lamina/data/data_dir.hpp
  if (here.is_absolute()) {
    const auto include_dir = here.parent_path().parent_path().parent_path();  // <root>/include
    dirs.push_back(include_dir.parent_path() / "data");
    dirs.push_back(include_dir.parent_path() / "share" / "lamina" / "data");
  }
  return dirs;
}

/// The first candidate folder that exists (the folder examples report), or throws.
inline std::filesystem::path default_data_dir() {
  std::string tried;
  for (const auto& dir : data_dir_candidates()) {
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return dir;
    tried += "\n  " + dir.string();
  }
  throw format_error("lamina data folder", "not found",
                     "looked in:" + tried + "\nset LAMINA_DATA_DIR to the folder holding faces/ and images/");
}

/// The file `relative` (e.g. "images/astronaut.png") in the first candidate folder that has it.
/// The error lists every place it looked.
inline std::filesystem::path data_path(const std::filesystem::path& relative) {
  std::string tried;
  for (const auto& dir : data_dir_candidates()) {
    const auto p = dir / relative;
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return p;
    tried += "\n  " + p.string();
  }
  throw format_error(relative, "cannot find data file",
                     "looked in:" + tried + "\nset LAMINA_DATA_DIR to the folder holding faces/ and images/");
}

}  // namespace lamina::data
