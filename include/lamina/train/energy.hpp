#pragma once
// CarbonTracker-style energy and carbon accounting for a training run: per epoch and in total,
// time, CPU time, kWh (PUE included) and g CO2eq, and a prediction for the whole run from the
// first epochs. CPU energy is measured by RAPL package counters when they can be read and is
// otherwise ESTIMATED from CPU time x an assumed power per core, labelled so everywhere. GPU
// energy comes from NVML when the library and a GPU are there. See docs/energy.md.
//
//   lm::train::energy_tracker tracker({.carbon_intensity_g_per_kwh = 475, .pue = 1.58});
//   for (int e = 0; e < epochs; ++e) {
//     tracker.start_epoch();
//     ... train, calling tracker.poll() now and then (cheap; guards against counter wrap) ...
//     tracker.end_epoch();
//     if (e == 0) std::cout << tracker.report().predicted_str(epochs);
//   }
//   std::cout << tracker.report().str() << tracker.report().markdown(epochs);
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "energy_sources.hpp"

namespace lamina::train {

/// The energy tracker's constants and switches, with CarbonTracker's defaults.
struct energy_config {
  /// World average carbon intensity of electricity, 2019: 475 g CO2eq/kWh (IEA, Global Energy &
  /// CO2 Status Report 2019; CarbonTracker's WORLD_2019_CARBON_INTENSITY). Set your grid's value.
  double carbon_intensity_g_per_kwh = 475.0;
  /// Power usage effectiveness of the data centre: 1.58, the 2023 global average of the Uptime
  /// Institute survey, which CarbonTracker applies (constants.PUE_2023). 1.0 = no overhead.
  double pue = 1.58;
  /// ASSUMPTION used only when RAPL cannot be read: power drawn per busy core. 12 W is Green
  /// Algorithms' default per-core TDP ("Any" CPU; Lannelongue et al. 2021). CPU time x this.
  double watts_per_core = 12.0;
  /// CO2eq of driving 1 km: 107.5 g, EU average new passenger car 2020 (EEA), CarbonTracker's
  /// latest conversion factor.
  double car_g_co2eq_per_km = 107.5;
  std::string powercap_root = "/sys/class/powercap";  ///< where the RAPL counters are read
  bool use_rapl = true;       ///< measure the CPU with RAPL when it can be read
  bool include_dram = false;  ///< add RAPL dram domains (CarbonTracker does; packages exclude DRAM)
  bool use_nvml = true;       ///< measure GPUs with NVML when the library and a GPU are there
  std::string nvml_library = "libnvidia-ml.so.1";  ///< the NVML library to load at run time
  double min_poll_interval_s = 1.0;  ///< poll() reads the counters at most this often
};

/// How the CPU energy was obtained: measured by RAPL, estimated from CPU time, or both over
/// the epochs of a total.
enum class energy_source { measured_rapl, estimated_cpu_time, mixed };
/// Whether GPU energy was measured (by NVML).
enum class gpu_energy_source { none, measured_nvml };

/// One epoch, a total, or a prediction. Joules are what the hardware drew (before PUE); every
/// kWh and the g CO2eq include PUE, as in CarbonTracker.
struct energy_usage {
  std::size_t epochs = 0;  ///< epochs counted in
  double seconds = 0;      ///< wall time (steady clock)
  double cpu_seconds = 0;  ///< process CPU time, all threads
  double cpu_joules = 0;   ///< RAPL delta, or cpu_seconds x watts_per_core when estimated
  double cpu_joules_estimate = 0;  ///< the CPU-time estimate, kept even when RAPL measured
  double gpu_joules = 0;   ///< NVML's energy of every GPU (0 when not measured)
  /// x PUE; kwh = cpu_kwh + gpu_kwh
  ///@{
  double cpu_kwh = 0, gpu_kwh = 0, kwh = 0;
  ///@}
  double g_co2eq = 0;      ///< kwh x carbon intensity
  double car_km = 0;       ///< the same CO2eq as kilometres driven
  energy_source source = energy_source::estimated_cpu_time;  ///< how cpu_joules was obtained
  gpu_energy_source gpu_source = gpu_energy_source::none;    ///< whether gpu_joules was measured

