#pragma once
// Conv2d<In, Out, Kernel, Stride = 1, Padding = 0, Dilation = 1, Groups = 1, Bias = true>: 2-D
// cross-correlation as torch.nn.Conv2d (square kernel, stride, padding and dilation; zero
// padding). Per-sample input [In, H, W], output [Out, OH, OW] with
//     OH = (H + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1   (likewise OW),
// weight [Out, In / Groups, Kernel, Kernel], bias [Out], PyTorch's default initialisation.
// How each pass is computed, and the workspace it keeps from forward to backward, is the
// backend's plan (kernels::conv2d_plan, kernels/common/conv_plan.hpp): on the CPU implicit-im2col
// GEMMs where they pay, else im2col + GEMM (kernels/cpu/conv2d_plan.hpp).
#include <algorithm>
#include <array>
#include <string>

#include "../core/layer.hpp"
#include "../init/init.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

namespace detail {
// PyTorch's repr of a square 2-tuple: "(3, 3)".
inline std::string conv_pair(std::size_t v) {
  return "(" + std::to_string(v) + ", " + std::to_string(v) + ")";
}
// Input extent (per side, padding included) a kernel needs: Dilation * (Kernel - 1) + 1.
constexpr std::size_t conv_span(std::size_t kernel, std::size_t dilation) { return dilation * (kernel - 1) + 1; }
// Smallest input size a kernel fits once padded.
constexpr std::size_t conv_min_input(std::size_t kernel, std::size_t dilation, std::size_t padding) {
  const std::size_t span = conv_span(kernel, dilation);
  return span > 2 * padding ? span - 2 * padding : 1;
}
}  // namespace detail

/// Conv2d's Padding for PyTorch's padding='same': the output keeps the input's size (stride 1,
/// and an odd dilated kernel span, so that both sides get Dilation * (Kernel - 1) / 2).
inline constexpr std::size_t padding_same = std::size_t(-1);

/// 2-D cross-correlation of [In, H, W] samples into [Out, OH, OW], as torch.nn.Conv2d(In,
/// Out, Kernel, Stride, Padding, Dilation, Groups, Bias) with a square kernel and zero padding
/// (lm::padding_same for padding='same'); weight [Out, In / Groups, Kernel, Kernel], bias [Out],
/// PyTorch's default initialisation.
template <std::size_t In, std::size_t Out, std::size_t Kernel, std::size_t Stride = 1, std::size_t Padding = 0,
          std::size_t Dilation = 1, std::size_t Groups = 1, bool Bias = true>
struct Conv2d {
  static_assert(In > 0 && Out > 0, "lamina::Conv2d: in and out channels must be at least 1");
  static_assert(Kernel > 0, "lamina::Conv2d: the kernel size must be at least 1");
  static_assert(Stride > 0, "lamina::Conv2d: the stride must be at least 1");
  static_assert(Dilation > 0, "lamina::Conv2d: the dilation must be at least 1");
  static_assert(Groups > 0, "lamina::Conv2d: groups must be at least 1");
  static_assert(In % Groups == 0, "lamina::Conv2d: in channels must be divisible by groups");
  static_assert(Out % Groups == 0, "lamina::Conv2d: out channels must be divisible by groups");
  static_assert(Padding != padding_same || Stride == 1,
                "lamina::Conv2d: padding_same needs stride 1 (as PyTorch's padding='same')");
  static_assert(Padding != padding_same || Dilation * (Kernel - 1) % 2 == 0,
                "lamina::Conv2d: padding_same needs an odd dilated kernel span, Dilation * (Kernel - 1) + 1, so that "
                "both sides get the same padding");
  /// Zero padding per side: Padding, or Dilation * (Kernel - 1) / 2 for padding_same.
  static constexpr std::size_t pad = Padding == padding_same ? Dilation * (Kernel - 1) / 2 : Padding;

  static constexpr std::string_view name = "Conv2d";  ///< The layer's name in summaries.
  /// Under autocast, runs its matrix products in bf16/fp16 (core/autocast.hpp).
  static constexpr bool autocast_to_lower_precision = true;
  /// The template arguments, under torch.nn.Conv2d's attribute names.
  ///@{
  static constexpr std::size_t in_channels = In, out_channels = Out, kernel_size = Kernel;
  static constexpr std::size_t stride = Stride, padding = pad, dilation = Dilation, groups = Groups;
  ///@}
  /// Number of weights (the bias follows them in the packed parameters).
  static constexpr std::size_t weight_count = Out * (In / Groups) * Kernel * Kernel;
  static constexpr std::size_t param_count = weight_count + (Bias ? Out : 0);  ///< Number of parameters.
  /// [Out, In / Groups, Kernel, Kernel], as PyTorch's.
  static constexpr dims weight_shape = make_dims(Out, In / Groups, Kernel, Kernel);

