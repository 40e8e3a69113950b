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
#include <string>
#include <vector>

#include "energy_sources.hpp"

namespace lamina::train {

struct energy_config {
  // World average carbon intensity of electricity, 2019: 475 g CO2eq/kWh (IEA, Global Energy &
  // CO2 Status Report 2019; CarbonTracker's WORLD_2019_CARBON_INTENSITY). Set your grid's value.
  double carbon_intensity_g_per_kwh = 475.0;
  // Power usage effectiveness of the data centre: 1.58, the 2023 global average of the Uptime
  // Institute survey, which CarbonTracker applies (constants.PUE_2023). 1.0 = no overhead.
  double pue = 1.58;
  // ASSUMPTION used only when RAPL cannot be read: power drawn per busy core. 12 W is Green
  // Algorithms' default per-core TDP ("Any" CPU; Lannelongue et al. 2021). CPU time x this.
  double watts_per_core = 12.0;
  // CO2eq of driving 1 km: 107.5 g, EU average new passenger car 2020 (EEA), CarbonTracker's
  // latest conversion factor.
  double car_g_co2eq_per_km = 107.5;
  std::string powercap_root = "/sys/class/powercap";
  bool use_rapl = true;
  bool include_dram = false;  // add RAPL dram domains (CarbonTracker does; packages exclude DRAM)
  bool use_nvml = true;
  std::string nvml_library = "libnvidia-ml.so.1";
  double min_poll_interval_s = 1.0;  // poll() reads the counters at most this often
};

enum class energy_source { measured_rapl, estimated_cpu_time, mixed };
enum class gpu_energy_source { none, measured_nvml };

// One epoch, a total, or a prediction. Joules are what the hardware drew (before PUE); every
// kWh and the g CO2eq include PUE, as in CarbonTracker.
struct energy_usage {
  std::size_t epochs = 0;
  double seconds = 0;      // wall time (steady clock)
  double cpu_seconds = 0;  // process CPU time, all threads
  double cpu_joules = 0;   // RAPL delta, or cpu_seconds x watts_per_core when estimated
  double cpu_joules_estimate = 0;  // the CPU-time estimate, kept even when RAPL measured
  double gpu_joules = 0;
  double cpu_kwh = 0, gpu_kwh = 0, kwh = 0;  // x PUE; kwh = cpu_kwh + gpu_kwh
  double g_co2eq = 0;
  double car_km = 0;
  energy_source source = energy_source::estimated_cpu_time;
  gpu_energy_source gpu_source = gpu_energy_source::none;

