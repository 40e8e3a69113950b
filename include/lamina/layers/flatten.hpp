#pragma once
// Flatten: [C, H, W] -> [C*H*W] per sample, as torch.nn.Flatten(). A view: the network
// aliases its output to its input, so it costs no copy forward or backward.
#include "../core/layer.hpp"

namespace lamina {

/// [C, H, W] -> [C*H*W] per sample, as torch.nn.Flatten(); a view, so it costs no copy.
struct Flatten {
  static constexpr std::string_view name = "Flatten";  ///< The layer's name in summaries.
  static constexpr std::size_t param_count = 0;        ///< No parameters.
  static constexpr bool is_view = true;  ///< The network aliases the output to the input.
  /// Any shape.
  static constexpr bool accepts(dims) { return true; }
  /// One dimension of all the input's elements.
  static constexpr dims output(dims in) { return make_dims(in.size()); }
  /// Any shape is accepted, so `in` itself.
  static constexpr dims expected(dims in) { return in; }
};

}  // namespace lamina
