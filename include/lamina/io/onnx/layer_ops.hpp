#pragma once
// How each lamina layer is written as ONNX nodes: layer_op<Layer>::emit adds the layer's nodes
// and weights to the graph and returns the name of its output value. Inference semantics, as
// torch.onnx.export in eval mode: BatchNorm uses its running statistics, Dropout is the
// identity (no node). Weights keep their state_dict names ("3.weight").
//
// A layer of your own is exported by specialising layer_op for it (docs/deploy.md):
//   template <> struct lamina::io::onnx::layer_op<MyLayer> {
//     static std::string emit(graph& g, const layer_input& in) { ... return g.node(...); }
//   };
#include <array>
#include <concepts>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../layers/activations.hpp"
#include "../../layers/adaptive_avg_pool2d.hpp"
#include "../../layers/batch_norm.hpp"
#include "../../layers/concat.hpp"
#include "../../layers/conv2d.hpp"
#include "../../layers/conv_transpose2d.hpp"
#include "../../layers/dropout.hpp"
#include "../../layers/flatten.hpp"
#include "../../layers/fourier_features.hpp"
#include "../../layers/group_norm.hpp"
#include "../../layers/identity.hpp"
#include "../../layers/layer_norm.hpp"
#include "../../layers/linear.hpp"
#include "../../layers/pooling.hpp"
#include "../../layers/residual.hpp"
#include "../../layers/softmax.hpp"
#include "../../layers/upsample.hpp"
#include "../../core/sequential.hpp"
#include "graph.hpp"

namespace lamina::io::onnx {

/// One layer as the exporter hands it to layer_op<L>::emit.
struct layer_input {
  /// Name of the value the layer reads, [batch, in...].
  std::string x;
  /// Shape of one sample of the input (the batch dimension left out).
  dims in;
  /// What the layer's weight and node names start with: its state_dict prefix.
  std::string prefix;
  /// The layer's parameters in host memory, in state_dict order (e.g. weight, then bias).
  const float* params;
  /// The layer's buffers in host memory (e.g. running_mean, then running_var).
  const float* state;

  /// Name of this layer's node `op`: "/3/Conv", "/1/body/0/Relu" (torch.onnx's scheme).
  std::string node_name(std::string_view op) const {
    std::string n = "/";
    for (const char c : prefix) n += c == '.' ? '/' : c;
    return n + std::string(op);
  }
  /// The same layer's input for child `child` of a container: its prefix, input and memory.
  layer_input child(std::string child_prefix, std::string child_x, dims child_in, std::size_t param_offset,
                    std::size_t state_offset) const {
    return {std::move(child_x), child_in, prefix + child_prefix, params + param_offset, state + state_offset};
  }
};

/// How layer L is written as ONNX: a specialisation has
/// `static std::string emit(graph& g, const layer_input& in)`, which adds L's nodes and weights
/// to `g` and returns the name of L's output value.
/// No definition: export_onnx reports a layer without one (LAMINA_NO_ONNX_EXPORT).
template <class L>
struct layer_op;

/// Whether layer L (a leaf, or a container whose own op is defined) has an ONNX mapping.
template <class L>
concept has_layer_op = requires(graph& g, const layer_input& in) {
  { layer_op<L>::emit(g, in) } -> std::convertible_to<std::string>;
};

namespace detail {
// n copies of v: a square kernel's two sides, or the four pads.
inline std::vector<std::int64_t> repeated(std::size_t v, std::size_t n = 2) {
  return std::vector<std::int64_t>(n, static_cast<std::int64_t>(v));
}
inline std::string single_node(graph& g, const layer_input& in, std::string_view op, std::vector<attribute> attrs = {}) {
  return g.node(op, in.node_name(op), {in.x}, std::move(attrs));
}
// A float constant of the layer, named after its state_dict prefix ("3.half").
inline std::string scalar(graph& g, const layer_input& in, const std::string& name, float value) {
  return g.initializer(in.prefix + name, dims{}, &value);
}
// The binary node `op`(a, b).
inline std::string binary(graph& g, const layer_input& in, std::string_view op, std::string a, std::string b) {
  return g.node(op, in.node_name(op), {std::move(a), std::move(b)});
}
}  // namespace detail

// ---- Containers --------------------------------------------------------------------------------

/// A Sequential: its layers in turn, named "0.", "1.", ... as in torch.nn.Sequential.
template <class... Ls>
struct layer_op<Sequential<Ls...>> {
  using S = Sequential<Ls...>;  ///< The container, for its layers' shapes and offsets.
  /// Emits each layer on the previous one's output; returns the last layer's output.
  static std::string emit(graph& g, const layer_input& in) {
    const auto shapes = S::shapes(in.in);
    std::string x = in.x;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((x = layer_op<typename S::template layer<I>>::emit(
            g, in.child(std::to_string(I) + ".", x, shapes[I], S::param_offsets[I], S::state_offsets[I]))),
       ...);
    }(std::make_index_sequence<S::depth>{});
    return x;
  }
};