  /// The parameter tensors: weight, then bias (when Bias).
  static constexpr auto parameters = [] {
    if constexpr (Bias)
      return std::array<param_spec, 2>{{{"weight", weight_shape}, {"bias", make_dims(Out)}}};
    else
      return std::array<param_spec, 1>{{{"weight", weight_shape}}};
  }();

  /// Smallest input height and width the kernel fits once padded.
  static constexpr std::size_t min_input = detail::conv_min_input(Kernel, Dilation, pad);
  /// Output extent for input extent n: (n + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1.
  static constexpr std::size_t out_size(std::size_t n) {
    return (n + 2 * pad - detail::conv_span(Kernel, Dilation)) / Stride + 1;
  }

  /// Whether `in` is [In, H, W] with H and W at least min_input.
  static constexpr bool accepts(dims in) {
    return in.rank == 3 && in[0] == In && in[1] >= min_input && in[2] >= min_input;
  }
  /// What the layer wants: In channels and at least the kernel's (padded, dilated) extent.
  static constexpr dims expected(dims in) {
    if (in.rank != 3) return make_dims(In, min_input, min_input);
    return make_dims(In, std::max(in[1], min_input), std::max(in[2], min_input));
  }
  /// [Out, OH, OW].
  static constexpr dims output(dims in) { return make_dims(Out, out_size(in[1]), out_size(in[2])); }
  /// Floating-point operations per sample (a multiply and an add per weight and position).
  static constexpr std::size_t flops(dims in) {
    const std::size_t positions = out_size(in[1]) * out_size(in[2]);
    return positions * Out * (2 * (In / Groups) * Kernel * Kernel + (Bias ? 1 : 0));
  }

  /// The convolution seen by the kernels (image = input, columns = output).
  static constexpr kernels::conv_geometry geometry(dims in) {
    return {.channels = In, .height = in[1], .width = in[2], .kernel = Kernel, .stride = Stride,
            .padding = pad, .dilation = Dilation, .out_h = out_size(in[1]), .out_w = out_size(in[2]),
            .groups = Groups};
  }
  /// How Backend computes this convolution, and the workspace that needs.
  template <class Backend>
  static constexpr kernels::conv2d_policy plan(dims in) { return kernels::conv2d_plan<Backend>(geometry(in), Out); }
  /// Floats of workspace per sample that the plan keeps from forward to backward.
  template <class Backend>
  static constexpr std::size_t workspace_per_sample(dims in) { return plan<Backend>(in).workspace; }

  /// The layer as PyTorch prints it, e.g. "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))".
  static std::string describe() {
    std::string s = "Conv2d(" + std::to_string(In) + ", " + std::to_string(Out) +
                    ", kernel_size=" + detail::conv_pair(Kernel) + ", stride=" + detail::conv_pair(Stride);
    if (Padding == padding_same) s += ", padding=same";
    else if (Padding != 0) s += ", padding=" + detail::conv_pair(Padding);
    if (Dilation != 1) s += ", dilation=" + detail::conv_pair(Dilation);
    if (Groups != 1) s += ", groups=" + std::to_string(Groups);
    if (!Bias) s += ", bias=False";
    return s + ")";
  }

  /// PyTorch's default initialisation (init::pytorch_default), weight and bias each from
  /// their own named stream.
  static void reset_parameters(float* p, const rng& gen) {
    rng wg = gen.fork("weight"), bg = gen.fork("bias");
    init::pytorch_default({p, weight_shape}, Bias ? TensorView{p + weight_count, make_dims(Out)} : TensorView{},
                          wg, bg);
  }

  /// Whether the layer absorbs a following ReLU, where the plan fuses it: applied while
  /// writing y, and backward while reading dy.
  template <class Backend>
  static constexpr bool absorbs(epilogue e, dims in) { return e == epilogue::relu && plan<Backend>(in).relu_epilogue; }

  /// y = conv(x, weight) + bias for a batch, as the plan says.
  template <dims InD, class Backend>
  static void forward(Backend b, const forward_args& a) {
    constexpr kernels::conv2d_policy p = plan<Backend>(InD);
    kernels::conv2d_forward(b, p, geometry(InD), Out,
                            {.x = a.x, .w = a.params, .bias = Bias ? a.params + weight_count : nullptr, .y = a.y,
                             .workspace = a.workspace, .batch = a.batch, .relu = a.post == epilogue::relu});
  }

  /// Weight and bias gradients, and dx when wanted.
  template <dims InD, class Backend>
  static void backward(Backend b, const backward_args& a) {
    constexpr kernels::conv2d_policy p = plan<Backend>(InD);
    kernels::conv2d_backward(b, p, geometry(InD), Out,
                             {.x = a.x, .dy = a.dy, .w = a.params, .dw = a.grads,
                              .db = Bias ? a.grads + weight_count : nullptr, .dx = a.dx, .workspace = a.workspace,
                              .batch = a.batch, .relu_mask = a.post_output});
  }
};

}  // namespace lamina