  /// Adds another epoch or total (the source becomes mixed when they differ).
  energy_usage& operator+=(const energy_usage& o);
};


/// The accounting itself: J -> kWh (/ 3.6e6) x PUE, x carbon intensity -> g, / car g/km -> km.
/// rapl_joules / gpu_joules: measured values, or nullopt when not measured.
LAMINA_INLINE energy_usage make_energy_usage(double seconds, double cpu_seconds, std::optional<double> rapl_joules,
                                             std::optional<double> gpu_joules, const energy_config& c);

namespace detail {
// x with `sig` significant digits in fixed notation: 0.000123, 12.3, 4560.
LAMINA_INLINE std::string format_sig(double x, int sig = 3);
// H:MM:SS, like CarbonTracker's time strings.
LAMINA_INLINE std::string format_duration(double s);
LAMINA_INLINE energy_usage scaled(energy_usage u, double f, std::size_t epochs);
}  // namespace detail

/// How the CPU energy was obtained, as every output labels it.
LAMINA_INLINE std::string source_label(energy_source s, const energy_config& c);

/// What an energy_tracker measured: every epoch, the total and where the numbers came from.
struct energy_report {
  energy_config config;              ///< the constants used
  std::vector<energy_usage> epochs;  ///< one per measured epoch
  energy_usage total;                ///< the sum of the epochs
  std::string cpu_device;          ///< `"RAPL: package-0, package-1"` or `"no RAPL: <reason>"`
  std::string gpu_device;          ///< `"NVML: NVIDIA H100 ..."` or `"no GPU energy: <reason>"`
  std::vector<std::string> notes;  ///< fallbacks with their reasons, warnings, in order

  /// The whole run of `epochs_planned` epochs, extrapolated from the mean of the first
  /// `from_first` measured epochs (0 = all measured so far), as CarbonTracker predicts.
  energy_usage predicted_total(std::size_t epochs_planned, std::size_t from_first = 0) const;

  /// CarbonTracker-like text block for what was measured so far.
  std::string str() const;
  /// CarbonTracker-like text block for the predicted whole run (see predicted_total).
  std::string predicted_str(std::size_t epochs_planned, std::size_t from_first = 0) const;

  /// A markdown table: one row per epoch, the total, and the prediction when epochs_planned > 0.
  std::string markdown(std::size_t epochs_planned = 0) const;

 private:
  std::string block(const std::string& title, const energy_usage& u) const;
};

/// Measures epochs, as CarbonTracker does. Never throws once constructed: a counter that stops
/// working turns into the CPU-time estimate for that epoch and the rest of the run, with the
/// reason in the notes.
class energy_tracker {
 public:
  /// Opens the RAPL counters and NVML as the config allows (falling back, with notes);
  /// `clocks` replaces the wall and CPU clocks (tests).
  explicit energy_tracker(energy_config config = {}, energy_clocks clocks = {});

  /// Starts measuring an epoch.
  void start_epoch();

  /// Reads the counters into the current epoch (at most every min_poll_interval_s). Call it
  /// from the batch loop when epochs may be longer than a RAPL counter takes to wrap.
  void poll();

  /// Ends the epoch and returns its usage.
  const energy_usage& end_epoch();

  /// The epochs so far, their total, the devices and the notes.
  energy_report report() const;
  /// report().predicted_total(epochs_planned).
  energy_usage predicted_total(std::size_t epochs_planned) const;
  /// report().str().
  std::string str() const;
  /// report().markdown(epochs_planned).
  std::string markdown(std::size_t epochs_planned = 0) const;

  /// The config.
  const energy_config& config() const { return config_; }
  /// The measured epochs.
  const std::vector<energy_usage>& epochs() const { return epochs_; }
  /// Fallbacks with their reasons, warnings, in order.
  const std::vector<std::string>& notes() const { return notes_; }
  /// Whether the CPU is measured by RAPL (else estimated from CPU time).
  bool measuring_rapl() const { return rapl_ != nullptr; }
  /// Whether GPUs are measured by NVML.
  bool measuring_gpu() const { return nvml_ != nullptr; }

 private:
  void note(std::string n);
  void read_counters(double now);
  // A reader that failed is dropped; the epoch in progress and all later ones fall back.
  void check_readers();

  energy_config config_;
  energy_clocks clocks_;
  std::unique_ptr<rapl_reader> rapl_;
  std::unique_ptr<nvml_reader> nvml_;
  std::string cpu_device_, gpu_device_;
  std::vector<std::string> notes_;
  std::vector<energy_usage> epochs_;
  bool in_epoch_ = false;
  double wall0_ = 0, cpu0_ = 0, last_poll_ = 0;
  double rapl_j_ = 0, gpu_j_ = 0;
};

}  // namespace lamina::train

#ifndef LAMINA_COMPILED_LIB
#include "energy-inl.hpp"
#endif
