#pragma once
// LayerNorm over a sample's trailing dimensions, as torch.nn.LayerNorm(normalized_shape, eps,
// elementwise_affine): each sample's last dimensions are normalised by their own mean and
// variance (no running statistics, the same in training and evaluation), then scaled and
// shifted element by element. The arithmetic, shared with GroupNorm, is
// kernels/common/sample_norm.hpp.
#include <array>
#include <string>

#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {
namespace detail {

// What LayerNorm and GroupNorm share: Self::geometry(in, batch) lays out the rows and the
// parameters (weight, then bias, Self::affine_count each, when Affine).
template <class Self, float Eps, bool Affine>
struct sample_norm_layer {
  static_assert(Eps > 0.f, "lamina LayerNorm/GroupNorm: eps must be > 0");
  static constexpr float eps = Eps;  ///< Added to the variance, as PyTorch's eps.
  // Each row's mean and 1/std, kept from forward for backward.
  static constexpr std::size_t workspace_per_sample(dims in) { return 2 * Self::geometry(in, 1).rows; }
  static constexpr std::size_t flops(dims in) { return 5 * in.size(); }

  static void reset_parameters(float* p, const rng&) {
    if constexpr (Affine)
      for (std::size_t i = 0; i < Self::affine_count; ++i) p[i] = 1.f, p[Self::affine_count + i] = 0.f;
  }
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    constexpr std::size_t n = Self::affine_count;
    const kernels::sample_norm_geometry g = Self::geometry(In, a.batch);
    kernels::sample_norm_forward(b, g, a.x, a.y, Affine ? a.params : nullptr, Affine ? a.params + n : nullptr,
                                 a.workspace, a.workspace + g.rows);
  }
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    constexpr std::size_t n = Self::affine_count;
    const kernels::sample_norm_geometry g = Self::geometry(In, a.batch);
    const bool grads = Affine && a.grads;
    kernels::sample_norm_backward(b, g, a.x, a.dy, Affine ? a.params : nullptr, a.workspace, a.workspace + g.rows,
                                  a.dx, grads ? a.grads : nullptr, grads ? a.grads + n : nullptr);
  }
};

}  // namespace detail

/// Layer normalisation over the trailing dimensions NormalizedShape of each sample, as
/// torch.nn.LayerNorm(normalized_shape, eps, elementwise_affine): weight (ones) and bias
/// (zeros) of shape NormalizedShape when Affine. LayerNorm<Dims...> takes PyTorch's defaults.
template <class NormalizedShape, float Eps = 1e-5f, bool Affine = true>
struct LayerNormOf : detail::sample_norm_layer<LayerNormOf<NormalizedShape, Eps, Affine>, Eps, Affine> {
  static_assert(NormalizedShape::rank >= 1, "lamina LayerNorm: normalized_shape needs at least one dimension");
  static constexpr std::string_view name = "LayerNorm";          ///< The layer's name in summaries.
  static constexpr dims normalized_shape = NormalizedShape::value;  ///< The normalised trailing dims.
  static constexpr std::size_t affine_count = NormalizedShape::size;  ///< Elements of weight (and bias).
  static constexpr std::size_t param_count = Affine ? 2 * affine_count : 0;  ///< weight and bias.
  /// weight and bias, both of shape NormalizedShape (none without Affine).
  static constexpr auto parameters = [] {
    if constexpr (Affine)
      return std::array<param_spec, 2>{{{"weight", normalized_shape}, {"bias", normalized_shape}}};
    else
      return std::array<param_spec, 0>{};
  }();

  /// A shape that ends with NormalizedShape.
  static constexpr bool accepts(dims in) {
    if (in.rank < normalized_shape.rank) return false;
    for (std::size_t i = 0; i < normalized_shape.rank; ++i)
      if (in[in.rank - normalized_shape.rank + i] != normalized_shape[i]) return false;
    return true;
  }
  /// `in` with its trailing dimensions replaced by NormalizedShape (for error messages).
  static constexpr dims expected(dims in) {
    if (in.rank < normalized_shape.rank) return normalized_shape;
    for (std::size_t i = 0; i < normalized_shape.rank; ++i) in.d[in.rank - normalized_shape.rank + i] = normalized_shape[i];
    return in;
  }
  /// The input shape.
  static constexpr dims output(dims in) { return in; }
  /// One row per NormalizedShape block of the batch, one parameter per element of a row.
  static constexpr kernels::sample_norm_geometry geometry(dims in, std::size_t batch) {
    return {batch * (in.size() / affine_count), affine_count, 1, 1, Eps};
  }
  /// The layer as PyTorch prints it, e.g. "LayerNorm((64,), eps=1e-05, elementwise_affine=True)".
  static std::string describe() {
    std::string shape = "(";
    for (std::size_t i = 0; i < normalized_shape.rank; ++i) shape += (i ? ", " : "") + std::to_string(normalized_shape[i]);
    shape += normalized_shape.rank == 1 ? ",)" : ")";
    return "LayerNorm(" + shape + ", eps=" + detail::python_float(Eps) +
           ", elementwise_affine=" + (Affine ? "True" : "False") + ")";
  }
};

/// Layer normalisation over the trailing dimensions Dims... with PyTorch's defaults,
/// torch.nn.LayerNorm([Dims...]) (eps 1e-5, learnable weight and bias).
template <std::size_t... Dims>
using LayerNorm = LayerNormOf<Shape<Dims...>>;

}  // namespace lamina
