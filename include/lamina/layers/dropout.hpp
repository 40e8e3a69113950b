#pragma once
// Dropout<P>: in training, zeroes each element with probability P and scales the rest by
// 1/(1-P) (inverted dropout, as torch.nn.Dropout); the identity in evaluation. The mask is
// drawn from the model's generator, so a seed reproduces it.
#include <string>

#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

/// Inverted dropout with drop probability P, as torch.nn.Dropout(p): in training, zeroes each
/// element with probability P and scales the rest by 1/(1-P); the identity in evaluation.
template <float P = 0.5f>
struct Dropout {
  static_assert(P >= 0.f && P < 1.f, "lamina::Dropout: the drop probability P must be in [0, 1)");
  static constexpr std::string_view name = "Dropout";  ///< The layer's name in summaries.
  static constexpr float p = P;                        ///< The drop probability.
  static constexpr std::size_t param_count = 0;        ///< No parameters.
  /// Any shape.
  static constexpr bool accepts(dims) { return true; }
  /// The input shape.
  static constexpr dims output(dims in) { return in; }
  /// Any shape is accepted, so `in` itself.
  static constexpr dims expected(dims in) { return in; }
  /// Floating-point operations per sample (one per element).
  static constexpr std::size_t flops(dims in) { return in.size(); }
  /// Floats of workspace per sample: the mask, kept for backward.
  static constexpr std::size_t workspace_per_sample(dims in) { return in.size(); }
  /// The layer as PyTorch prints it, e.g. "Dropout(p=0.500000)".
  static std::string describe() { return "Dropout(p=" + detail::python_float(P) + ", inplace=False)"; }

  /// In training, y = x * mask with a fresh mask from the model's generator; else y = x.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    const std::size_t n = a.batch * In.size();
    if (a.training && P > 0.f) {
      kernels::dropout_forward(b, a.x, a.y, a.workspace, n, P, (*a.gen)());
    } else {
      kernels::copy(b, a.x, a.y, n);
      kernels::fill(b, a.workspace, n, 1.f);
    }
  }
  /// dx = dy * mask (the forward pass's mask).
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::multiply(b, a.dy, a.workspace, a.dx, a.batch * In.size());
  }
};

}  // namespace lamina
