#pragma once
// Definitions for energy_sources.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
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

#include "energy_sources.hpp"

namespace lamina::train {

// ---- clocks --------------------------------------------------------------------------------
LAMINA_INLINE double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
LAMINA_INLINE double process_cpu_seconds() {
  timespec ts{};
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0) return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
  rusage ru{};
  if (::getrusage(RUSAGE_SELF, &ru) == 0)
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  return double(std::clock()) / CLOCKS_PER_SEC;
}

namespace detail {
LAMINA_INLINE std::optional<std::string> read_small_file(const std::filesystem::path& p, std::string& error) {
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
LAMINA_INLINE std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}
LAMINA_INLINE std::optional<std::uint64_t> read_u64_file(const std::filesystem::path& p, std::string& error) {
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
LAMINA_INLINE bool is_top_level_rapl_zone(std::string_view id) {
  constexpr std::string_view prefix = "intel-rapl:";
  if (!id.starts_with(prefix) || id.size() == prefix.size()) return false;
  return std::all_of(id.begin() + prefix.size(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}
LAMINA_INLINE bool is_rapl_sub_zone(std::string_view id) {
  constexpr std::string_view prefix = "intel-rapl:";
  if (!id.starts_with(prefix)) return false;
  const auto rest = id.substr(prefix.size());
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) return false;
  return is_top_level_rapl_zone(id.substr(0, prefix.size() + colon)) &&
         std::all_of(rest.begin() + long(colon) + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace detail

// ---- RAPL ----------------------------------------------------------------------------------
LAMINA_INLINE rapl_reader::rapl_reader(std::filesystem::path root, bool include_dram) : root_(std::move(root)) {
  try {
    discover(include_dram);
  } catch (...) {
    fail("RAPL: unexpected error while scanning " + root_.string());
  }
}

LAMINA_INLINE double rapl_reader::seconds_to_wrap() const {
  double s = 0;
  for (const auto& d : domains_) {
    const double w = d.power_limit_w > 0 ? d.power_limit_w : 500.0;
    const double t = double(d.max_range_uj) * 1e-6 / w;
    if (d.max_range_uj && (s == 0 || t < s)) s = t;
  }
  return s;
}

LAMINA_INLINE std::optional<double> rapl_reader::read_joules() {
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

LAMINA_INLINE std::nullopt_t rapl_reader::fail(std::string why) {
  ok_ = false;
  reason_ = std::move(why);
  return std::nullopt;
}

LAMINA_INLINE void rapl_reader::discover(bool include_dram) {
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

// ---- NVML ----------------------------------------------------------------------------------
LAMINA_INLINE nvml_reader::nvml_reader(std::string library) {
  try {
    open(library);
  } catch (...) {
    fail("no GPU energy: unexpected error while loading " + library);
  }
}

LAMINA_INLINE nvml_reader::~nvml_reader() { close(); }

LAMINA_INLINE std::optional<double> nvml_reader::read_joules() {
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

LAMINA_INLINE std::nullopt_t nvml_reader::fail(std::string why) {
  ok_ = false;
  reason_ = std::move(why);
  return std::nullopt;
}

LAMINA_INLINE std::string nvml_reader::error_string(int rc) const {
  const char* s = error_str_ ? error_str_(rc) : nullptr;
  return s ? std::string(s) : "NVML error " + std::to_string(rc);
}

LAMINA_INLINE void nvml_reader::open(const std::string& library) {
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

LAMINA_INLINE void nvml_reader::close() {
#ifdef LAMINA_ENERGY_HAS_DLOPEN
  if (initialised_ && shutdown_) shutdown_();
  if (lib_) ::dlclose(lib_);
#endif
  lib_ = nullptr;
}

}  // namespace lamina::train
