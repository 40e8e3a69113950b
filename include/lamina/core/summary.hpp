#pragma once
// A torchinfo-like summary, computed from the compile-time description alone: every row
// (layer, output shape, parameters) and every total comes from constexpr data. Only the walk over
// the network's children is a template; building and formatting the table is not (summary-inl.hpp).
// The totals follow torchinfo's rules, so the two tables agree for the same network:
//  - mult-adds: per leaf layer, batch * parameters, or for convolutions (a name containing
//    "Conv") parameters * batch * output height * width; layers without parameters count 0;
//  - forward/backward pass size: twice the output bytes of every leaf layer with parameters;
//  - sizes in MB of 10^6 bytes (float32: 4 bytes a value).
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "config.hpp"
#include "layer.hpp"
#include "sequential.hpp"

namespace lamina {
namespace detail {

struct summary_row {
  std::string label;
  dims out;
  std::size_t params;
  bool container;
  bool conv = false;  // counted as a convolution in the mult-adds (torchinfo: "Conv" in the name)
};

// The network-wide figures under the table (per sample: the input shape; the parameter count).
struct summary_totals {
  dims in;
  std::size_t params;
};

LAMINA_INLINE std::string thousands(std::size_t n);
// Appends the row of child `index` (from 1) at `depth` (from 1) of a container.
LAMINA_INLINE void add_summary_row(std::vector<summary_row>& rows, std::size_t depth, std::size_t index,
                                   std::string_view name, dims out, std::size_t params, bool container);
LAMINA_INLINE std::string format_summary(const std::vector<summary_row>& rows, const summary_totals& totals,
                                         std::size_t batch);

// Containers (Sequential, Residual) list their children through visit_children(in, visitor),
// calling visitor.template operator()<Child>(child input shape); rows recurse into them.
template <class L>
concept HasChildren = requires(dims in) { L::visit_children(in, [](auto, dims) {}); };

template <class Net>
void summary_rows(dims in, std::size_t depth, std::vector<summary_row>& rows) {
  std::size_t index = 0;
  Net::visit_children(in, [&]<class L>(std::type_identity<L>, dims child_in) {
    add_summary_row(rows, depth, ++index, L::name, L::output(child_in), L::param_count, HasChildren<L>);
    if constexpr (HasChildren<L>) summary_rows<L>(child_in, depth + 1, rows);
  });
}

}  // namespace detail

/// The summary table for a batch of `batch` samples of InShape: each layer with its output
/// shape and parameter count, then the totals and memory estimates (torchinfo's summary).
template <Layer Net, ShapeType InShape>
std::string summary(std::size_t batch = 1) {
  using network = std::conditional_t<is_sequential_v<Net>, Net, Sequential<Net>>;
  constexpr dims in = InShape::value;
  std::vector<detail::summary_row> rows;
  rows.push_back({"Sequential", network::output(in), network::param_count, true});
  detail::summary_rows<network>(in, 1, rows);
  return detail::format_summary(rows, {in, network::param_count}, batch);
}

}  // namespace lamina

#ifndef LAMINA_COMPILED_LIB
#include "summary-inl.hpp"
#endif
