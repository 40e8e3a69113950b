#pragma once
// Softmax over the last per-sample dimension (torch.nn.Softmax(dim=-1)). For classification
// training prefer logits + loss::CrossEntropy, which fuses log-softmax and is more stable.
#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

/// Softmax over the last per-sample dimension, as torch.nn.Softmax(dim=-1).
struct Softmax {
  static constexpr std::string_view name = "Softmax";  ///< The layer's name in summaries.
  static constexpr std::size_t param_count = 0;        ///< No parameters.
  /// Any shape of at least one dimension.
  static constexpr bool accepts(dims in) { return in.rank >= 1; }
  /// The input shape.
  static constexpr dims output(dims in) { return in; }
  /// `in`, or [1] for a rank-0 input (for error messages).
  static constexpr dims expected(dims in) { return in.rank ? in : make_dims(1); }
  /// Floating-point operations per sample (about 4 per element).
  static constexpr std::size_t flops(dims in) { return 4 * in.size(); }
  /// The layer as PyTorch prints it.
  static std::string describe() { return "Softmax(dim=-1)"; }

  /// y = exp(x - max) / sum over each row of the last dimension.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::softmax_forward(b, a.x, a.y, a.batch * In.size() / In.back(), In.back());
  }
  /// dx = y * (dy - sum(dy * y)) over each row.
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::softmax_backward(b, a.y, a.dy, a.dx, a.batch * In.size() / In.back(), In.back());
  }
};

}  // namespace lamina