/// A Residual: an Add of the body's output and the input, or its projection when there is one
/// (children named "body." and "projection.").
template <class Body, class Projection>
struct layer_op<Residual<Body, Projection>> {
  using R = Residual<Body, Projection>;  ///< The block, for whether it has a projection.
  /// Emits the body, the projection if any, and the Add; returns the sum.
  static std::string emit(graph& g, const layer_input& in) {
    const std::string body = layer_op<Body>::emit(g, in.child("body.", in.x, in.in, 0, 0));
    std::string skip = in.x;
    if constexpr (R::projected)
      skip = layer_op<typename R::projection>::emit(
          g, in.child("projection.", in.x, in.in, Body::param_count, layer_traits::state_count<Body>()));
    return g.node("Add", in.node_name("Add"), {body, skip});
  }
};

/// A Concat: each branch's nodes (children named "0.", "1.", ...), then one Concat node with
/// axis Dim.
template <int Dim, class... Branches>
struct layer_op<Concat<Dim, Branches...>> {
  using C = Concat<Dim, Branches...>;  ///< The block, for its branches' offsets.
  /// Emits every branch on the input and the Concat; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    std::vector<std::string> outs;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (outs.push_back(layer_op<typename C::template branch<I>>::emit(
           g, in.child(std::to_string(I) + ".", in.x, in.in, C::param_offsets[I], C::state_offsets[I]))),
       ...);
    }(std::make_index_sequence<C::branch_count>{});
    return g.node("Concat", in.node_name("Concat"), std::move(outs), {{"axis", std::int64_t{Dim}}});
  }
};

// ---- Layers with weights -------------------------------------------------------------------------

/// A Linear, y = x W^T + b with weight [Out, In]: a Gemm for [batch, In] input, else
/// Transpose and MatMul (and Add for the bias) on the last dimension.
template <std::size_t In, std::size_t Out, bool Bias>
struct layer_op<Linear<In, Out, Bias>> {
  /// Adds the weight, the bias if any, and the nodes; returns the output.
  static std::string emit(graph& g, const layer_input& in) {
    const std::string w = g.initializer(in.prefix + "weight", make_dims(Out, In), in.params);
    std::string b;
    if constexpr (Bias) b = g.initializer(in.prefix + "bias", make_dims(Out), in.params + Out * In);
    if (in.in.rank == 1) {  // [batch, In]: one Gemm, y = x W^T + b
      std::vector<std::string> inputs{in.x, w};
      if constexpr (Bias) inputs.push_back(b);
      return g.node("Gemm", in.node_name("Gemm"), std::move(inputs), {{"transB", std::int64_t{1}}});
    }
    // [batch, ..., In]: Linear acts on the last dimension, as torch.nn.Linear.
    const std::string wt = g.node("Transpose", in.node_name("Transpose"), {w}, {{"perm", std::vector<std::int64_t>{1, 0}}});
    const std::string y = g.node("MatMul", in.node_name("MatMul"), {in.x, wt});
    if constexpr (Bias) return g.node("Add", in.node_name("Add"), {y, b});
    else return y;
  }
};

namespace detail {
// The attributes Conv and ConvTranspose share.
template <class C>
std::vector<attribute> conv_attributes() {
  return {{"dilations", repeated(C::dilation)},
          {"group", static_cast<std::int64_t>(C::groups)},
          {"kernel_shape", repeated(C::kernel_size)},
          {"pads", repeated(C::padding, 4)},
          {"strides", repeated(C::stride)}};
}
template <class C>
std::vector<std::string> conv_inputs(graph& g, const layer_input& in) {
  std::vector<std::string> inputs{in.x, g.initializer(in.prefix + "weight", C::weight_shape, in.params)};
  if constexpr (C::param_count > C::weight_count)
    inputs.push_back(g.initializer(in.prefix + "bias", make_dims(C::out_channels), in.params + C::weight_count));
  return inputs;
}
}  // namespace detail