  energy_usage& operator+=(const energy_usage& o) {
    if (epochs == 0) source = o.source, gpu_source = o.gpu_source;
    else if (o.epochs != 0 && source != o.source) source = energy_source::mixed;
    if (o.gpu_source == gpu_energy_source::measured_nvml) gpu_source = o.gpu_source;
    epochs += o.epochs;
    seconds += o.seconds, cpu_seconds += o.cpu_seconds;
    cpu_joules += o.cpu_joules, cpu_joules_estimate += o.cpu_joules_estimate, gpu_joules += o.gpu_joules;
    cpu_kwh += o.cpu_kwh, gpu_kwh += o.gpu_kwh, kwh += o.kwh;
    g_co2eq += o.g_co2eq, car_km += o.car_km;
    return *this;
  }
};

// The accounting itself: J -> kWh (/ 3.6e6) x PUE, x carbon intensity -> g, / car g/km -> km.
// rapl_joules / gpu_joules: measured values, or nullopt when not measured.
inline energy_usage make_energy_usage(double seconds, double cpu_seconds, std::optional<double> rapl_joules,
                                      std::optional<double> gpu_joules, const energy_config& c) {
  energy_usage u;
  u.epochs = 1;
  u.seconds = seconds;
  u.cpu_seconds = cpu_seconds;
  u.cpu_joules_estimate = cpu_seconds * c.watts_per_core;
  u.source = rapl_joules ? energy_source::measured_rapl : energy_source::estimated_cpu_time;
  u.cpu_joules = rapl_joules ? *rapl_joules : u.cpu_joules_estimate;
  u.gpu_source = gpu_joules ? gpu_energy_source::measured_nvml : gpu_energy_source::none;
  u.gpu_joules = gpu_joules.value_or(0.0);
  u.cpu_kwh = u.cpu_joules / 3.6e6 * c.pue;
  u.gpu_kwh = u.gpu_joules / 3.6e6 * c.pue;
  u.kwh = u.cpu_kwh + u.gpu_kwh;
  u.g_co2eq = u.kwh * c.carbon_intensity_g_per_kwh;
  u.car_km = c.car_g_co2eq_per_km > 0 ? u.g_co2eq / c.car_g_co2eq_per_km : 0.0;
  return u;
}

namespace detail {
// x with `sig` significant digits in fixed notation: 0.000123, 12.3, 4560.
inline std::string format_sig(double x, int sig = 3) {
  if (x == 0 || !std::isfinite(x)) return x == 0 ? "0" : std::to_string(x);
  const int decimals = std::clamp(sig - 1 - int(std::floor(std::log10(std::fabs(x)))), 0, 12);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {  // 12.0 -> 12, 0.250 -> 0.25
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s;
}
// H:MM:SS, like CarbonTracker's time strings.
inline std::string format_duration(double s) {
  const long long t = std::llround(std::max(0.0, s));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
  return buf;
}
inline energy_usage scaled(energy_usage u, double f, std::size_t epochs) {
  u.epochs = epochs;
  for (double* v : {&u.seconds, &u.cpu_seconds, &u.cpu_joules, &u.cpu_joules_estimate, &u.gpu_joules, &u.cpu_kwh,
                    &u.gpu_kwh, &u.kwh, &u.g_co2eq, &u.car_km})
    *v *= f;
  return u;
}
}  // namespace detail

// How the CPU energy was obtained, as every output labels it.
inline std::string source_label(energy_source s, const energy_config& c) {
  const std::string est = "estimated from CPU time at " + detail::format_sig(c.watts_per_core, 6) + " W/core (an assumption)";
  switch (s) {
    case energy_source::measured_rapl: return "measured by RAPL package counters";
    case energy_source::estimated_cpu_time: return est;
    case energy_source::mixed: return "mixed: some epochs measured by RAPL, others " + est;
  }
  return "";
}

struct energy_report {
  energy_config config;
  std::vector<energy_usage> epochs;
  energy_usage total;
  std::string cpu_device;          // "RAPL: package-0, package-1" or "no RAPL: <reason>"
  std::string gpu_device;          // "NVML: NVIDIA H100 ..." or "no GPU energy: <reason>"
  std::vector<std::string> notes;  // fallbacks with their reasons, warnings, in order

  // The whole run of `epochs_planned` epochs, extrapolated from the mean of the first
  // `from_first` measured epochs (0 = all measured so far), as CarbonTracker predicts.
  energy_usage predicted_total(std::size_t epochs_planned, std::size_t from_first = 0) const {
    const std::size_t n = from_first == 0 ? epochs.size() : std::min(from_first, epochs.size());
    if (n == 0) return detail::scaled(energy_usage{}, 0.0, epochs_planned);
    energy_usage sum;
    for (std::size_t i = 0; i < n; ++i) sum += epochs[i];
    return detail::scaled(sum, double(epochs_planned) / double(n), epochs_planned);
  }

  // CarbonTracker-like text block for what was measured so far.
  std::string str() const { return block("Actual consumption for " + std::to_string(total.epochs) + " epoch(s):", total); }
  std::string predicted_str(std::size_t epochs_planned, std::size_t from_first = 0) const {
    const auto p = predicted_total(epochs_planned, from_first);
    const std::size_t n = from_first == 0 ? epochs.size() : std::min(from_first, epochs.size());
    return block("Predicted consumption for " + std::to_string(epochs_planned) + " epoch(s) (extrapolated from " +
                     std::to_string(n) + " epoch(s)):",
                 p);
  }

