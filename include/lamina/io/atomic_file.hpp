#pragma once
// Writes a file atomically: the bytes go to a temporary file beside the target, which is flushed
// to disk (fsync) and then renamed over it, so a crash, a kill or a full disk never leaves a
// half-written target: readers see the old file or the new one, whole.
//
// The temporary file is "<target name>.tmp-<pid>-<random hex>" in the target's directory. A
// writer killed mid-write (SIGKILL, power loss) cannot remove its own; the next
// write_atomically() of the same target removes every "<target name>.tmp-<pid>-..." (and the
// older "<target name>.tmp.<pid>") whose <pid> is not a running process on this machine
// (kill(pid, 0) fails with ESRCH). Temporary files of live processes, this one included, and of
// other targets are left alone. Caveat: a process writing the same target from another machine
// (network file system) or another PID namespace looks dead here, its temporary file may be
// removed, and its save then fails with an error (the target stays whole).
//
// A new file gets mode 0666 minus the umask; a replaced file keeps its permission bits.
// Errors are std::runtime_error naming the temporary file or the target and the system's reason;
// the temporary file is removed on every error, including an exception thrown by `write`.
#include <filesystem>
#include <functional>
#include <ostream>

#include "../core/config.hpp"

namespace lamina::io {

/// Writes `target` atomically (see above): `write` fills a temporary file in the same folder,
/// which is flushed to disk and renamed over `target`, so readers see the old file or the new
/// one, whole. Throws std::runtime_error naming the file and the reason; an exception from
/// `write` propagates. Either way the temporary file is removed and `target` is untouched.
LAMINA_INLINE void write_atomically(const std::filesystem::path& target,
                                    const std::function<void(std::ostream&)>& write);

/// Removes the stale temporary files of `target` (see above) and returns how many; called by
/// write_atomically() before each write.
LAMINA_INLINE std::size_t remove_stale_temporaries(const std::filesystem::path& target);

}  // namespace lamina::io

#ifndef LAMINA_COMPILED_LIB
#include "atomic_file-inl.hpp"
#endif
