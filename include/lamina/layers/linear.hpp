#pragma once
// Linear<InFeatures, OutFeatures, Bias = true>: y = x W^T + b over the last dimension, as
// torch.nn.Linear (weight [out, in], bias [out]); leading per-sample dimensions are kept.
#include <array>
#include <string>
#include <type_traits>

#include "../core/layer.hpp"
#include "../init/init.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

/// The input shape flattened, in LAMINA_LINEAR_NEEDS_FLAT_INPUT's message.
template <class S> struct after_Flatten {};
/// Linear's message for a multi-dimensional input whose last dimension is not InFeatures: the
/// usual cause is a forgotten Flatten after convolutions. `after_Flatten<>` is the input flattened.
template <class Position, class LinearType, class Got, class AfterFlatten, class Expects>
struct LAMINA_LINEAR_NEEDS_FLAT_INPUT {
  static_assert(detail::always_false<LinearType>,
                "LAMINA_LINEAR_NEEDS_FLAT_INPUT: this Linear gets a multi-dimensional input whose "
                "last dimension is not its in_features (Linear acts on the last dimension only, as "
                "torch.nn.Linear does). Insert lm::Flatten before it: it then gets the shape in "
                "after_Flatten<...> above, which must equal the one in expects<...>.");
  static constexpr bool ok = false;  ///< Never true: instantiating the class is the error.
};

namespace detail {
template <class L, class Position, dims In>
struct linear_shape_error {
  static constexpr std::size_t flat = In.size();
  static constexpr dims expected = L::expected(In);
  using type = std::conditional_t<
      (In.rank > 1),
      LAMINA_LINEAR_NEEDS_FLAT_INPUT<Position, L, got<shape_of<In>>, after_Flatten<Shape<flat>>,
                                     expects<Shape<L::in_features>>>,
      LAMINA_SHAPE_MISMATCH<Position, L, got<shape_of<In>>, expects<shape_of<expected>>>>;
};
}  // namespace detail

/// y = x W^T + b over the last dimension, as torch.nn.Linear(InFeatures, OutFeatures, Bias):
/// weight [out, in], bias [out]; leading per-sample dimensions are kept.
template <std::size_t InFeatures, std::size_t OutFeatures, bool Bias = true>
struct Linear {
  static_assert(InFeatures > 0 && OutFeatures > 0, "lamina::Linear: features must be at least 1");
  static constexpr std::string_view name = "Linear";  ///< The layer's name in summaries.
  /// Under autocast, runs its matrix products in bf16/fp16 (core/autocast.hpp).
  static constexpr bool autocast_to_lower_precision = true;
  static constexpr std::size_t in_features = InFeatures;    ///< Size of the last input dimension.
  static constexpr std::size_t out_features = OutFeatures;  ///< Size of the last output dimension.
  /// Number of weights (the bias follows them in the packed parameters).
  static constexpr std::size_t weight_count = OutFeatures * InFeatures;
  static constexpr std::size_t param_count = weight_count + (Bias ? OutFeatures : 0);  ///< Number of parameters.

  /// The parameter tensors: weight [out, in], then bias [out] (when Bias).
  static constexpr auto parameters = [] {
    if constexpr (Bias)
      return std::array<param_spec, 2>{{{"weight", make_dims(OutFeatures, InFeatures)},
                                        {"bias", make_dims(OutFeatures)}}};
    else
      return std::array<param_spec, 1>{{{"weight", make_dims(OutFeatures, InFeatures)}}};
  }();

  /// Whether the last dimension of `in` is InFeatures.
  static constexpr bool accepts(dims in) { return in.rank >= 1 && in.back() == InFeatures; }
  /// `in` with its last dimension set to InFeatures.
  static constexpr dims expected(dims in) {
    dims e = in.rank ? in : make_dims(InFeatures);
    e.d[e.rank - 1] = InFeatures;
    return e;
  }
  /// The compile-time message when accepts(in) is false (core/shape_check.hpp).
  template <class Position, dims In>
  using shape_error = typename detail::linear_shape_error<Linear, Position, In>::type;
  /// `in` with its last dimension set to OutFeatures.
  static constexpr dims output(dims in) {
    dims o = in;
    o.d[o.rank - 1] = OutFeatures;
    return o;
  }
  /// Floating-point operations per sample (a multiply and an add per weight and row).
  static constexpr std::size_t flops(dims in) {
    return in.size() / InFeatures * (2 * InFeatures * OutFeatures + (Bias ? OutFeatures : 0));
  }
  /// The layer as PyTorch prints it, e.g. "Linear(in_features=784, out_features=512, bias=True)".
  static std::string describe() {
    return "Linear(in_features=" + std::to_string(InFeatures) + ", out_features=" +
           std::to_string(OutFeatures) + ", bias=" + (Bias ? "True" : "False") + ")";
  }

  /// PyTorch's default initialisation (init::pytorch_default), weight and bias each from
  /// their own named stream.
  static void reset_parameters(float* p, const rng& gen) {
    rng wg = gen.fork("weight"), bg = gen.fork("bias");
    init::pytorch_default({p, make_dims(OutFeatures, InFeatures)},
                          Bias ? TensorView{p + weight_count, make_dims(OutFeatures)} : TensorView{},
                          wg, bg);
  }

  /// y = x W^T + b for a batch (one GEMM).
  template <dims In, class Backend>
  static void forward(Backend b, const forward_args& a) {
    using kernels::transpose;
    const std::size_t rows = a.batch * (In.size() / InFeatures);
    if constexpr (Bias) kernels::broadcast_rows(b, a.params + weight_count, a.y, rows, OutFeatures);
    kernels::gemm(b, transpose::no, transpose::yes, rows, OutFeatures, InFeatures, 1.f, a.x,
                  InFeatures, a.params, InFeatures, Bias ? 1.f : 0.f, a.y, OutFeatures);
  }

  /// dW = dy^T x, db = column sums of dy, and dx = dy W when wanted.
  template <dims In, class Backend>
  static void backward(Backend b, const backward_args& a) {
    using kernels::transpose;
    const std::size_t rows = a.batch * (In.size() / InFeatures);
    // dW [out, in] = dy^T [out, rows] x [rows, in]
    kernels::gemm(b, transpose::yes, transpose::no, OutFeatures, InFeatures, rows, 1.f, a.dy,
                  OutFeatures, a.x, InFeatures, 0.f, a.grads, InFeatures);
    if constexpr (Bias) kernels::column_sum(b, a.dy, rows, OutFeatures, a.grads + weight_count);
    // dx [rows, in] = dy [rows, out] x W [out, in]
    if (a.dx)
      kernels::gemm(b, transpose::no, transpose::no, rows, InFeatures, OutFeatures, 1.f, a.dy,
                    OutFeatures, a.params, InFeatures, 0.f, a.dx, InFeatures);
  }
};

}  // namespace lamina
