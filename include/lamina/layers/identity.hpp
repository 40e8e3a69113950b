#pragma once
// Identity: y = x, as torch.nn.Identity. A view, so it costs nothing; in a Concat it is the
// branch that passes the input through (a U-Net's skip connection).
#include <string>

#include "../core/layer.hpp"

namespace lamina {

/// y = x, as torch.nn.Identity: a view, so it costs no copy.
struct Identity {
  static constexpr std::string_view name = "Identity";  ///< The layer's name in summaries.
  static constexpr std::size_t param_count = 0;         ///< No parameters.
  static constexpr bool is_view = true;  ///< The network aliases the output to the input.
  /// Any shape.
  static constexpr bool accepts(dims) { return true; }
  /// The input shape.
  static constexpr dims output(dims in) { return in; }
  /// Any shape is accepted, so `in` itself.
  static constexpr dims expected(dims in) { return in; }
  /// The layer as PyTorch prints it.
  static std::string describe() { return "Identity()"; }
};

}  // namespace lamina