/// A Conv2d: one Conv node, with PyTorch's weight layout.
template <std::size_t In, std::size_t Out, std::size_t K, std::size_t S, std::size_t P, std::size_t D, std::size_t G, bool Bias>
struct layer_op<Conv2d<In, Out, K, S, P, D, G, Bias>> {
  using C = Conv2d<In, Out, K, S, P, D, G, Bias>;  ///< The layer, for its sizes and weight shape.
  /// Adds a Conv node with weight [Out, In / G, K, K] and the bias if any; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    return g.node("Conv", in.node_name("Conv"), detail::conv_inputs<C>(g, in), detail::conv_attributes<C>());
  }
};

/// A ConvTranspose2d: one ConvTranspose node with output_padding OP, PyTorch's weight layout.
template <std::size_t In, std::size_t Out, std::size_t K, std::size_t S, std::size_t P, std::size_t OP, std::size_t G, bool Bias, std::size_t D>
struct layer_op<ConvTranspose2d<In, Out, K, S, P, OP, G, Bias, D>> {
  using C = ConvTranspose2d<In, Out, K, S, P, OP, G, Bias, D>;  ///< The layer, for its sizes.
  /// Adds a ConvTranspose node with weight [In, Out / G, K, K] and the bias if any; returns its
  /// output.
  static std::string emit(graph& g, const layer_input& in) {
    auto attrs = detail::conv_attributes<C>();
    attrs.push_back({"output_padding", detail::repeated(OP)});
    return g.node("ConvTranspose", in.node_name("ConvTranspose"), detail::conv_inputs<C>(g, in), std::move(attrs));
  }
};

namespace detail {
template <std::size_t C, float Eps, bool Affine>
std::string batch_norm(graph& g, const layer_input& in) {
  std::string scale, shift;
  if constexpr (Affine) {
    scale = g.initializer(in.prefix + "weight", make_dims(C), in.params);
    shift = g.initializer(in.prefix + "bias", make_dims(C), in.params + C);
  } else {  // ONNX's BatchNormalization always takes a scale and a shift
    const std::vector<float> ones(C, 1.f), zeros(C, 0.f);
    scale = g.initializer(in.prefix + "unit_scale", make_dims(C), ones.data());
    shift = g.initializer(in.prefix + "zero_shift", make_dims(C), zeros.data());
  }
  const std::string mean = g.initializer(in.prefix + "running_mean", make_dims(C), in.state);
  const std::string var = g.initializer(in.prefix + "running_var", make_dims(C), in.state + C);
  return g.node("BatchNormalization", in.node_name("BatchNormalization"), {in.x, scale, shift, mean, var},
                {{"epsilon", Eps}});
}
}  // namespace detail

/// A BatchNorm1d in inference: BatchNormalization with the running statistics (Momentum only
/// matters in training); without Affine, a unit scale and a zero shift are added as constants.
template <std::size_t C, float Eps, float Momentum, bool Affine>
struct layer_op<BatchNorm1d<C, Eps, Momentum, Affine>> {
  /// Adds the node, its scale, shift, running_mean and running_var; returns its output.
  static std::string emit(graph& g, const layer_input& in) { return detail::batch_norm<C, Eps, Affine>(g, in); }
};
/// A BatchNorm2d in inference, exported as BatchNorm1d is (per channel of [batch, C, H, W]).
template <std::size_t C, float Eps, float Momentum, bool Affine>
struct layer_op<BatchNorm2d<C, Eps, Momentum, Affine>> {
  /// Adds the node, its scale, shift, running_mean and running_var; returns its output.
  static std::string emit(graph& g, const layer_input& in) { return detail::batch_norm<C, Eps, Affine>(g, in); }
};

