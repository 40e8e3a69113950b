#pragma once
// Element-wise activations: ReLU, LeakyReLU, Sigmoid, Tanh. Shape in = shape out, no
// parameters; each maps its forward and backward bodies (kernels/common/elementwise.hpp) over
// the batch on the model's backend.
#include <string>

#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {
namespace detail {
struct elementwise_layer {
  static constexpr std::size_t param_count = 0;
  static constexpr bool accepts(dims) { return true; }
  static constexpr dims output(dims in) { return in; }
  static constexpr dims expected(dims in) { return in; }
  static constexpr std::size_t flops(dims in) { return in.size(); }
};
}  // namespace detail

/// max(0, x), as torch.nn.ReLU.
struct ReLU : detail::elementwise_layer {
  static constexpr std::string_view name = "ReLU";  ///< The layer's name in summaries.
  static constexpr epilogue as_epilogue = epilogue::relu;  ///< a preceding layer may absorb it
  /// y = max(0, x) over the batch.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::map(b, a.batch * In.size(), a.y, kernels::fn::relu_forward{}, a.x);
  }
  /// dx = dy where y > 0, else 0.
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::map(b, a.batch * In.size(), a.dx, kernels::fn::relu_backward{}, a.y, a.dy);
  }
};

/// x for x >= 0, NegativeSlope * x below, as torch.nn.LeakyReLU(negative_slope).
/// LeakyReLUOf<Slope> for any negative slope; LeakyReLU is PyTorch's default 0.01.
template <float NegativeSlope>
struct LeakyReLUOf : detail::elementwise_layer {
  static constexpr std::string_view name = "LeakyReLU";  ///< The layer's name in summaries.
  static constexpr float negative_slope = NegativeSlope;  ///< The slope for negative inputs.
  /// The layer as PyTorch prints it, e.g. "LeakyReLU(negative_slope=0.010000)".
  static std::string describe() { return "LeakyReLU(negative_slope=" + std::to_string(NegativeSlope) + ")"; }
  /// y = x, or NegativeSlope * x for x < 0, over the batch.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::map(b, a.batch * In.size(), a.y, kernels::fn::leaky_relu_forward{NegativeSlope}, a.x);
  }
  /// dx = dy, or NegativeSlope * dy where x < 0.
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::map(b, a.batch * In.size(), a.dx, kernels::fn::leaky_relu_backward{NegativeSlope}, a.x, a.dy);
  }
};
/// torch.nn.LeakyReLU() with its default negative slope, 0.01.
using LeakyReLU = LeakyReLUOf<0.01f>;

/// 1 / (1 + exp(-x)), as torch.nn.Sigmoid.
struct Sigmoid : detail::elementwise_layer {
  static constexpr std::string_view name = "Sigmoid";  ///< The layer's name in summaries.
  /// y = 1 / (1 + exp(-x)) over the batch.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::map(b, a.batch * In.size(), a.y, kernels::fn::sigmoid_forward{}, a.x);
  }
  /// dx = dy * y * (1 - y).
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::map(b, a.batch * In.size(), a.dx, kernels::fn::sigmoid_backward{}, a.y, a.dy);
  }
};

/// The hyperbolic tangent, as torch.nn.Tanh.
struct Tanh : detail::elementwise_layer {
  static constexpr std::string_view name = "Tanh";  ///< The layer's name in summaries.
  /// y = tanh(x) over the batch.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::map(b, a.batch * In.size(), a.y, kernels::fn::tanh_forward{}, a.x);
  }
  /// dx = dy * (1 - y^2).
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::map(b, a.batch * In.size(), a.dx, kernels::fn::tanh_backward{}, a.y, a.dy);
  }
};

}  // namespace lamina
