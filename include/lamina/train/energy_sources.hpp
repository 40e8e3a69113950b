#pragma once
// Where the energy numbers come from: the process's clocks, RAPL package counters in the
// powercap sysfs tree, and NVML's per-GPU energy counter loaded at run time with dlopen.
// No reader ever throws: a failure switches it off and records why, so a tracker can fall
// back to an estimate in the middle of training and say so in its report.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <cerrno>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#if __has_include(<dlfcn.h>)
#include <dlfcn.h>
#define LAMINA_ENERGY_HAS_DLOPEN 1
#endif

namespace lamina::train {

// ---- clocks --------------------------------------------------------------------------------
// Wall time on the steady clock, in seconds from an arbitrary origin.
inline double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
// CPU time of the whole process (all threads, user + system), in seconds.
inline double process_cpu_seconds() {
  timespec ts{};
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0) return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
  rusage ru{};
  if (::getrusage(RUSAGE_SELF, &ru) == 0)
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  return double(std::clock()) / CLOCKS_PER_SEC;
}
// The two clocks a tracker reads; tests replace them to make the arithmetic exact.
struct energy_clocks {
  std::function<double()> wall = steady_seconds;
  std::function<double()> cpu = process_cpu_seconds;
};

namespace detail {
// Reads a small (sysfs) file whole. On failure: nullopt, and `error` says which file and why.
inline std::optional<std::string> read_small_file(const std::filesystem::path& p, std::string& error) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    error = p.string() + ": " + std::system_category().message(e);
    if (e == EACCES || e == EPERM)
      error += " (energy_uj is readable by root only since Linux 5.10, CVE-2020-8694)";
    return std::nullopt;
  }
  std::string out;
  char buf[256];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = p.string() + ": " + std::system_category().message(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0 || out.size() > 4096) break;
    out.append(buf, std::size_t(n));
  }
  ::close(fd);
  return out;
}
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}
// A sysfs file holding one unsigned integer; nullopt and a reason when unreadable or malformed.
inline std::optional<std::uint64_t> read_u64_file(const std::filesystem::path& p, std::string& error) {
  const auto text = read_small_file(p, error);
  if (!text) return std::nullopt;
  const auto s = trim(*text);
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) {
    error = p.string() + ": malformed counter \"" + std::string(s.substr(0, 40)) + "\"";
    return std::nullopt;
  }
  return v;
}
// "intel-rapl:0" -> true (a top-level zone); "intel-rapl:0:1" (a sub-zone), "intel-rapl" -> false.
inline bool is_top_level_rapl_zone(std::string_view id) {
  constexpr std::string_view prefix = "intel-rapl:";
  if (!id.starts_with(prefix) || id.size() == prefix.size()) return false;
  return std::all_of(id.begin() + prefix.size(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}
inline bool is_rapl_sub_zone(std::string_view id) {
  constexpr std::string_view prefix = "intel-rapl:";
  if (!id.starts_with(prefix)) return false;
  const auto rest = id.substr(prefix.size());
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) return false;
  return is_top_level_rapl_zone(id.substr(0, prefix.size() + colon)) &&
         std::all_of(rest.begin() + long(colon) + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace detail

// ---- RAPL (Intel, and AMD Zen on Linux >= 5.8, under the same intel-rapl name) ------------
struct rapl_domain {
  std::string id;                  // "intel-rapl:0"
  std::string name;                // "package-0"
  std::filesystem::path dir;       // <root>/intel-rapl:0
  std::uint64_t max_range_uj = 0;  // max_energy_range_uj: the counter wraps to 0 past it
  double power_limit_w = 0;        // constraint_0_max_power_uw or _power_limit_uw, 0 if unknown
  std::uint64_t last_uj = 0;       // the last value read
};

// Sums the energy of the package domains (and, optionally, the DRAM domains, which packages do
// not include). Sub-domains core/uncore are part of their package and never added; "psys"
// covers the whole platform, package included, and is skipped; intel-rapl-mmio duplicates the
// package counter and is skipped.
class rapl_reader {
 public:
  explicit rapl_reader(std::filesystem::path root = "/sys/class/powercap", bool include_dram = false)
      : root_(std::move(root)) {
    try {
      discover(include_dram);
    } catch (...) {
      fail("RAPL: unexpected error while scanning " + root_.string());
    }
  }

  bool ok() const { return ok_; }
  const std::string& reason() const { return reason_; }  // why not ok()
  const std::vector<rapl_domain>& domains() const { return domains_; }
  std::size_t wraps() const { return wraps_; }  // counter wrap-arounds seen so far
  // How long the fastest-wrapping domain takes to wrap at its power limit (500 W if unknown).
  double seconds_to_wrap() const {
    double s = 0;
    for (const auto& d : domains_) {
      const double w = d.power_limit_w > 0 ? d.power_limit_w : 500.0;
      const double t = double(d.max_range_uj) * 1e-6 / w;
      if (d.max_range_uj && (s == 0 || t < s)) s = t;
    }
    return s;
  }

  // Joules used by all domains since the previous read (or since construction); nullopt, and
  // the reader switched off with its reason, when a counter is unreadable or malformed.
  std::optional<double> read_joules() {
    if (!ok_) return std::nullopt;
    try {
      std::vector<std::uint64_t> now(domains_.size());
      for (std::size_t i = 0; i < domains_.size(); ++i) {
        std::string error;
        const auto v = detail::read_u64_file(domains_[i].dir / "energy_uj", error);
        if (!v) return fail("RAPL counter unreadable: " + error);
        now[i] = *v;
      }
      std::uint64_t total_uj = 0;
      for (std::size_t i = 0; i < domains_.size(); ++i) {
        auto& d = domains_[i];
        if (now[i] >= d.last_uj) {
          total_uj += now[i] - d.last_uj;
        } else if (d.max_range_uj >= d.last_uj) {  // wrapped past max_energy_range_uj
          total_uj += (d.max_range_uj - d.last_uj) + now[i];
          ++wraps_;
        } else {
          return fail("RAPL counter " + (d.dir / "energy_uj").string() + " went backwards (" +
                      std::to_string(d.last_uj) + " -> " + std::to_string(now[i]) +
                      ") and max_energy_range_uj is unknown or smaller");
        }
        d.last_uj = now[i];
      }
      return double(total_uj) * 1e-6;
    } catch (...) {
      return fail("RAPL: unexpected error while reading counters");
    }
  }

 private:
  std::nullopt_t fail(std::string why) {
    ok_ = false;
    reason_ = std::move(why);
    return std::nullopt;
  }
  void discover(bool include_dram) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(root_, ec)) {
      fail("RAPL: " + root_.string() + " does not exist (no powercap interface: a VM, a container, or an "
           "unsupported CPU)");
      return;
    }
    std::vector<std::string> ids;
    for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
      const auto id = it->path().filename().string();
      if (detail::is_top_level_rapl_zone(id) || (include_dram && detail::is_rapl_sub_zone(id))) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    std::string skipped;
    for (const auto& id : ids) {
      rapl_domain d;
      d.id = id;
      d.dir = root_ / id;
      std::string error;
      const auto name = detail::read_small_file(d.dir / "name", error);
      d.name = name ? std::string(detail::trim(*name)) : std::string();
      const bool top = detail::is_top_level_rapl_zone(id);
      const bool wanted = (top && d.name.starts_with("package")) || (include_dram && d.name == "dram");
      if (!wanted) continue;
      const auto range = detail::read_u64_file(d.dir / "max_energy_range_uj", error);
      d.max_range_uj = range.value_or(0);  // unknown: a wrap then becomes an error
      for (const char* f : {"constraint_0_max_power_uw", "constraint_0_power_limit_uw"}) {
        std::string ignored;
        if (const auto w = detail::read_u64_file(d.dir / f, ignored); w && *w > 0) {
          d.power_limit_w = double(*w) * 1e-6;
          break;
        }
      }
      const auto first = detail::read_u64_file(d.dir / "energy_uj", error);
      if (!first) {
        fail("RAPL counter unreadable: " + error);
        domains_.clear();
        return;
      }
      d.last_uj = *first;
      domains_.push_back(std::move(d));
    }
    if (domains_.empty()) fail("RAPL: no readable package domain (intel-rapl:N named package-N) under " + root_.string());
    else ok_ = true;
  }

  std::filesystem::path root_;
  std::vector<rapl_domain> domains_;
  bool ok_ = false;
  std::string reason_;
  std::size_t wraps_ = 0;
};

// ---- NVML: loaded at run time, never a build dependency -----------------------------------
// Sums nvmlDeviceGetTotalEnergyConsumption (millijoules since the driver loaded; Volta and
// newer) over every GPU NVML sees. Without the library, a GPU or that function: not ok(), and
// reason() says "no GPU energy: ...".
class nvml_reader {
 public:
  explicit nvml_reader(std::string library = "libnvidia-ml.so.1") {
    try {
      open(library);
    } catch (...) {
      fail("no GPU energy: unexpected error while loading " + library);
    }
  }
  nvml_reader(const nvml_reader&) = delete;
  nvml_reader& operator=(const nvml_reader&) = delete;
  ~nvml_reader() { close(); }

  bool ok() const { return ok_; }
  const std::string& reason() const { return reason_; }
  const std::vector<std::string>& device_names() const { return names_; }

  // Joules used by all GPUs since the previous read (or since construction).
  std::optional<double> read_joules() {
    if (!ok_) return std::nullopt;
    std::uint64_t total_mj = 0;
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      unsigned long long mj = 0;
      const int rc = energy_(devices_[i], &mj);
      if (rc != 0) return fail("no GPU energy: nvmlDeviceGetTotalEnergyConsumption failed: " + error_string(rc));
      if (mj < last_mj_[i]) return fail("no GPU energy: NVML energy counter went backwards (driver reloaded?)");
      total_mj += mj - last_mj_[i];
      last_mj_[i] = mj;
    }
    return double(total_mj) * 1e-3;
  }

 private:
  using device_t = void*;  // nvmlDevice_t is an opaque pointer
  using init_fn = int (*)();
  using count_fn = int (*)(unsigned*);
  using handle_fn = int (*)(unsigned, device_t*);
  using energy_fn = int (*)(device_t, unsigned long long*);
  using name_fn = int (*)(device_t, char*, unsigned);
  using error_fn = const char* (*)(int);

  std::nullopt_t fail(std::string why) {
    ok_ = false;
    reason_ = std::move(why);
    return std::nullopt;
  }
  std::string error_string(int rc) const {
    const char* s = error_str_ ? error_str_(rc) : nullptr;
    return s ? std::string(s) : "NVML error " + std::to_string(rc);
  }
  void open(const std::string& library) {
#ifdef LAMINA_ENERGY_HAS_DLOPEN
    lib_ = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib_) {
      const char* e = ::dlerror();
      fail("no GPU energy: " + (e ? std::string(e) : library + " not found"));
      return;
    }
    auto sym = [&](const char* a, const char* b = nullptr) {
      void* p = ::dlsym(lib_, a);
      if (!p && b) p = ::dlsym(lib_, b);
      return p;
    };
    const auto init = reinterpret_cast<init_fn>(sym("nvmlInit_v2", "nvmlInit"));
    shutdown_ = reinterpret_cast<init_fn>(sym("nvmlShutdown"));
    const auto count = reinterpret_cast<count_fn>(sym("nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"));
    const auto handle = reinterpret_cast<handle_fn>(sym("nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"));
    const auto name = reinterpret_cast<name_fn>(sym("nvmlDeviceGetName"));
    energy_ = reinterpret_cast<energy_fn>(sym("nvmlDeviceGetTotalEnergyConsumption"));
    error_str_ = reinterpret_cast<error_fn>(sym("nvmlErrorString"));
    if (!init || !count || !handle) { fail("no GPU energy: " + library + " lacks nvmlInit/nvmlDeviceGetCount"); return; }
    if (!energy_) { fail("no GPU energy: " + library + " has no nvmlDeviceGetTotalEnergyConsumption (driver too old)"); return; }
    if (const int rc = init(); rc != 0) { fail("no GPU energy: nvmlInit failed: " + error_string(rc)); return; }
    initialised_ = true;
    unsigned n = 0;
    if (const int rc = count(&n); rc != 0) { fail("no GPU energy: nvmlDeviceGetCount failed: " + error_string(rc)); return; }
    if (n == 0) { fail("no GPU energy: NVML sees no GPU"); return; }
    for (unsigned i = 0; i < n; ++i) {
      device_t d = nullptr;
      if (const int rc = handle(i, &d); rc != 0) { fail("no GPU energy: GPU " + std::to_string(i) + ": " + error_string(rc)); return; }
      char buf[96] = {};
      names_.push_back(name && name(d, buf, sizeof buf) == 0 ? std::string(buf) : "GPU " + std::to_string(i));
      unsigned long long mj = 0;
      if (const int rc = energy_(d, &mj); rc != 0)
        { fail("no GPU energy: " + names_.back() + ": nvmlDeviceGetTotalEnergyConsumption: " + error_string(rc) +
                    " (needs Volta or newer)"); return; }
      devices_.push_back(d);
      last_mj_.push_back(mj);
    }
    ok_ = true;
#else
    fail("no GPU energy: dlopen is not available on this platform (" + library + ")");
#endif
  }
  void close() {
#ifdef LAMINA_ENERGY_HAS_DLOPEN
    if (initialised_ && shutdown_) shutdown_();
    if (lib_) ::dlclose(lib_);
#endif
    lib_ = nullptr;
  }

  void* lib_ = nullptr;
  bool initialised_ = false;
  init_fn shutdown_ = nullptr;
  energy_fn energy_ = nullptr;
  error_fn error_str_ = nullptr;
  std::vector<device_t> devices_;
  std::vector<std::uint64_t> last_mj_;
  std::vector<std::string> names_;
  bool ok_ = false;
  std::string reason_;
};

}  // namespace lamina::train
