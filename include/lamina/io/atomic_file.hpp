#pragma once
// Writes a file atomically: the bytes go to a temporary file beside the target, which is then
// renamed over it, so a crash or a full disk never leaves a half-written file behind.
#include <filesystem>
#include <functional>
#include <ostream>

#include "../core/config.hpp"

namespace lamina::io {

LAMINA_INLINE void write_atomically(const std::filesystem::path& target,
                                    const std::function<void(std::ostream&)>& write);

}  // namespace lamina::io

#ifndef LAMINA_COMPILED_LIB
#include "atomic_file-inl.hpp"
#endif
