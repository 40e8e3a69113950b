#pragma once
// AdaptiveAvgPool2d<H, W = H> on [C, H_in, W_in] samples, as torch.nn.AdaptiveAvgPool2d((H, W)):
// whatever the input size, an H x W output, each the mean of its window (PyTorch's windows:
// floor(o H_in / H) to ceil((o + 1) H_in / H), which may overlap when H does not divide H_in).
#include <string>

#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

/// Average pooling to a fixed OutH x OutW output on [C, H, W] samples, as
/// torch.nn.AdaptiveAvgPool2d((OutH, OutW)); AdaptiveAvgPool2d<1> is global average pooling.
template <std::size_t OutH, std::size_t OutW = OutH>
struct AdaptiveAvgPool2d {
  static_assert(OutH > 0 && OutW > 0, "lamina AdaptiveAvgPool2d: the output size must be at least 1");
  static constexpr std::string_view name = "AdaptiveAvgPool2d";  ///< The layer's name in summaries.
  static constexpr std::size_t param_count = 0;                  ///< No parameters.
  /// A [C, H, W] sample (any H and W: windows may repeat inputs when the output is larger).
  static constexpr bool accepts(dims in) { return in.rank == 3; }
  /// [C, OutH, OutW].
  static constexpr dims output(dims in) { return make_dims(in[0], OutH, OutW); }
  /// [C, H, W] (for error messages).
  static constexpr dims expected(dims in) {
    return in.rank == 3 ? in : make_dims(in.rank ? in[0] : 1, OutH, OutW);
  }
  /// About one addition per input element.
  static constexpr std::size_t flops(dims in) { return in.size(); }
  /// The layer as PyTorch prints it, e.g. "AdaptiveAvgPool2d(output_size=(1, 1))".
  static std::string describe() {
    return "AdaptiveAvgPool2d(output_size=(" + std::to_string(OutH) + ", " + std::to_string(OutW) + "))";
  }
  /// The planes of a batch and the sizes.
  static constexpr kernels::resample_geometry geometry(dims in, std::size_t batch) {
    return {batch * in[0], in[1], in[2], OutH, OutW};
  }

  /// y = the mean of each window.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::adaptive_avg_pool2d_forward(b, geometry(In, a.batch), a.x, a.y);
  }
  /// dx = dy spread evenly over each window.
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::adaptive_avg_pool2d_backward(b, geometry(In, a.batch), a.dy, a.dx);
  }
};

}  // namespace lamina
