#pragma once
// Upsample<Scale, Mode = nearest> on [C, H, W] samples, as torch.nn.Upsample(scale_factor=Scale,
// mode='nearest' or 'bilinear') (align_corners=False): [C, Scale H, Scale W].
#include <string>

#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

/// How Upsample fills its output (kernels::upsample_mode): upsample_mode::nearest or
/// upsample_mode::bilinear.
using kernels::upsample_mode;

/// Upsampling of [C, H, W] samples by an integer Scale, as torch.nn.Upsample(scale_factor=Scale,
/// mode): the nearest input pixel, or bilinear interpolation with align_corners=False.
template <std::size_t Scale, upsample_mode Mode = upsample_mode::nearest>
struct Upsample {
  static_assert(Scale >= 1, "lamina Upsample: the scale factor must be at least 1");
  static constexpr std::string_view name = "Upsample";  ///< The layer's name in summaries.
  static constexpr std::size_t param_count = 0;         ///< No parameters.
  static constexpr std::size_t scale_factor = Scale;    ///< The integer scale.
  static constexpr upsample_mode mode = Mode;           ///< Nearest or bilinear.
  /// A [C, H, W] sample.
  static constexpr bool accepts(dims in) { return in.rank == 3; }
  /// [C, Scale H, Scale W].
  static constexpr dims output(dims in) { return make_dims(in[0], Scale * in[1], Scale * in[2]); }
  /// [C, H, W] (for error messages).
  static constexpr dims expected(dims in) { return in.rank == 3 ? in : make_dims(in.rank ? in[0] : 1, 1, 1); }
  /// Operations per output element: a copy, or the 4-tap mix.
  static constexpr std::size_t flops(dims in) {
    return output(in).size() * (Mode == upsample_mode::nearest ? 1 : 8);
  }
  /// The layer as PyTorch prints it, e.g. "Upsample(scale_factor=2.0, mode='nearest')".
  static std::string describe() {
    return "Upsample(scale_factor=" + std::to_string(Scale) + ".0, mode='" +
           (Mode == upsample_mode::nearest ? "nearest" : "bilinear") + "')";
  }
  /// The planes of a batch and the sizes.
  static constexpr kernels::resample_geometry geometry(dims in, std::size_t batch) {
    return {batch * in[0], in[1], in[2], Scale * in[1], Scale * in[2]};
  }

  /// y = x upsampled.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::upsample_forward<Mode>(b, geometry(In, a.batch), Scale, a.x, a.y);
  }
  /// dx = the sum of dy over the outputs each input fed, weighted as it fed them.
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::upsample_backward<Mode>(b, geometry(In, a.batch), Scale, a.dy, a.dx);
  }
};

}  // namespace lamina