  // A markdown table: one row per epoch, the total, and the prediction when epochs_planned > 0.
  std::string markdown(std::size_t epochs_planned = 0) const {
    std::string s =
        "| epoch | time | CPU time (s) | CPU energy (kWh) | GPU energy (kWh) | energy (kWh) | CO2eq (g) | car (km) | CPU "
        "energy source |\n|---|---|---:|---:|---:|---:|---:|---:|---|\n";
    auto row = [&](const std::string& label, const energy_usage& u) {
      s += "| " + label + " | " + detail::format_duration(u.seconds) + " | " + detail::format_sig(u.cpu_seconds) +
           " | " + detail::format_sig(u.cpu_kwh) + " | " +
           (u.gpu_source == gpu_energy_source::none ? std::string("none") : detail::format_sig(u.gpu_kwh)) + " | " +
           detail::format_sig(u.kwh) + " | " + detail::format_sig(u.g_co2eq) + " | " + detail::format_sig(u.car_km) +
           " | " + (u.epochs ? source_label(u.source, config) : std::string("-")) + " |\n";
    };
    for (std::size_t i = 0; i < epochs.size(); ++i) row(std::to_string(i + 1), epochs[i]);
    row("**total (" + std::to_string(total.epochs) + ")**", total);
    if (epochs_planned > 0) row("*predicted (" + std::to_string(epochs_planned) + ")*", predicted_total(epochs_planned));
    s += "\nEnergies include a PUE of " + detail::format_sig(config.pue, 6) + "; CO2eq at " +
         detail::format_sig(config.carbon_intensity_g_per_kwh, 6) + " g CO2eq/kWh; car km at " +
         detail::format_sig(config.car_g_co2eq_per_km, 6) + " g CO2eq/km. CPU: " + cpu_device + ". GPU: " + gpu_device +
         ".\n";
    for (const auto& n : notes) s += "\n- " + n;
    if (!notes.empty()) s += "\n";
    return s;
  }

 private:
  std::string block(const std::string& title, const energy_usage& u) const {
    std::string s = title + "\n";
    s += "\tTime:\t" + detail::format_duration(u.seconds) + "\n";
    s += "\tCPU time:\t" + detail::format_duration(u.cpu_seconds) +
         (u.seconds > 0 ? " (" + detail::format_sig(u.cpu_seconds / u.seconds) + " cores busy on average)" : "") + "\n";
    s += "\tEnergy:\t" + detail::format_sig(u.kwh) + " kWh (CPU " + detail::format_sig(u.cpu_kwh) + " kWh " +
         (u.epochs ? source_label(u.source, config) : std::string("-")) + "; GPU: " +
         (u.gpu_source == gpu_energy_source::none ? gpu_device : detail::format_sig(u.gpu_kwh) + " kWh measured by NVML") +
         "; PUE " + detail::format_sig(config.pue, 6) + " included)\n";
    s += "\tCO2eq:\t" + detail::format_sig(u.g_co2eq) + " g (at " + detail::format_sig(config.carbon_intensity_g_per_kwh, 6) +
         " g CO2eq/kWh)\n";
    s += "\tThis is equivalent to:\n\t" + detail::format_sig(u.car_km) + " km travelled by car\n";
    for (const auto& n : notes) s += "\tNote: " + n + "\n";
    return s;
  }
};

// Measures epochs. Never throws once constructed: a counter that stops working turns into the
// CPU-time estimate for that epoch and the rest of the run, with the reason in the notes.
class energy_tracker {
 public:
  explicit energy_tracker(energy_config config = {}, energy_clocks clocks = {})
      : config_(std::move(config)), clocks_(std::move(clocks)) {
    if (config_.use_rapl) {
      rapl_ = std::make_unique<rapl_reader>(config_.powercap_root, config_.include_dram);
      if (rapl_->ok()) {
        cpu_device_ = "RAPL:";
        for (const auto& d : rapl_->domains()) cpu_device_ += " " + d.name + (&d == &rapl_->domains().back() ? "" : ",");
      } else {
        cpu_device_ = "no RAPL (see notes), CPU energy " + source_label(energy_source::estimated_cpu_time, config_);
        notes_.push_back(rapl_->reason() + "; CPU energy is " + source_label(energy_source::estimated_cpu_time, config_));
        rapl_.reset();
      }
    } else {
      cpu_device_ = "RAPL switched off, CPU energy " + source_label(energy_source::estimated_cpu_time, config_);
    }
    if (config_.use_nvml) {
      nvml_ = std::make_unique<nvml_reader>(config_.nvml_library);
      if (nvml_->ok()) {
        gpu_device_ = "NVML:";
        for (const auto& n : nvml_->device_names()) gpu_device_ += " " + n + (&n == &nvml_->device_names().back() ? "" : ",");
      } else {
        gpu_device_ = nvml_->reason();
        nvml_.reset();
      }
    } else {
      gpu_device_ = "no GPU energy (NVML switched off)";
    }
  }

