#pragma once
// GroupNorm, as torch.nn.GroupNorm(num_groups, num_channels, eps, affine): the channels of each
// sample [C, ...] are split into Groups groups, each normalised by its own mean and variance
// (no running statistics, the same in training and evaluation), then scaled and shifted per
// channel. LayerNorm's arithmetic with one row per group (kernels/common/sample_norm.hpp).
#include <array>
#include <string>

#include "layer_norm.hpp"

namespace lamina {

/// Group normalisation of Channels channels in Groups groups on [C] or [C, ...] samples, as
/// torch.nn.GroupNorm(num_groups, num_channels, eps, affine): weight (ones) and bias (zeros)
/// of Channels elements when Affine.
template <std::size_t Groups, std::size_t Channels, float Eps = 1e-5f, bool Affine = true>
struct GroupNorm : detail::sample_norm_layer<GroupNorm<Groups, Channels, Eps, Affine>, Eps, Affine> {
  static_assert(Groups >= 1 && Channels % Groups == 0,
                "lamina GroupNorm: num_channels must be divisible by num_groups");
  static constexpr std::string_view name = "GroupNorm";  ///< The layer's name in summaries.
  static constexpr std::size_t affine_count = Channels;  ///< Elements of weight (and bias).
  static constexpr std::size_t param_count = Affine ? 2 * Channels : 0;  ///< weight and bias.
  /// weight and bias, [Channels] each (none without Affine).
  static constexpr auto parameters = [] {
    if constexpr (Affine)
      return std::array<param_spec, 2>{{{"weight", make_dims(Channels)}, {"bias", make_dims(Channels)}}};
    else
      return std::array<param_spec, 0>{};
  }();

  /// A shape [Channels, ...].
  static constexpr bool accepts(dims in) { return in.rank >= 1 && in[0] == Channels; }
  /// `in` with Channels first (for error messages).
  static constexpr dims expected(dims in) {
    if (in.rank == 0) return make_dims(Channels);
    in.d[0] = Channels;
    return in;
  }
  /// The input shape.
  static constexpr dims output(dims in) { return in; }
  /// One row per group of each sample, one parameter per channel.
  static constexpr kernels::sample_norm_geometry geometry(dims in, std::size_t batch) {
    const std::size_t spatial = in.size() / Channels;
    return {batch * Groups, Channels / Groups * spatial, Groups, spatial, Eps};
  }
  /// The layer as PyTorch prints it, e.g. "GroupNorm(2, 6, eps=1e-05, affine=True)".
  static std::string describe() {
    return "GroupNorm(" + std::to_string(Groups) + ", " + std::to_string(Channels) +
           ", eps=" + detail::python_float(Eps) + ", affine=" + (Affine ? "True" : "False") + ")";
  }
};

}  // namespace lamina
