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
#include <string>
#include <vector>

#include "../../layers/activations.hpp"
#include "../../layers/batch_norm.hpp"
#include "../../layers/conv2d.hpp"
#include "../../layers/conv_transpose2d.hpp"
#include "../../layers/dropout.hpp"
#include "../../layers/flatten.hpp"
#include "../../layers/fourier_features.hpp"
#include "../../layers/linear.hpp"
#include "../../layers/pooling.hpp"
#include "../../layers/residual.hpp"
#include "../../layers/softmax.hpp"
#include "../../core/sequential.hpp"
#include "graph.hpp"

namespace lamina::io::onnx {

// One layer as the exporter hands it to layer_op<L>::emit.
struct layer_input {
  std::string x;          // the name of the layer's input value: [batch, in...]
  dims in;                // the per-sample input shape
  std::string prefix;     // the layer's state_dict prefix: "3.", "1.body.0.", "" for a lone layer
  const float* params;    // its parameters (host memory), packed in state_dict order
  const float* state;     // its buffers (host memory), likewise

  // Name of this layer's node `op`: "/3/Conv", "/1/body/0/Relu" (torch.onnx's scheme).
  std::string node_name(std::string_view op) const {
    std::string n = "/";
    for (const char c : prefix) n += c == '.' ? '/' : c;
    return n + std::string(op);
  }
  // The same layer's input for child `child` of a container: its prefix, input and memory.
  layer_input child(std::string child_prefix, std::string child_x, dims child_in, std::size_t param_offset,
                    std::size_t state_offset) const {
    return {std::move(child_x), child_in, prefix + child_prefix, params + param_offset, state + state_offset};
  }
};

// No definition: export_onnx reports a layer without one (LAMINA_NO_ONNX_EXPORT).
template <class L>
struct layer_op;

// Whether layer L (a leaf, or a container whose own op is defined) has an ONNX mapping.
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
}  // namespace detail

// ---- Containers --------------------------------------------------------------------------------

template <class... Ls>
struct layer_op<Sequential<Ls...>> {
  using S = Sequential<Ls...>;
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

template <class Body, class Projection>
struct layer_op<Residual<Body, Projection>> {
  using R = Residual<Body, Projection>;
  static std::string emit(graph& g, const layer_input& in) {
    const std::string body = layer_op<Body>::emit(g, in.child("body.", in.x, in.in, 0, 0));
    std::string skip = in.x;
    if constexpr (R::projected)
      skip = layer_op<typename R::projection>::emit(
          g, in.child("projection.", in.x, in.in, Body::param_count, layer_traits::state_count<Body>()));
    return g.node("Add", in.node_name("Add"), {body, skip});
  }
};

// ---- Layers with weights -------------------------------------------------------------------------

template <std::size_t In, std::size_t Out, bool Bias>
struct layer_op<Linear<In, Out, Bias>> {
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

template <std::size_t In, std::size_t Out, std::size_t K, std::size_t S, std::size_t P, std::size_t D, std::size_t G, bool Bias>
struct layer_op<Conv2d<In, Out, K, S, P, D, G, Bias>> {
  using C = Conv2d<In, Out, K, S, P, D, G, Bias>;
  static std::string emit(graph& g, const layer_input& in) {
    return g.node("Conv", in.node_name("Conv"), detail::conv_inputs<C>(g, in), detail::conv_attributes<C>());
  }
};

template <std::size_t In, std::size_t Out, std::size_t K, std::size_t S, std::size_t P, std::size_t OP, std::size_t G, bool Bias, std::size_t D>
struct layer_op<ConvTranspose2d<In, Out, K, S, P, OP, G, Bias, D>> {
  using C = ConvTranspose2d<In, Out, K, S, P, OP, G, Bias, D>;
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

template <std::size_t C, float Eps, float Momentum, bool Affine>
struct layer_op<BatchNorm1d<C, Eps, Momentum, Affine>> {
  static std::string emit(graph& g, const layer_input& in) { return detail::batch_norm<C, Eps, Affine>(g, in); }
};
template <std::size_t C, float Eps, float Momentum, bool Affine>
struct layer_op<BatchNorm2d<C, Eps, Momentum, Affine>> {
  static std::string emit(graph& g, const layer_input& in) { return detail::batch_norm<C, Eps, Affine>(g, in); }
};

// y = [cos(2 pi x B^T), sin(2 pi x B^T)] on the last dimension, B the fixed buffer [M, InDims].
template <std::size_t InDims, std::size_t M, float Sigma>
struct layer_op<FourierFeatures<InDims, M, Sigma>> {
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

template <std::size_t K, std::size_t S, std::size_t P>
struct layer_op<MaxPool2d<K, S, P>> {
  static std::string emit(graph& g, const layer_input& in) {
    return detail::single_node(g, in, "MaxPool",
                               {{"kernel_shape", detail::repeated(K)}, {"pads", detail::repeated(P, 4)}, {"strides", detail::repeated(S)}});
  }
};
template <std::size_t K, std::size_t S, std::size_t P>
struct layer_op<AvgPool2d<K, S, P>> {
  static std::string emit(graph& g, const layer_input& in) {  // PyTorch's default: padding counts
    return detail::single_node(g, in, "AveragePool",
                               {{"count_include_pad", std::int64_t{1}}, {"kernel_shape", detail::repeated(K)},
                                {"pads", detail::repeated(P, 4)}, {"strides", detail::repeated(S)}});
  }
};
template <>
struct layer_op<ReLU> {
  static std::string emit(graph& g, const layer_input& in) { return detail::single_node(g, in, "Relu"); }
};
template <float Slope>
struct layer_op<LeakyReLUOf<Slope>> {
  static std::string emit(graph& g, const layer_input& in) {
    return detail::single_node(g, in, "LeakyRelu", {{"alpha", Slope}});
  }
};
template <>
struct layer_op<Sigmoid> {
  static std::string emit(graph& g, const layer_input& in) { return detail::single_node(g, in, "Sigmoid"); }
};
template <>
struct layer_op<Tanh> {
  static std::string emit(graph& g, const layer_input& in) { return detail::single_node(g, in, "Tanh"); }
};
template <>
struct layer_op<Softmax> {
  static std::string emit(graph& g, const layer_input& in) {
    return detail::single_node(g, in, "Softmax", {{"axis", std::int64_t{-1}}});
  }
};
template <>
struct layer_op<Flatten> {
  static std::string emit(graph& g, const layer_input& in) {
    return detail::single_node(g, in, "Flatten", {{"axis", std::int64_t{1}}});
  }
};
template <float P>
struct layer_op<Dropout<P>> {
  static std::string emit(graph&, const layer_input& in) { return in.x; }  // inference: the identity
};

}  // namespace lamina::io::onnx
