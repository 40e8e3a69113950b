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

#include "../core/config.hpp"

namespace lamina::train {

// ---- clocks --------------------------------------------------------------------------------
/// Wall time on the steady clock, in seconds from an arbitrary origin.
LAMINA_INLINE double steady_seconds();
/// CPU time of the whole process (all threads, user + system), in seconds.
LAMINA_INLINE double process_cpu_seconds();
/// The two clocks a tracker reads; tests replace them to make the arithmetic exact.
struct energy_clocks {
  std::function<double()> wall = steady_seconds;      ///< wall time in seconds
  std::function<double()> cpu = process_cpu_seconds;  ///< the process's CPU time in seconds
};

namespace detail {
// Reads a small (sysfs) file whole. On failure: nullopt, and `error` says which file and why.
LAMINA_INLINE std::optional<std::string> read_small_file(const std::filesystem::path& p, std::string& error);
LAMINA_INLINE std::string_view trim(std::string_view s);
// A sysfs file holding one unsigned integer; nullopt and a reason when unreadable or malformed.
LAMINA_INLINE std::optional<std::uint64_t> read_u64_file(const std::filesystem::path& p, std::string& error);
// "intel-rapl:0" -> true (a top-level zone); "intel-rapl:0:1" (a sub-zone), "intel-rapl" -> false.
LAMINA_INLINE bool is_top_level_rapl_zone(std::string_view id);
LAMINA_INLINE bool is_rapl_sub_zone(std::string_view id);
}  // namespace detail

// ---- RAPL (Intel, and AMD Zen on Linux >= 5.8, under the same intel-rapl name) ------------
/// One RAPL domain (a package's or DRAM's energy counter) in the powercap sysfs tree.
struct rapl_domain {
  std::string id;                  ///< "intel-rapl:0"
  std::string name;                ///< "package-0"
  std::filesystem::path dir;       ///< `<root>/intel-rapl:0`
  std::uint64_t max_range_uj = 0;  ///< max_energy_range_uj: the counter wraps to 0 past it
  double power_limit_w = 0;        ///< constraint_0_max_power_uw or _power_limit_uw, 0 if unknown
  std::uint64_t last_uj = 0;       ///< the last value read
};

/// Sums the energy of the package domains (and, optionally, the DRAM domains, which packages do
/// not include). Sub-domains core/uncore are part of their package and never added; "psys"
/// covers the whole platform, package included, and is skipped; intel-rapl-mmio duplicates the
/// package counter and is skipped.
class rapl_reader {
 public:
  /// Finds the domains under `root`; not ok(), with a reason, when none can be read.
  explicit rapl_reader(std::filesystem::path root = "/sys/class/powercap", bool include_dram = false);

  /// Whether the counters can be read.
  bool ok() const { return ok_; }
  const std::string& reason() const { return reason_; }  ///< why not ok()
  /// The domains summed.
  const std::vector<rapl_domain>& domains() const { return domains_; }
  std::size_t wraps() const { return wraps_; }  ///< counter wrap-arounds seen so far
  /// How long the fastest-wrapping domain takes to wrap at its power limit (500 W if unknown).
  double seconds_to_wrap() const;

  /// Joules used by all domains since the previous read (or since construction); nullopt, and
  /// the reader switched off with its reason, when a counter is unreadable or malformed.
  std::optional<double> read_joules();

 private:
  std::nullopt_t fail(std::string why);
  void discover(bool include_dram);

  std::filesystem::path root_;
  std::vector<rapl_domain> domains_;
  bool ok_ = false;
  std::string reason_;
  std::size_t wraps_ = 0;
};

// ---- NVML: loaded at run time, never a build dependency -----------------------------------
/// Sums nvmlDeviceGetTotalEnergyConsumption (millijoules since the driver loaded; Volta and
/// newer) over every GPU NVML sees. Without the library, a GPU or that function: not ok(), and
/// reason() says "no GPU energy: ...".
class nvml_reader {
 public:
  /// Loads `library` with dlopen and initialises NVML; not ok(), with a reason, when the library,
  /// a GPU or the energy function is missing.
  explicit nvml_reader(std::string library = "libnvidia-ml.so.1");
  nvml_reader(const nvml_reader&) = delete;
  nvml_reader& operator=(const nvml_reader&) = delete;
  /// Shuts NVML down and unloads the library.
  ~nvml_reader();

  /// Whether the GPUs' counters can be read.
  bool ok() const { return ok_; }
  /// Why not ok().
  const std::string& reason() const { return reason_; }
  /// The GPUs' names, e.g. "NVIDIA H100 80GB HBM3".
  const std::vector<std::string>& device_names() const { return names_; }

  /// Joules used by all GPUs since the previous read (or since construction).
  std::optional<double> read_joules();

 private:
  using device_t = void*;  // nvmlDevice_t is an opaque pointer
  using init_fn = int (*)();
  using count_fn = int (*)(unsigned*);
  using handle_fn = int (*)(unsigned, device_t*);
  using energy_fn = int (*)(device_t, unsigned long long*);
  using name_fn = int (*)(device_t, char*, unsigned);
  using error_fn = const char* (*)(int);

  std::nullopt_t fail(std::string why);
  std::string error_string(int rc) const;
  void open(const std::string& library);
  void close();

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

#ifndef LAMINA_COMPILED_LIB
#include "energy_sources-inl.hpp"
#endif
