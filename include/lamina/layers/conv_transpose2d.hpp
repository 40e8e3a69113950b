#pragma once
// ConvTranspose2d<In, Out, Kernel, Stride = 1, Padding = 0, OutputPadding = 0, Groups = 1,
// Bias = true, Dilation = 1>: the transposed 2-D convolution of torch.nn.ConvTranspose2d (same
// argument order; square sizes). Per-sample input [In, H, W], output [Out, OH, OW] with
//     OH = (H - 1) * Stride - 2 * Padding + Dilation * (Kernel - 1) + OutputPadding + 1,
// weight [In, Out / Groups, Kernel, Kernel], bias [Out], PyTorch's default initialisation
// (whose fan-in is Out / Groups * Kernel^2, as PyTorch computes it from this weight layout).
// It is the adjoint of Conv2d<Out, In, ...> on the output: forward is a convolution's input
// gradient (GEMM + col2im), backward the convolution's forward, computed as the backend's plan
// says (kernels::conv_transpose2d_plan: on the CPU, implicit-im2col GEMMs from dy's frame when
// it wastes little, else im2col + GEMM).
#include <array>
#include <string>

#include "../core/layer.hpp"
#include "../init/init.hpp"
#include "../kernels/kernels.hpp"
#include "conv2d.hpp"

namespace lamina {

/// The transposed 2-D convolution of [In, H, W] samples into [Out, OH, OW], as
/// torch.nn.ConvTranspose2d (same argument order; square sizes): the adjoint of
/// Conv2d<Out, In, ...>, often called a deconvolution. Weight [In, Out / Groups, Kernel, Kernel],
/// bias [Out], PyTorch's default initialisation.
template <std::size_t In, std::size_t Out, std::size_t Kernel, std::size_t Stride = 1, std::size_t Padding = 0,
          std::size_t OutputPadding = 0, std::size_t Groups = 1, bool Bias = true, std::size_t Dilation = 1>
struct ConvTranspose2d {
  static_assert(In > 0 && Out > 0, "lamina::ConvTranspose2d: in and out channels must be at least 1");
  static_assert(Kernel > 0, "lamina::ConvTranspose2d: the kernel size must be at least 1");
  static_assert(Stride > 0, "lamina::ConvTranspose2d: the stride must be at least 1");
  static_assert(Dilation > 0, "lamina::ConvTranspose2d: the dilation must be at least 1");
  static_assert(Groups > 0, "lamina::ConvTranspose2d: groups must be at least 1");
  static_assert(In % Groups == 0, "lamina::ConvTranspose2d: in channels must be divisible by groups");
  static_assert(Out % Groups == 0, "lamina::ConvTranspose2d: out channels must be divisible by groups");
  static_assert(OutputPadding < Stride || OutputPadding < Dilation,
                "lamina::ConvTranspose2d: output padding must be smaller than either stride or dilation "
                "(as in PyTorch)");

  static constexpr std::string_view name = "ConvTranspose2d";  ///< The layer's name in summaries.
  /// Under autocast, runs its matrix products in bf16/fp16 (core/autocast.hpp).
  static constexpr bool autocast_to_lower_precision = true;
  /// The template arguments, under torch.nn.ConvTranspose2d's attribute names.
  ///@{
  static constexpr std::size_t in_channels = In, out_channels = Out, kernel_size = Kernel;
  static constexpr std::size_t stride = Stride, padding = Padding, output_padding = OutputPadding;
  static constexpr std::size_t dilation = Dilation, groups = Groups;
  ///@}
  /// Number of weights (the bias follows them in the packed parameters).
  static constexpr std::size_t weight_count = In * (Out / Groups) * Kernel * Kernel;
  static constexpr std::size_t param_count = weight_count + (Bias ? Out : 0);  ///< Number of parameters.
  /// [In, Out / Groups, Kernel, Kernel], as PyTorch's.
  static constexpr dims weight_shape = make_dims(In, Out / Groups, Kernel, Kernel);

  /// The parameter tensors: weight, then bias (when Bias).
  static constexpr auto parameters = [] {
    if constexpr (Bias)
      return std::array<param_spec, 2>{{{"weight", weight_shape}, {"bias", make_dims(Out)}}};
    else
      return std::array<param_spec, 1>{{{"weight", weight_shape}}};
  }();

  /// Output size before removing the padding: (n - 1) * S + D * (K - 1) + OP + 1.
  static constexpr std::size_t full_size(std::size_t n) {
    return (n - 1) * Stride + detail::conv_span(Kernel, Dilation) + OutputPadding;
  }
  /// Output extent for input extent n: full_size(n) - 2 * Padding.
  static constexpr std::size_t out_size(std::size_t n) { return full_size(n) - 2 * Padding; }
  /// Smallest input whose output is at least one pixel.
  static constexpr std::size_t min_input = [] {
    std::size_t n = 1;
    while (full_size(n) <= 2 * Padding) ++n;
    return n;
  }();