/// LayerNormOf: one LayerNormalization node over the trailing dimensions (axis -rank of
/// NormalizedShape); without Affine, a unit scale and a zero bias are added as constants.
template <class NormalizedShape, float Eps, bool Affine>
struct layer_op<LayerNormOf<NormalizedShape, Eps, Affine>> {
  /// Adds the node and its weight and bias; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    constexpr dims shape = NormalizedShape::value;
    std::string scale, shift;
    if constexpr (Affine) {
      scale = g.initializer(in.prefix + "weight", shape, in.params);
      shift = g.initializer(in.prefix + "bias", shape, in.params + shape.size());
    } else {
      const std::vector<float> ones(shape.size(), 1.f), zeros(shape.size(), 0.f);
      scale = g.initializer(in.prefix + "unit_scale", shape, ones.data());
      shift = g.initializer(in.prefix + "zero_shift", shape, zeros.data());
    }
    return g.node("LayerNormalization", in.node_name("LayerNormalization"), {in.x, scale, shift},
                  {{"axis", -std::int64_t(shape.rank)}, {"epsilon", Eps}});
  }
};
/// GroupNorm in opset-17 nodes: Reshape to [batch, Groups, rest], InstanceNormalization (one
/// mean and variance per group), Reshape back, then Mul by weight and Add bias, both shaped
/// [Channels, 1, ...] to broadcast over a channel's elements.
template <std::size_t Groups, std::size_t Channels, float Eps, bool Affine>
struct layer_op<GroupNorm<Groups, Channels, Eps, Affine>> {
  /// Adds the nodes and the weight and bias; returns the output.
  static std::string emit(graph& g, const layer_input& in) {
    const std::vector<float> ones(Groups, 1.f), zeros(Groups, 0.f);
    const std::string grouped = g.node("Reshape", in.node_name("Reshape"),
                                       {in.x, g.int64_initializer(in.prefix + "group_shape", {0, std::int64_t(Groups), -1})});
    const std::string normalized =
        g.node("InstanceNormalization", in.node_name("InstanceNormalization"),
               {grouped, g.initializer(in.prefix + "unit_scale", make_dims(Groups), ones.data()),
                g.initializer(in.prefix + "zero_shift", make_dims(Groups), zeros.data())},
               {{"epsilon", Eps}});
    std::vector<std::int64_t> shape{0};
    for (std::size_t i = 0; i < in.in.rank; ++i) shape.push_back(static_cast<std::int64_t>(in.in[i]));
    std::string y = g.node("Reshape", in.node_name("Reshape"),
                           {normalized, g.int64_initializer(in.prefix + "shape", shape)});
    if constexpr (Affine) {
      dims per_channel = in.in;  // [Channels, 1, ...]
      for (std::size_t i = 1; i < per_channel.rank; ++i) per_channel.d[i] = 1;
      y = detail::binary(g, in, "Mul", y, g.initializer(in.prefix + "weight", per_channel, in.params));
      y = detail::binary(g, in, "Add", y, g.initializer(in.prefix + "bias", per_channel, in.params + Channels));
    }
    return y;
  }
};

/// y = [cos(2 pi x B^T), sin(2 pi x B^T)] on the last dimension, B the fixed buffer [M, InDims].
template <std::size_t InDims, std::size_t M, float Sigma>
struct layer_op<FourierFeatures<InDims, M, Sigma>> {
  /// Adds B and the Transpose, MatMul, Mul, Cos, Sin and Concat nodes; returns the Concat's
  /// output, [batch, ..., 2 * M].
  static std::string emit(graph& g, const layer_input& in) {
    const std::string b = g.initializer(in.prefix + "B", make_dims(M, InDims), in.state);
    const std::string bt = g.node("Transpose", in.node_name("Transpose"), {b}, {{"perm", std::vector<std::int64_t>{1, 0}}});
    const std::string proj = g.node("MatMul", in.node_name("MatMul"), {in.x, bt});
    const float two_pi = 6.28318530717958647692f;  // rounded as the kernels round it
    const std::string angle = g.node("Mul", in.node_name("Mul"), {proj, g.initializer(in.prefix + "two_pi", dims{}, &two_pi)});
    const std::string c = g.node("Cos", in.node_name("Cos"), {angle});
    const std::string s = g.node("Sin", in.node_name("Sin"), {angle});
    return g.node("Concat", in.node_name("Concat"), {c, s}, {{"axis", std::int64_t{-1}}});
  }
};

// ---- Layers without weights ----------------------------------------------------------------------

