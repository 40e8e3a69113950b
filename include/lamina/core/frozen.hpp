#pragma once
// Frozen parameters (PyTorch's requires_grad = False): which parameters Model::freeze chose,
// and how to pick parameters by state_dict name pattern or layer position. A model keeps them as
// ranges of its packed parameters, so that backward and the optimizers test a range, not a name.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lamina {

/// Parameters chosen by state_dict name or by layer position, for Model::freeze and the
/// optimizers' parameter groups.
struct param_selection {
  /// state_dict name patterns: `*` matches any run of characters, `?` one ("*.bias", "0.*").
  std::vector<std::string> names = {};
  /// Top-level layer positions (the first part of a state_dict name: 0 takes "0.weight", "0.bias").
  std::vector<std::size_t> layers = {};
};

namespace detail {
/// Whether `name` matches the glob `pattern` (`*`: any run, `?`: one character).
inline bool glob_match(std::string_view pattern, std::string_view name) {
  std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p, ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, mark = n;
    } else if (star != std::string_view::npos) {
      p = star + 1, n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

/// The state_dict names of `named` (a model's named_parameters()), comma-separated, for the
/// error messages of a selection that takes nothing.
template <class Named>
std::string joined_names(const Named& named) {
  std::string all;
  for (const auto& p : named) all += (all.empty() ? "" : ", ") + p.name;
  return all;
}

/// Whether the parameter `name` matches one of `names` or sits in one of the top-level `layers`.
inline bool selects(const std::vector<std::string>& names, const std::vector<std::size_t>& layers,
                    std::string_view name) {
  for (const auto& pattern : names)
    if (glob_match(pattern, name)) return true;
  const std::string_view layer = name.substr(0, name.find('.'));
  for (std::size_t position : layers)
    if (layer == std::to_string(position)) return true;
  return false;
}
}  // namespace detail

/// Which floats of a model's packed parameters are frozen: sorted, disjoint, non-adjacent ranges
/// [begin, end). Empty unless Model::freeze was called.
class frozen_ranges {
 public:
  /// Floats [begin, end) of the packed parameters.
  struct range {
    std::size_t begin;  ///< First float.
    std::size_t end;    ///< One past the last.
  };

  /// Whether nothing is frozen.
  bool empty() const { return ranges_.empty(); }
  /// The frozen ranges, in order.
  const std::vector<range>& ranges() const { return ranges_; }

  /// Freezes (or, with frozen = false, unfreezes) the floats [begin, end).
  void set(std::size_t begin, std::size_t end, bool frozen) {
    if (begin >= end) return;
    std::vector<range> out;
    for (const range& r : ranges_) {  // what stays frozen outside [begin, end)
      if (r.end <= begin || r.begin >= end) out.push_back(r);
      else {
        if (r.begin < begin) out.push_back({r.begin, begin});
        if (r.end > end) out.push_back({end, r.end});
      }
    }
    if (frozen) out.push_back({begin, end});
    std::sort(out.begin(), out.end(), [](const range& a, const range& b) { return a.begin < b.begin; });
    ranges_.clear();
    for (const range& r : out) {
      if (!ranges_.empty() && ranges_.back().end >= r.begin) ranges_.back().end = std::max(ranges_.back().end, r.end);
      else ranges_.push_back(r);
    }
  }

  /// Whether every float of [begin, end) is frozen (true for an empty range).
  bool covers(std::size_t begin, std::size_t end) const {
    if (begin >= end) return true;
    for (const range& r : ranges_)
      if (r.begin <= begin && end <= r.end) return true;
    return false;
  }

  /// Calls fn(b, e) for each maximal run [b, e) of [begin, end) that is not frozen, in order.
  template <class Fn>
  void for_each_trainable(std::size_t begin, std::size_t end, Fn&& fn) const {
    std::size_t at = begin;
    for (const range& r : ranges_) {
      if (r.end <= at) continue;
      if (r.begin >= end) break;
      if (r.begin > at) fn(at, r.begin);
      at = std::max(at, r.end);
    }
    if (at < end) fn(at, end);
  }

 private:
  std::vector<range> ranges_;
};

}  // namespace lamina
