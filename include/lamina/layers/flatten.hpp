#pragma once
// Flatten: [C, H, W] -> [C*H*W] per sample, as torch.nn.Flatten(). A view: the network
// aliases its output to its input, so it costs no copy forward or backward.
#include "../core/layer.hpp"

namespace lamina {

struct Flatten {
  static constexpr std::string_view name = "Flatten";
  static constexpr std::size_t param_count = 0;
  static constexpr bool is_view = true;
  static constexpr bool accepts(dims) { return true; }
  static constexpr dims output(dims in) { return make_dims(in.size()); }
  static constexpr dims expected(dims in) { return in; }
};

}  // namespace lamina