/// A MaxPool2d: one MaxPool node (kernel K, stride S, padding P on each side, dilation D,
/// ceil_mode).
template <std::size_t K, std::size_t S, std::size_t P, std::size_t D, bool Ceil>
struct layer_op<MaxPool2d<K, S, P, D, Ceil>> {
  /// Adds the MaxPool node; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    return detail::single_node(g, in, "MaxPool",
                               {{"ceil_mode", std::int64_t{Ceil}}, {"dilations", detail::repeated(D)},
                                {"kernel_shape", detail::repeated(K)}, {"pads", detail::repeated(P, 4)},
                                {"strides", detail::repeated(S)}});
  }
};
/// An AvgPool2d: one AveragePool node (count_include_pad and ceil_mode as the layer's).
template <std::size_t K, std::size_t S, std::size_t P, bool Ceil, bool CountPad>
struct layer_op<AvgPool2d<K, S, P, Ceil, CountPad>> {
  /// Adds the AveragePool node; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    return detail::single_node(g, in, "AveragePool",
                               {{"ceil_mode", std::int64_t{Ceil}}, {"count_include_pad", std::int64_t{CountPad}},
                                {"kernel_shape", detail::repeated(K)}, {"pads", detail::repeated(P, 4)},
                                {"strides", detail::repeated(S)}});
  }
};
/// AdaptiveAvgPool2d: one AveragePool node whose kernel and stride are the input size over the
/// output size, which ONNX can express only when the output size divides the input's (checked;
/// std::invalid_argument otherwise).
template <std::size_t OH, std::size_t OW>
struct layer_op<AdaptiveAvgPool2d<OH, OW>> {
  /// Adds the AveragePool node; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    if (in.in[1] % OH || in.in[2] % OW)
      throw std::invalid_argument("lamina::io::export_onnx: " + in.node_name("AdaptiveAvgPool2d") + " pools " +
                                  to_string(in.in) + " to " + std::to_string(OH) + "x" + std::to_string(OW) +
                                  "; ONNX expresses adaptive pooling only when the output size divides the input's");
    const std::vector<std::int64_t> k{std::int64_t(in.in[1] / OH), std::int64_t(in.in[2] / OW)};
    return detail::single_node(g, in, "AveragePool", {{"kernel_shape", k}, {"strides", k}});
  }
};
/// Upsample: one Resize node with scales [1, 1, Scale, Scale]: nearest as PyTorch picks
/// (asymmetric coordinates, floor), bilinear as align_corners=False (pytorch_half_pixel).
template <std::size_t Scale, upsample_mode Mode>
struct layer_op<Upsample<Scale, Mode>> {
  /// Adds the Resize node and its scales; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    const float scales[4] = {1.f, 1.f, float(Scale), float(Scale)};
    const std::string s = g.initializer(in.prefix + "scales", make_dims(4), scales);
    std::vector<attribute> attrs;
    if constexpr (Mode == upsample_mode::nearest)
      attrs = {{"coordinate_transformation_mode", std::string("asymmetric")}, {"mode", std::string("nearest")},
               {"nearest_mode", std::string("floor")}};
    else
      attrs = {{"coordinate_transformation_mode", std::string("pytorch_half_pixel")}, {"mode", std::string("linear")}};
    return g.node("Resize", in.node_name("Resize"), {in.x, "", s}, std::move(attrs));
  }
};
/// ReLU: one Relu node.
template <>
struct layer_op<ReLU> {
  /// Adds the Relu node; returns its output.
  static std::string emit(graph& g, const layer_input& in) { return detail::single_node(g, in, "Relu"); }
};
/// LeakyReLUOf: one LeakyRelu node with alpha = Slope.
template <float Slope>
struct layer_op<LeakyReLUOf<Slope>> {
  /// Adds the LeakyRelu node; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    return detail::single_node(g, in, "LeakyRelu", {{"alpha", Slope}});
  }
};
/// Sigmoid: one Sigmoid node.
template <>
struct layer_op<Sigmoid> {
  /// Adds the Sigmoid node; returns its output.
  static std::string emit(graph& g, const layer_input& in) { return detail::single_node(g, in, "Sigmoid"); }
};
/// Tanh: one Tanh node.
template <>
struct layer_op<Tanh> {
  /// Adds the Tanh node; returns its output.
  static std::string emit(graph& g, const layer_input& in) { return detail::single_node(g, in, "Tanh"); }
};
/// GELU from opset-17 nodes, as torch.onnx writes it below opset 20: exact,
/// x * 0.5 * (1 + Erf(x / sqrt 2)); tanh form, 0.5 x (1 + Tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
template <gelu_approximate A>
struct layer_op<GELUOf<A>> {
  /// Adds the nodes; returns the output.
  static std::string emit(graph& g, const layer_input& in) {
    using detail::binary, detail::scalar;
    const std::string one = scalar(g, in, "one", 1.f), half = scalar(g, in, "half", 0.5f);
    if constexpr (A == gelu_approximate::tanh) {
      const std::string cube = binary(g, in, "Mul", binary(g, in, "Mul", in.x, in.x), in.x);
      const std::string inner = binary(g, in, "Add", in.x, binary(g, in, "Mul", cube, scalar(g, in, "kappa", 0.044715f)));
      const std::string t = g.node("Tanh", in.node_name("Tanh"),
                                   {binary(g, in, "Mul", inner, scalar(g, in, "beta", 0.7978845608028654f))});
      return binary(g, in, "Mul", binary(g, in, "Mul", in.x, half), binary(g, in, "Add", t, one));
    } else {
      const std::string e = g.node("Erf", in.node_name("Erf"),
                                   {binary(g, in, "Mul", in.x, scalar(g, in, "sqrt1_2", 0.7071067811865476f))});
      return binary(g, in, "Mul", binary(g, in, "Mul", in.x, binary(g, in, "Add", e, one)), half);
    }
  }
};
/// SiLU: x * Sigmoid(x).
template <>
struct layer_op<SiLU> {
  /// Adds the Sigmoid and Mul nodes; returns the output.
  static std::string emit(graph& g, const layer_input& in) {
    return detail::binary(g, in, "Mul", in.x, detail::single_node(g, in, "Sigmoid"));
  }
};
/// ELUOf: one Elu node with alpha = Alpha.
template <float Alpha>
struct layer_op<ELUOf<Alpha>> {
  /// Adds the Elu node; returns its output.
  static std::string emit(graph& g, const layer_input& in) { return detail::single_node(g, in, "Elu", {{"alpha", Alpha}}); }
};
/// SoftplusOf: Where(beta x > threshold, x, Softplus(beta x) / beta), PyTorch's definition (ONNX's
/// Softplus has neither beta nor threshold).
template <float Beta, float Threshold>
struct layer_op<SoftplusOf<Beta, Threshold>> {
  /// Adds the nodes; returns the output.
  static std::string emit(graph& g, const layer_input& in) {
    using detail::binary, detail::scalar;
    const std::string beta = scalar(g, in, "beta", Beta);
    const std::string bx = binary(g, in, "Mul", in.x, beta);
    const std::string soft = binary(g, in, "Div", g.node("Softplus", in.node_name("Softplus"), {bx}), beta);
    const std::string linear = binary(g, in, "Greater", bx, scalar(g, in, "threshold", Threshold));
    return g.node("Where", in.node_name("Where"), {linear, in.x, soft});
  }
};
/// SoftmaxOf<Dim>: one Softmax node with axis Dim (ONNX counts axes over the batch tensor, as
/// PyTorch's dim does).
template <int Dim>
struct layer_op<SoftmaxOf<Dim>> {
  /// Adds the Softmax node; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    return detail::single_node(g, in, "Softmax", {{"axis", std::int64_t{Dim}}});
  }
};
/// LogSoftmaxOf<Dim>: one LogSoftmax node with axis Dim.
template <int Dim>
struct layer_op<LogSoftmaxOf<Dim>> {
  /// Adds the LogSoftmax node; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    return detail::single_node(g, in, "LogSoftmax", {{"axis", std::int64_t{Dim}}});
  }
};
/// FlattenOf: Flatten with axis 1 ([batch, product of the sample's dimensions]) for the default
/// Flatten; otherwise a Reshape to [batch, output...], the batch copied (0 in the target shape).
template <int StartDim, int EndDim>
struct layer_op<FlattenOf<StartDim, EndDim>> {
  /// Adds the Flatten or Reshape node; returns its output.
  static std::string emit(graph& g, const layer_input& in) {
    if constexpr (StartDim == 1 && EndDim == -1) {
      return detail::single_node(g, in, "Flatten", {{"axis", std::int64_t{1}}});
    } else {
      const dims out = FlattenOf<StartDim, EndDim>::output(in.in);
      std::vector<std::int64_t> shape{0};
      for (std::size_t i = 0; i < out.rank; ++i) shape.push_back(static_cast<std::int64_t>(out[i]));
      return g.node("Reshape", in.node_name("Reshape"), {in.x, g.int64_initializer(in.prefix + "shape", shape)});
    }
  }
};
/// Identity: no node; its output is its input.
template <>
struct layer_op<Identity> {
  /// Returns the input's name unchanged.
  static std::string emit(graph&, const layer_input& in) { return in.x; }
};
/// Dropout: no node, as in eval mode, where it is the identity.
template <float P>
struct layer_op<Dropout<P>> {
  /// Returns the input's name unchanged.
  static std::string emit(graph&, const layer_input& in) { return in.x; }  // inference: the identity
};

}  // namespace lamina::io::onnx