  void start_epoch() {
    if (in_epoch_) note("start_epoch() called twice without end_epoch(): the epoch restarted");
    in_epoch_ = true;
    wall0_ = last_poll_ = clocks_.wall();
    cpu0_ = clocks_.cpu();
    rapl_j_ = gpu_j_ = 0;
    if (rapl_) rapl_->read_joules();  // re-base the counters; energy between epochs is not counted
    if (nvml_) nvml_->read_joules();
    check_readers();
  }

  // Reads the counters into the current epoch (at most every min_poll_interval_s). Call it
  // from the batch loop when epochs may be longer than a RAPL counter takes to wrap.
  void poll() {
    if (!in_epoch_) return;
    const double now = clocks_.wall();
    if (now - last_poll_ < config_.min_poll_interval_s) return;
    read_counters(now);
  }

  const energy_usage& end_epoch() {
    if (!in_epoch_) {
      note("end_epoch() without start_epoch(): ignored");
      static const energy_usage empty{};
      return empty;
    }
    const double now = clocks_.wall();
    read_counters(now);
    in_epoch_ = false;
    const bool rapl_ok = rapl_ != nullptr;  // a reader that failed during the epoch is gone
    const bool gpu_ok = nvml_ != nullptr;
    epochs_.push_back(make_energy_usage(now - wall0_, clocks_.cpu() - cpu0_, rapl_ok ? std::optional(rapl_j_) : std::nullopt,
                                        gpu_ok ? std::optional(gpu_j_) : std::nullopt, config_));
    return epochs_.back();
  }

  energy_report report() const {
    energy_report r;
    r.config = config_;
    r.epochs = epochs_;
    for (const auto& e : epochs_) r.total += e;
    r.cpu_device = cpu_device_;
    r.gpu_device = gpu_device_;
    r.notes = notes_;
    return r;
  }
  energy_usage predicted_total(std::size_t epochs_planned) const { return report().predicted_total(epochs_planned); }
  std::string str() const { return report().str(); }
  std::string markdown(std::size_t epochs_planned = 0) const { return report().markdown(epochs_planned); }

  const energy_config& config() const { return config_; }
  const std::vector<energy_usage>& epochs() const { return epochs_; }
  const std::vector<std::string>& notes() const { return notes_; }
  bool measuring_rapl() const { return rapl_ != nullptr; }
  bool measuring_gpu() const { return nvml_ != nullptr; }

 private:
  void note(std::string n) {
    if (std::find(notes_.begin(), notes_.end(), n) == notes_.end()) notes_.push_back(std::move(n));
  }
  void read_counters(double now) {
    if (rapl_) {
      const double seconds_to_wrap = rapl_->seconds_to_wrap();
      if (const auto j = rapl_->read_joules()) rapl_j_ += *j;
      if (seconds_to_wrap > 0 && now - last_poll_ > seconds_to_wrap)
        note("RAPL counters were read " + detail::format_sig(now - last_poll_) + " s apart, longer than the ~" +
             detail::format_sig(seconds_to_wrap) +
             " s a package at its power limit needs to wrap: energy may be undercounted; call poll() more often");
    }
    if (nvml_)
      if (const auto j = nvml_->read_joules()) gpu_j_ += *j;
    last_poll_ = now;
    check_readers();
  }
  // A reader that failed is dropped; the epoch in progress and all later ones fall back.
  void check_readers() {
    if (rapl_ && !rapl_->ok()) {
      note(rapl_->reason() + "; from epoch " + std::to_string(epochs_.size() + 1) + " on, CPU energy is " +
           source_label(energy_source::estimated_cpu_time, config_));
      cpu_device_ = "RAPL failed (see notes), then CPU energy " + source_label(energy_source::estimated_cpu_time, config_);
      rapl_.reset();
    }
    if (nvml_ && !nvml_->ok()) {
      note(nvml_->reason() + " (from epoch " + std::to_string(epochs_.size() + 1) + " on)");
      gpu_device_ = nvml_->reason();
      nvml_.reset();
    }
  }

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
