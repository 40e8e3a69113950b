#pragma once
// Definitions for energy.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "energy.hpp"

namespace lamina::train {

LAMINA_INLINE energy_usage& energy_usage::operator+=(const energy_usage& o) {
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

LAMINA_INLINE energy_usage make_energy_usage(double seconds, double cpu_seconds, std::optional<double> rapl_joules,
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
LAMINA_INLINE std::string format_sig(double x, int sig) {
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
LAMINA_INLINE std::string format_duration(double s) {
  const long long t = std::llround(std::max(0.0, s));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
  return buf;
}
LAMINA_INLINE energy_usage scaled(energy_usage u, double f, std::size_t epochs) {
  u.epochs = epochs;
  for (double* v : {&u.seconds, &u.cpu_seconds, &u.cpu_joules, &u.cpu_joules_estimate, &u.gpu_joules, &u.cpu_kwh,
                    &u.gpu_kwh, &u.kwh, &u.g_co2eq, &u.car_km})
    *v *= f;
  return u;
}
}  // namespace detail

LAMINA_INLINE std::string source_label(energy_source s, const energy_config& c) {
  const std::string est = "estimated from CPU time at " + detail::format_sig(c.watts_per_core, 6) + " W/core (an assumption)";
  switch (s) {
    case energy_source::measured_rapl: return "measured by RAPL package counters";
    case energy_source::estimated_cpu_time: return est;
    case energy_source::mixed: return "mixed: some epochs measured by RAPL, others " + est;
  }
  return "";
}

// ---- energy_report -------------------------------------------------------------------------
LAMINA_INLINE energy_usage energy_report::predicted_total(std::size_t epochs_planned, std::size_t from_first) const {
  const std::size_t n = from_first == 0 ? epochs.size() : std::min(from_first, epochs.size());
  if (n == 0) return detail::scaled(energy_usage{}, 0.0, epochs_planned);
  energy_usage sum;
  for (std::size_t i = 0; i < n; ++i) sum += epochs[i];
  return detail::scaled(sum, double(epochs_planned) / double(n), epochs_planned);
}

LAMINA_INLINE std::string energy_report::str() const {
  return block("Actual consumption for " + std::to_string(total.epochs) + " epoch(s):", total);
}

LAMINA_INLINE std::string energy_report::predicted_str(std::size_t epochs_planned, std::size_t from_first) const {
  const auto p = predicted_total(epochs_planned, from_first);
  const std::size_t n = from_first == 0 ? epochs.size() : std::min(from_first, epochs.size());
  return block("Predicted consumption for " + std::to_string(epochs_planned) + " epoch(s) (extrapolated from " +
                   std::to_string(n) + " epoch(s)):",
               p);
}

LAMINA_INLINE std::string energy_report::markdown(std::size_t epochs_planned) const {
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

LAMINA_INLINE std::string energy_report::block(const std::string& title, const energy_usage& u) const {
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

// ---- energy_tracker ------------------------------------------------------------------------
LAMINA_INLINE energy_tracker::energy_tracker(energy_config config, energy_clocks clocks)
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

LAMINA_INLINE void energy_tracker::start_epoch() {
  if (in_epoch_) note("start_epoch() called twice without end_epoch(): the epoch restarted");
  in_epoch_ = true;
  wall0_ = last_poll_ = clocks_.wall();
  cpu0_ = clocks_.cpu();
  rapl_j_ = gpu_j_ = 0;
  if (rapl_) rapl_->read_joules();  // re-base the counters; energy between epochs is not counted
  if (nvml_) nvml_->read_joules();
  check_readers();
}

LAMINA_INLINE void energy_tracker::poll() {
  if (!in_epoch_) return;
  const double now = clocks_.wall();
  if (now - last_poll_ < config_.min_poll_interval_s) return;
  read_counters(now);
}

LAMINA_INLINE const energy_usage& energy_tracker::end_epoch() {
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

LAMINA_INLINE energy_report energy_tracker::report() const {
  energy_report r;
  r.config = config_;
  r.epochs = epochs_;
  for (const auto& e : epochs_) r.total += e;
  r.cpu_device = cpu_device_;
  r.gpu_device = gpu_device_;
  r.notes = notes_;
  return r;
}
LAMINA_INLINE energy_usage energy_tracker::predicted_total(std::size_t epochs_planned) const {
  return report().predicted_total(epochs_planned);
}
LAMINA_INLINE std::string energy_tracker::str() const { return report().str(); }
LAMINA_INLINE std::string energy_tracker::markdown(std::size_t epochs_planned) const {
  return report().markdown(epochs_planned);
}

LAMINA_INLINE void energy_tracker::note(std::string n) {
  if (std::find(notes_.begin(), notes_.end(), n) == notes_.end()) notes_.push_back(std::move(n));
}
LAMINA_INLINE void energy_tracker::read_counters(double now) {
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
LAMINA_INLINE void energy_tracker::check_readers() {
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

}  // namespace lamina::train
