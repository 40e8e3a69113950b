#pragma once
// Softmax over the last per-sample dimension (torch.nn.Softmax(dim=-1)). For classification
// training prefer logits + loss::CrossEntropy, which fuses log-softmax and is more stable.
#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

struct Softmax {
  static constexpr std::string_view name = "Softmax";
  static constexpr std::size_t param_count = 0;
  static constexpr bool accepts(dims in) { return in.rank >= 1; }
  static constexpr dims output(dims in) { return in; }
  static constexpr dims expected(dims in) { return in.rank ? in : make_dims(1); }
  static constexpr std::size_t flops(dims in) { return 4 * in.size(); }
  static std::string describe() { return "Softmax(dim=-1)"; }

  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::softmax_forward(b, a.x, a.y, a.batch * In.size() / In.back(), In.back());
  }
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::softmax_backward(b, a.y, a.dy, a.dx, a.batch * In.size() / In.back(), In.back());
  }
};

}  // namespace lamina
