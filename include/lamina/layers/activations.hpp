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

struct ReLU : detail::elementwise_layer {
  static constexpr std::string_view name = "ReLU";
  static constexpr epilogue as_epilogue = epilogue::relu;  // a preceding layer may absorb it
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::map(b, a.batch * In.size(), a.y, kernels::fn::relu_forward{}, a.x);
  }
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::map(b, a.batch * In.size(), a.dx, kernels::fn::relu_backward{}, a.y, a.dy);
  }
};

// LeakyReLUOf<Slope> for any negative slope; LeakyReLU is PyTorch's default 0.01.
template <float NegativeSlope>
struct LeakyReLUOf : detail::elementwise_layer {
  static constexpr std::string_view name = "LeakyReLU";
  static constexpr float negative_slope = NegativeSlope;
  static std::string describe() { return "LeakyReLU(negative_slope=" + std::to_string(NegativeSlope) + ")"; }
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::map(b, a.batch * In.size(), a.y, kernels::fn::leaky_relu_forward{NegativeSlope}, a.x);
  }
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::map(b, a.batch * In.size(), a.dx, kernels::fn::leaky_relu_backward{NegativeSlope}, a.x, a.dy);
  }
};
using LeakyReLU = LeakyReLUOf<0.01f>;

struct Sigmoid : detail::elementwise_layer {
  static constexpr std::string_view name = "Sigmoid";
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::map(b, a.batch * In.size(), a.y, kernels::fn::sigmoid_forward{}, a.x);
  }
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::map(b, a.batch * In.size(), a.dx, kernels::fn::sigmoid_backward{}, a.y, a.dy);
  }
};

struct Tanh : detail::elementwise_layer {
  static constexpr std::string_view name = "Tanh";
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::map(b, a.batch * In.size(), a.y, kernels::fn::tanh_forward{}, a.x);
  }
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::map(b, a.batch * In.size(), a.dx, kernels::fn::tanh_backward{}, a.y, a.dy);
  }
};

}  // namespace lamina
