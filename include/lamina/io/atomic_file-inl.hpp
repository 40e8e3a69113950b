#pragma once
// Definitions for atomic_file.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <random>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "atomic_file.hpp"

namespace lamina::io {

namespace detail {

// An output streambuf over a file descriptor that records the first write error (errno).
class fd_streambuf : public std::streambuf {
 public:
  explicit fd_streambuf(int fd) : fd_(fd), buf_(std::size_t{1} << 16) { setp(buf_.data(), buf_.data() + buf_.size()); }
  int error() const noexcept { return err_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n < static_cast<std::streamsize>(epptr() - pptr())) return std::streambuf::xsputn(s, n);
    if (!drain() || !write_all(s, static_cast<std::size_t>(n))) return 0;
    return n;
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool write_all(const char* p, std::size_t n) {
    while (n > 0) {
      const ssize_t r = ::write(fd_, p, n);
      if (r < 0) {
        if (errno == EINTR) continue;
        err_ = errno;
        return false;
      }
      p += r;
      n -= static_cast<std::size_t>(r);
    }
    return true;
  }
  bool drain() {
    if (err_) return false;
    const auto n = static_cast<std::size_t>(pptr() - pbase());
    if (n && !write_all(pbase(), n)) return false;
    setp(buf_.data(), buf_.data() + buf_.size());
    return true;
  }
  int fd_;
  int err_ = 0;
  std::vector<char> buf_;
};

// "<pid>" when `name` is "<base>.tmp-<pid>-<hex>" or "<base>.tmp.<pid>", else 0.
LAMINA_INLINE long temp_owner(const std::string& name, const std::string& base) {
  auto digits = [](const std::string& s, std::size_t from, std::size_t to) -> long {
    if (from >= to || to - from > 9) return 0;
    long v = 0;
    for (std::size_t i = from; i < to; ++i) {
      if (s[i] < '0' || s[i] > '9') return 0;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const std::string dash = base + ".tmp-", dot = base + ".tmp.";
  if (name.rfind(dash, 0) == 0) {
    const std::size_t sep = name.find('-', dash.size());
    if (sep == std::string::npos || sep + 1 == name.size()) return 0;
    for (std::size_t i = sep + 1; i < name.size(); ++i)
      if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return 0;
    return digits(name, dash.size(), sep);
  }
  if (name.rfind(dot, 0) == 0) return digits(name, dot.size(), name.size());
  return 0;
}

LAMINA_INLINE std::string random_hex() {
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t x = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  x ^= ++counter * 0x9E3779B97F4A7C15ull;
  try {
    std::random_device rd;
    x ^= (std::uint64_t{rd()} << 32) ^ rd();
  } catch (const std::exception&) {  // no entropy source: time and counter still make it unique here
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x));
  return buf;
}

}  // namespace detail

LAMINA_INLINE std::size_t remove_stale_temporaries(const std::filesystem::path& target) {
  namespace fs = std::filesystem;
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string base = target.filename().string();
  if (base.empty()) return 0;
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const long pid = detail::temp_owner(name, base);
    if (pid <= 0 || pid == static_cast<long>(::getpid())) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    std::error_code rec;
    if (it->is_regular_file(rec) && fs::remove(it->path(), rec)) ++removed;
  }
  return removed;
}

LAMINA_INLINE void write_atomically(const std::filesystem::path& target,
                                    const std::function<void(std::ostream&)>& write) {
  namespace fs = std::filesystem;
  if (target.filename().empty()) throw std::runtime_error(target.string() + ": cannot write: not a file name");
  remove_stale_temporaries(target);
  const std::string prefix = target.string() + ".tmp-" + std::to_string(::getpid()) + "-";
  fs::path tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp = prefix + detail::random_hex();
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt == 8))
      throw std::runtime_error(tmp.string() + ": cannot open the temporary file for writing " + target.string() + ": " +
                               std::strerror(errno));
  }
  auto fail = [&](const std::string& what, int err) {
    if (fd >= 0) ::close(fd);
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw std::runtime_error(what + (err ? std::string(": ") + std::strerror(err) : std::string()));
  };
  struct stat old {};
  if (::stat(target.c_str(), &old) == 0 && S_ISREG(old.st_mode)) (void)::fchmod(fd, old.st_mode & 07777);
  detail::fd_streambuf buf(fd);
  std::ostream out(&buf);
  try {
    write(out);
  } catch (...) {
    if (fd >= 0) ::close(fd);
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
  out.flush();
  if (!out || buf.error())
    fail(tmp.string() + ": write failed (disk full?)", buf.error() ? buf.error() : EIO);
  if (::fsync(fd) != 0) fail(tmp.string() + ": cannot flush to disk", errno);
  const int closed = ::close(fd);
  fd = -1;
  if (closed != 0) fail(tmp.string() + ": cannot close", errno);
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) fail(target.string() + ": cannot replace with the new file " + tmp.string() + ": " + ec.message(), 0);
  // Make the rename itself durable; some file systems refuse fsync on directories (ignored).
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace lamina::io
