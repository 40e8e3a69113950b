#pragma once
// Definitions for summary.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstdio>

#include "summary.hpp"

namespace lamina::detail {

LAMINA_INLINE std::string thousands(std::size_t n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(std::size_t(i), ",");
  return s;
}

LAMINA_INLINE void add_summary_row(std::vector<summary_row>& rows, std::size_t depth, std::size_t index,
                                   std::string_view name, dims out, std::size_t params, bool container) {
  std::string indent;
  for (std::size_t d = 1; d < depth; ++d) indent += "│    ";
  rows.push_back({indent + "├─" + std::string(name) + ": " + std::to_string(depth) + "-" + std::to_string(index),
                  out, params, container, name.find("Conv") != std::string_view::npos});
}

LAMINA_INLINE std::string format_summary(const std::vector<summary_row>& rows, const summary_totals& totals,
                                         std::size_t batch) {
  auto with_batch = [batch](dims d) {
    std::string s = "[" + std::to_string(batch);
    for (std::size_t i = 0; i < d.rank; ++i) s += ", " + std::to_string(d[i]);
    return s + "]";
  };
  const std::string rule(90, '=');
  std::string out;
  char line[256];
  auto add = [&](const std::string& s) { out += s + "\n"; };
  add(rule);
  std::snprintf(line, sizeof line, "%-50s %-25s %13s", "Layer (type:depth-idx)", "Output Shape", "Param #");
  add(line);
  add(rule);
  for (const auto& r : rows) {
    // Box-drawing characters take 3 bytes but one column: pad by display width.
    std::size_t width = 0;
    for (unsigned char c : r.label) width += (c & 0xC0) != 0x80;
    std::string label = r.label + std::string(width < 50 ? 50 - width : 1, ' ');
    std::string params = r.container || r.params == 0 ? "--" : thousands(r.params);
    std::snprintf(line, sizeof line, "%s %-25s %13s", label.c_str(), with_batch(r.out).c_str(), params.c_str());
    add(line);
  }
  // torchinfo's totals (summary.hpp): mult-adds and activation bytes over the leaf layers.
  double mult_adds = 0, activation_bytes = 0;
  for (const auto& r : rows) {
    if (r.container || r.params == 0) continue;
    const double spatial = r.conv && r.out.rank > 1 ? double(r.out.size() / r.out[0]) : 1.0;
    mult_adds += double(r.params) * double(batch) * spatial;
    activation_bytes += 2.0 * double(r.out.size() * batch * sizeof(float));  // output and its gradient
  }
  const double mb = 1e6;  // torchinfo's MB
  const std::size_t P = totals.params;
  const double in_mb = double(totals.in.size() * batch * sizeof(float)) / mb;
  const double act_mb = activation_bytes / mb;
  const double par_mb = double(P * sizeof(float)) / mb;
  // torchinfo's unit for the mult-adds: T, G or M
  const char* unit = mult_adds >= 1e12 ? "T" : mult_adds >= 1e9 ? "G" : "M";
  const double scaled = mult_adds / (mult_adds >= 1e12 ? 1e12 : mult_adds >= 1e9 ? 1e9 : 1e6);
  add(rule);
  add("Total params: " + thousands(P));
  add("Trainable params: " + thousands(P));
  add("Non-trainable params: 0");
  std::snprintf(line, sizeof line, "Total mult-adds (%s): %.2f", unit, scaled);
  add(line);
  add(rule);
  std::snprintf(line, sizeof line, "Input size (MB): %.2f\nForward/backward pass size (MB): %.2f\n"
                "Params size (MB): %.2f\nEstimated Total Size (MB): %.2f",
                in_mb, act_mb, par_mb, in_mb + act_mb + par_mb);
  add(line);
  add(rule);
  return out;
}

}  // namespace lamina::detail
