#pragma once
// A torchinfo-like summary, computed from the compile-time description alone: every row
// (layer, output shape, parameters) and every total comes from constexpr data.
#include <cstdio>
#include <type_traits>
#include <string>
#include <vector>

#include "layer.hpp"
#include "sequential.hpp"

namespace lamina {
namespace detail {

struct summary_row {
  std::string label;
  dims out;
  std::size_t params;
  bool container;
};

inline std::string thousands(std::size_t n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(std::size_t(i), ",");
  return s;
}

// Containers (Sequential, Residual) list their children through visit_children(in, visitor),
// calling visitor.template operator()<Child>(child input shape); rows recurse into them.
template <class L>
concept HasChildren = requires(dims in) { L::visit_children(in, [](auto, dims) {}); };

template <class Net>
void summary_rows(dims in, std::size_t depth, std::vector<summary_row>& rows) {
  std::size_t index = 0;
  Net::visit_children(in, [&]<class L>(std::type_identity<L>, dims child_in) {
    std::string indent;
    for (std::size_t d = 1; d < depth; ++d) indent += "│    ";
    rows.push_back({indent + "├─" + std::string(L::name) + ": " + std::to_string(depth) + "-" +
                        std::to_string(++index),
                    L::output(child_in), L::param_count, HasChildren<L>});
    if constexpr (HasChildren<L>) summary_rows<L>(child_in, depth + 1, rows);
  });
}

}  // namespace detail

// The summary table for a batch of `batch` samples of InShape.
template <Layer Net, ShapeType InShape>
std::string summary(std::size_t batch = 1) {
  using network = std::conditional_t<is_sequential_v<Net>, Net, Sequential<Net>>;
  constexpr dims in = InShape::value;
  std::vector<detail::summary_row> rows;
  rows.push_back({"Sequential", network::output(in), network::param_count, true});
  detail::summary_rows<network>(in, 1, rows);

  auto with_batch = [batch](dims d) {
    std::string s = "[" + std::to_string(batch);
    for (std::size_t i = 0; i < d.rank; ++i) s += ", " + std::to_string(d[i]);
    return s + "]";
  };
  const std::string rule(90, '='), thin(90, '-');
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
    std::string params = r.container || r.params == 0 ? "--" : detail::thousands(r.params);
    std::snprintf(line, sizeof line, "%s %-25s %13s", label.c_str(), with_batch(r.out).c_str(), params.c_str());
    add(line);
  }
  const double mb = 1024.0 * 1024.0;
  const std::size_t P = network::param_count;
  const double flops = double(network::flops(in)) * double(batch);
  const double in_mb = double(in.size() * batch * sizeof(float)) / mb;
  const double act_mb = double(network::activation_floats(in) * batch * sizeof(float)) * 2.0 / mb;
  const double par_mb = double(P * sizeof(float)) / mb;
  add(rule);
  add("Total params: " + detail::thousands(P));
  add("Trainable params: " + detail::thousands(P));
  add("Non-trainable params: 0");
  std::snprintf(line, sizeof line, "Total mult-adds (M): %.2f", flops / 2.0 / 1e6);
  add(line);
  add(rule);
  std::snprintf(line, sizeof line, "Input size (MB): %.2f\nForward/backward pass size (MB): %.2f\n"
                "Params size (MB): %.2f\nEstimated Total Size (MB): %.2f",
                in_mb, act_mb, par_mb, in_mb + act_mb + par_mb);
  add(line);
  add(rule);
  return out;
}

}  // namespace lamina
