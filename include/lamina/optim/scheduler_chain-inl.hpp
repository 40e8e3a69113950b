#pragma once
// Definitions for scheduler_chain.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "scheduler_chain.hpp"

namespace lamina::optim {

namespace detail {

LAMINA_INLINE scheduler_state combined_state(std::size_t last_epoch, const std::vector<scheduler_ref>& list) {
  scheduler_state out{{"last_epoch", double(last_epoch)}};
  for (std::size_t i = 0; i < list.size(); ++i)
    for (auto& [key, value] : list[i].state()) out.emplace_back(std::to_string(i) + "." + key, value);
  return out;
}

LAMINA_INLINE std::size_t load_combined_state(const char* who, const scheduler_state& s,
                                              const std::vector<scheduler_ref>& list) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument(std::string("lamina::optim::") + who + "::load_state: " + what);
  };
  double epoch = -1;
  std::vector<scheduler_state> parts(list.size());
  for (const auto& [key, value] : s) {
    if (key == "last_epoch") {
      epoch = value;
      continue;
    }
    const auto dot = key.find('.');
    std::size_t i = list.size();
    if (dot != std::string::npos && dot > 0 && key.find_first_not_of("0123456789") == dot) i = std::stoul(key.substr(0, dot));
    if (i >= list.size())
      fail("unknown entry '" + key + "' (expected last_epoch and <i>.<key> for i < " + std::to_string(list.size()) + ")");
    parts[i].emplace_back(key.substr(dot + 1), value);
  }
  if (!(epoch >= 0 && epoch <= 0x1p53) || epoch != std::floor(epoch))
    fail("last_epoch must be an integer in [0, 2^53]" + std::string(epoch < 0 ? " (missing?)" : ""));
  // Each scheduler checks its part before it changes anything; should a later part be refused,
  // the schedulers before it stay restored.
  for (std::size_t i = 0; i < list.size(); ++i) list[i].load_state(parts[i]);
  return std::size_t(epoch);
}

}  // namespace detail

LAMINA_INLINE ChainedScheduler::ChainedScheduler(std::initializer_list<detail::scheduler_ref> schedulers)
    : list_(schedulers) {
  if (list_.empty()) throw std::invalid_argument("lamina::optim::ChainedScheduler: give at least one scheduler");
}

LAMINA_INLINE void ChainedScheduler::step() {
  ++last_epoch_;
  for (const auto& s : list_) s.step();
}

LAMINA_INLINE SequentialLR::SequentialLR(std::initializer_list<detail::scheduler_ref> schedulers,
                                         sequential_lr_options options)
    : list_(schedulers), options_(std::move(options)) {
  const auto& m = options_.milestones;
  if (list_.empty()) throw std::invalid_argument("lamina::optim::SequentialLR: give at least one scheduler");
  if (m.size() + 1 != list_.size())
    throw std::invalid_argument("lamina::optim::SequentialLR: " + std::to_string(list_.size()) +
                                " schedulers need " + std::to_string(list_.size() - 1) + " milestones, got " +
                                std::to_string(m.size()));
  for (std::size_t i = 0; i < m.size(); ++i)
    if (m[i] < 1 || (i > 0 && m[i] <= m[i - 1]))
      throw std::invalid_argument("lamina::optim::SequentialLR: milestones must be increasing and >= 1, got " +
                                  std::to_string(m[i]) + " at position " + std::to_string(i));
  // PyTorch: every scheduler starts from the optimizer's initial lr; the first one runs now.
  const double base = list_.front().base_lr();
  for (const auto& s : list_) s.set_base_lr(base);
  list_.front().restart();
}

LAMINA_INLINE std::size_t SequentialLR::active_at(std::size_t epoch) const {
  const auto& m = options_.milestones;
  return std::size_t(std::upper_bound(m.begin(), m.end(), epoch) - m.begin());
}

LAMINA_INLINE void SequentialLR::step() {
  ++last_epoch_;
  active_ = active_at(last_epoch_);
  if (active_ > 0 && options_.milestones[active_ - 1] == last_epoch_) list_[active_].restart();
  else list_[active_].step();
}

LAMINA_INLINE void SequentialLR::load_state(const scheduler_state& s) {
  last_epoch_ = detail::load_combined_state("SequentialLR", s, list_);
  active_ = active_at(last_epoch_);
  // The optimizer's lr is the active scheduler's (each restored its own; the active one last).
  list_[active_].load_state([&] {
    scheduler_state part;
    const std::string prefix = std::to_string(active_) + ".";
    for (const auto& [key, value] : s)
      if (key.rfind(prefix, 0) == 0) part.emplace_back(key.substr(prefix.size()), value);
    return part;
  }());
}

}  // namespace lamina::optim
