#pragma once
// Element-wise activations: ReLU, LeakyReLU, Sigmoid, Tanh, GELU, SiLU, ELU, Softplus. Shape in =
// shape out, no parameters; each maps its forward and backward bodies (kernels/common/elementwise.hpp) over
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
// An activation whose gradient is computed from its input: Self names the two bodies,
// Self::forward_op() (x -> y) and Self::backward_op() ((x, dy) -> dx).
template <class Self>
struct activation_of_input : elementwise_layer {
  // y = f(x) over the batch.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::map(b, a.batch * In.size(), a.y, Self::forward_op(), a.x);
  }
  // dx = dy * f'(x).
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::map(b, a.batch * In.size(), a.dx, Self::backward_op(), a.x, a.dy);
  }
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
struct LeakyReLUOf : detail::activation_of_input<LeakyReLUOf<NegativeSlope>> {
  static constexpr std::string_view name = "LeakyReLU";  ///< The layer's name in summaries.
  static constexpr float negative_slope = NegativeSlope;  ///< The slope for negative inputs.
  /// The layer as PyTorch prints it, e.g. "LeakyReLU(negative_slope=0.01)".
  static std::string describe() { return "LeakyReLU(negative_slope=" + detail::python_float(NegativeSlope) + ")"; }
  /// y = x, or NegativeSlope * x for x < 0.
  static constexpr auto forward_op() { return kernels::fn::leaky_relu_forward{NegativeSlope}; }
  /// dx = dy, or NegativeSlope * dy where x < 0.
  static constexpr auto backward_op() { return kernels::fn::leaky_relu_backward{NegativeSlope}; }
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


/// torch.nn.GELU's two forms: approximate='none' (erf) and 'tanh'.
enum class gelu_approximate { none, tanh };

/// x * Phi(x), Phi the standard normal CDF, as torch.nn.GELU(approximate): GELU is the exact
/// (erf) form, GELUOf<gelu_approximate::tanh> the tanh approximation (GPT-2's, BERT's).
template <gelu_approximate Approximate>
struct GELUOf : detail::activation_of_input<GELUOf<Approximate>> {
  static constexpr std::string_view name = "GELU";  ///< The layer's name in summaries.
  static constexpr gelu_approximate approximate = Approximate;  ///< Which form.
  /// The layer as PyTorch prints it, e.g. "GELU(approximate='tanh')".
  static std::string describe() {
    return Approximate == gelu_approximate::tanh ? "GELU(approximate='tanh')" : "GELU(approximate='none')";
  }
  /// y = GELU(x).
  static constexpr auto forward_op() { return kernels::fn::gelu_forward<Approximate == gelu_approximate::tanh>{}; }
  /// dx = dy * GELU'(x).
  static constexpr auto backward_op() { return kernels::fn::gelu_backward<Approximate == gelu_approximate::tanh>{}; }
};
/// torch.nn.GELU(): the exact form.
using GELU = GELUOf<gelu_approximate::none>;
/// torch.nn.GELU(approximate='tanh').
using GELUTanh = GELUOf<gelu_approximate::tanh>;

/// x * sigmoid(x), as torch.nn.SiLU (swish).
struct SiLU : detail::activation_of_input<SiLU> {
  static constexpr std::string_view name = "SiLU";  ///< The layer's name in summaries.
  /// y = x / (1 + exp(-x)).
  static constexpr auto forward_op() { return kernels::fn::silu_forward{}; }
  /// dx = dy * s (1 + x (1 - s)), s = sigmoid(x).
  static constexpr auto backward_op() { return kernels::fn::silu_backward{}; }
};

/// x for x > 0 and Alpha (exp(x) - 1) otherwise, as torch.nn.ELU(alpha). ELUOf<Alpha> for any
/// alpha; ELU is PyTorch's default 1.
template <float Alpha>
struct ELUOf : detail::activation_of_input<ELUOf<Alpha>> {
  static constexpr std::string_view name = "ELU";  ///< The layer's name in summaries.
  static constexpr float alpha = Alpha;             ///< -alpha is the limit for x -> -infinity.
  /// The layer as PyTorch prints it, e.g. "ELU(alpha=1.000000)".
  static std::string describe() { return "ELU(alpha=" + detail::python_float(Alpha) + ")"; }
  /// y = ELU(x).
  static constexpr auto forward_op() { return kernels::fn::elu_forward{Alpha}; }
  /// dx = dy, or dy * Alpha * exp(x) where x <= 0.
  static constexpr auto backward_op() { return kernels::fn::elu_backward{Alpha}; }
};
/// torch.nn.ELU() with its default alpha, 1.
using ELU = ELUOf<1.0f>;

/// log(1 + exp(Beta x)) / Beta, and x where Beta x > Threshold, as torch.nn.Softplus(beta,
/// threshold). SoftplusOf<Beta, Threshold> for any; Softplus is PyTorch's default (1, 20).
template <float Beta, float Threshold>
struct SoftplusOf : detail::activation_of_input<SoftplusOf<Beta, Threshold>> {
  static_assert(Beta > 0.f, "lamina::SoftplusOf<Beta, Threshold>: Beta must be positive");
  static constexpr std::string_view name = "Softplus";  ///< The layer's name in summaries.
  static constexpr float beta = Beta;                   ///< Sharpness.
  static constexpr float threshold = Threshold;         ///< Linear where beta x exceeds it.
  /// The layer as PyTorch prints it, e.g. "Softplus(beta=1.000000, threshold=20.000000)".
  static std::string describe() {
    return "Softplus(beta=" + detail::python_float(Beta) + ", threshold=" + detail::python_float(Threshold) + ")";
  }
  /// y = Softplus(x).
  static constexpr auto forward_op() { return kernels::fn::softplus_forward{Beta, Threshold}; }
  /// dx = dy * sigmoid(Beta x), or dy above the threshold.
  static constexpr auto backward_op() { return kernels::fn::softplus_backward{Beta, Threshold}; }
};
/// torch.nn.Softplus() with its defaults, beta 1 and threshold 20.
using Softplus = SoftplusOf<1.0f, 20.0f>;

}  // namespace lamina
