#pragma once
// Flatten: the dimensions StartDim .. EndDim of each sample merged into one, as
// torch.nn.Flatten(start_dim, end_dim); Flatten is PyTorch's default, every dimension after the
// batch ([C, H, W] -> [C*H*W]). A view: the network aliases its output to its input, so it
// costs no copy forward or backward.
#include <string>

#include "../core/layer.hpp"
#include "../core/sample_dims.hpp"

namespace lamina {

/// The dimensions StartDim .. EndDim (PyTorch's, inclusive; 1 is a sample's first dimension and
/// -1 its last) merged into one, as torch.nn.Flatten(start_dim, end_dim); a view, so it costs no
/// copy. Flatten is FlattenOf<1, -1>.
template <int StartDim, int EndDim>
struct FlattenOf {
  static_assert(StartDim != 0 && EndDim != 0,
                "lamina Flatten: dim 0 is the batch; lamina layers act on each sample, so start_dim and "
                "end_dim must name a sample's dimensions (1, 2, ... or -1, -2, ...)");
  static_assert((StartDim > 0) != (EndDim > 0) || StartDim <= EndDim,
                "lamina Flatten: start_dim comes after end_dim");
  static constexpr std::string_view name = "Flatten";  ///< The layer's name in summaries.
  static constexpr std::size_t param_count = 0;        ///< No parameters.
  static constexpr bool is_view = true;  ///< The network aliases the output to the input.
  /// A shape with both dimensions, start_dim not after end_dim.
  static constexpr bool accepts(dims in) {
    return detail::names_sample_dim(StartDim, in) && detail::names_sample_dim(EndDim, in) &&
           detail::sample_dim(StartDim, in.rank) <= detail::sample_dim(EndDim, in.rank);
  }
  /// The input with dimensions start_dim .. end_dim replaced by their product.
  static constexpr dims output(dims in) {
    const std::size_t s = detail::sample_dim(StartDim, in.rank), e = detail::sample_dim(EndDim, in.rank);
    dims out;
    std::size_t merged = 1;
    for (std::size_t i = s; i <= e; ++i) merged *= in[i];
    for (std::size_t i = 0; i < s; ++i) out.d[out.rank++] = in[i];
    out.d[out.rank++] = merged;
    for (std::size_t i = e + 1; i < in.rank; ++i) out.d[out.rank++] = in[i];
    return out;
  }
  /// `in`, padded with 1s to the rank both dimensions need (for error messages).
  static constexpr dims expected(dims in) {
    const std::size_t start = detail::rank_needed(StartDim), end = detail::rank_needed(EndDim);
    return detail::padded_for(start >= end ? StartDim : EndDim, in, start >= end ? start : end);
  }
  /// The layer as PyTorch prints it, e.g. "Flatten(start_dim=1, end_dim=-1)".
  static std::string describe() {
    return "Flatten(start_dim=" + std::to_string(StartDim) + ", end_dim=" + std::to_string(EndDim) + ")";
  }
};

/// Every dimension of a sample merged into one ([C, H, W] -> [C*H*W]), as torch.nn.Flatten().
using Flatten = FlattenOf<1, -1>;

}  // namespace lamina
