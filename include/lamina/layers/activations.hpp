#pragma once
// Element-wise activations: ReLU, LeakyReLU, Sigmoid, Tanh. Shape in = shape out, no
// parameters; each names its forward and backward kernels.
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
    kernels::relu_forward(b, a.x, a.y, a.batch * In.size());
  }
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::relu_backward(b, a.y, a.dy, a.dx, a.batch * In.size());
  }
};

// LeakyReLUOf<Slope> for any negative slope; LeakyReLU is PyTorch's default 0.01.
template <float NegativeSlope>
struct LeakyReLUOf : detail::elementwise_layer {
  static constexpr std::string_view name = "LeakyReLU";
  static constexpr float negative_slope = NegativeSlope;
  static std::string describe() { return "LeakyReLU(negative_slope=" + std::to_string(NegativeSlope) + ")"; }
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::leaky_relu_forward(b, a.x, a.y, a.batch * In.size(), NegativeSlope);
  }
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::leaky_relu_backward(b, a.x, a.dy, a.dx, a.batch * In.size(), NegativeSlope);
  }
};
using LeakyReLU = LeakyReLUOf<0.01f>;

struct Sigmoid : detail::elementwise_layer {
  static constexpr std::string_view name = "Sigmoid";
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::sigmoid_forward(b, a.x, a.y, a.batch * In.size());
  }
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::sigmoid_backward(b, a.y, a.dy, a.dx, a.batch * In.size());
  }
};

struct Tanh : detail::elementwise_layer {
  static constexpr std::string_view name = "Tanh";
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::tanh_forward(b, a.x, a.y, a.batch * In.size());
  }
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::tanh_backward(b, a.y, a.dy, a.dx, a.batch * In.size());
  }
};

}  // namespace lamina