  /// Whether `in` is [In, H, W] with H and W at least min_input.
  static constexpr bool accepts(dims in) {
    return in.rank == 3 && in[0] == In && in[1] >= min_input && in[2] >= min_input;
  }
  /// What the layer wants: In channels and at least min_input pixels a side.
  static constexpr dims expected(dims in) {
    if (in.rank != 3) return make_dims(In, min_input, min_input);
    return make_dims(In, std::max(in[1], min_input), std::max(in[2], min_input));
  }
  /// [Out, OH, OW].
  static constexpr dims output(dims in) { return make_dims(Out, out_size(in[1]), out_size(in[2])); }
  /// Floating-point operations per sample (a multiply and an add per weight and input pixel).
  static constexpr std::size_t flops(dims in) {
    return in[1] * in[2] * In * 2 * (Out / Groups) * Kernel * Kernel +
           (Bias ? Out * out_size(in[1]) * out_size(in[2]) : 0);
  }

  /// The convolution seen by the kernels: the image is the output, the columns the input.
  static constexpr kernels::conv_geometry geometry(dims in) {
    return {.channels = Out, .height = out_size(in[1]), .width = out_size(in[2]), .kernel = Kernel,
            .stride = Stride, .padding = Padding, .dilation = Dilation, .out_h = in[1], .out_w = in[2],
            .groups = Groups};
  }
  /// How Backend computes this transposed convolution, and the workspace that needs.
  template <class Backend>
  static constexpr kernels::conv_transpose2d_policy plan(dims in) {
    return kernels::conv_transpose2d_plan<Backend>(geometry(in), In);
  }
  /// Floats of workspace per sample that the plan keeps from forward to backward.
  template <class Backend>
  static constexpr std::size_t workspace_per_sample(dims in) { return plan<Backend>(in).workspace; }

  /// The layer as PyTorch prints it, e.g. "ConvTranspose2d(32, 1, kernel_size=(3, 3), stride=(2, 2))".
  static std::string describe() {
    std::string s = "ConvTranspose2d(" + std::to_string(In) + ", " + std::to_string(Out) +
                    ", kernel_size=" + detail::conv_pair(Kernel) + ", stride=" + detail::conv_pair(Stride);
    if (Padding != 0) s += ", padding=" + detail::conv_pair(Padding);
    if (Dilation != 1) s += ", dilation=" + detail::conv_pair(Dilation);
    if (OutputPadding != 0) s += ", output_padding=" + detail::conv_pair(OutputPadding);
    if (Groups != 1) s += ", groups=" + std::to_string(Groups);
    if (!Bias) s += ", bias=False";
    return s + ")";
  }

  /// PyTorch's default initialisation (init::pytorch_default; fan-in Out / Groups * Kernel^2,
  /// as PyTorch computes it from this weight layout), weight and bias from their own streams.
  static void reset_parameters(float* p, const rng& gen) {
    rng wg = gen.fork("weight"), bg = gen.fork("bias");
    init::pytorch_default({p, weight_shape}, Bias ? TensorView{p + weight_count, make_dims(Out)} : TensorView{},
                          wg, bg);
  }

  /// y = the transposed convolution of x, plus bias: a convolution's input gradient
  /// (GEMM + col2im), as the plan says.
  template <dims InD, class Backend>
  static void forward(Backend b, const forward_args& a) {
    constexpr kernels::conv_transpose2d_policy p = plan<Backend>(InD);
    kernels::conv_transpose2d_forward(b, p, geometry(InD), In,
                                      {.x = a.x, .w = a.params, .bias = Bias ? a.params + weight_count : nullptr,
                                       .y = a.y, .workspace = a.workspace, .batch = a.batch});
  }

  /// Weight and bias gradients, and dx when wanted (dx is a convolution's forward of dy).
  template <dims InD, class Backend>
  static void backward(Backend b, const backward_args& a) {
    constexpr kernels::conv_transpose2d_policy p = plan<Backend>(InD);
    kernels::conv_transpose2d_backward(b, p, geometry(InD), In,
                                       {.x = a.x, .dy = a.dy, .w = a.params, .dw = a.grads,
                                        .db = Bias ? a.grads + weight_count : nullptr, .dx = a.dx,
                                        .workspace = a.workspace, .batch = a.batch});
  }
};

}  // namespace lamina
