#pragma once
// MaxPool2d<Kernel, Stride = Kernel, Padding = 0, Dilation = 1, CeilMode = false> and
// AvgPool2d<Kernel, Stride = Kernel, Padding = 0, CeilMode = false, CountIncludePad = true> on
// [C, H, W] samples, as torch.nn.MaxPool2d / AvgPool2d with the same arguments in the same order.
#include <cstdint>
#include <string>

#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {
namespace detail {

template <std::size_t Kernel, std::size_t Stride, std::size_t Padding, std::size_t Dilation, bool CeilMode,
          bool CountIncludePad = true>
struct pool2d_shape {
  static_assert(Kernel > 0 && Stride > 0 && Dilation > 0,
                "lamina pooling: kernel, stride and dilation must be at least 1");
  // A window's span: its taps and the gaps between them.
  static constexpr std::size_t extent = Dilation * (Kernel - 1) + 1;
  static_assert(2 * Padding <= extent,
                "lamina pooling: padding must be at most half the (dilated) kernel size (as in PyTorch)");
  static constexpr std::size_t param_count = 0;
  // A window must fit in the padded input.
  static constexpr bool accepts(dims in) {
    return in.rank == 3 && in[1] + 2 * Padding >= extent && in[2] + 2 * Padding >= extent;
  }
  static constexpr dims expected(dims in) {
    const std::size_t min_side = extent > 2 * Padding ? extent - 2 * Padding : 1;
    if (in.rank != 3) return make_dims(in.rank ? in[0] : 1, min_side, min_side);
    return make_dims(in[0], in[1] < min_side ? min_side : in[1], in[2] < min_side ? min_side : in[2]);
  }
  // PyTorch's output size: floor (or ceil) of the windows that fit, where with ceil_mode the
  // last window must start inside the input or its left padding.
  static constexpr std::size_t out_side(std::size_t n) {
    const std::size_t span = n + 2 * Padding - extent;
    std::size_t out = (CeilMode ? (span + Stride - 1) / Stride : span / Stride) + 1;
    if (CeilMode && (out - 1) * Stride >= n + Padding) --out;
    return out;
  }
  static constexpr dims output(dims in) { return make_dims(in[0], out_side(in[1]), out_side(in[2])); }
  static constexpr std::size_t flops(dims in) { return output(in).size() * Kernel * Kernel; }
  static constexpr kernels::pool2d_geometry geometry(dims in, std::size_t batch) {
    return {batch * in[0], in[1], in[2], Kernel, Stride, Padding, out_side(in[1]), out_side(in[2]), Dilation,
            CountIncludePad};
  }
  static std::string args() {
    return "kernel_size=" + std::to_string(Kernel) + ", stride=" + std::to_string(Stride) +
           ", padding=" + std::to_string(Padding);
  }
};

}  // namespace detail

/// The maximum of each Kernel x Kernel window (taps Dilation apart) on [C, H, W] samples, as
/// torch.nn.MaxPool2d(kernel_size, stride, padding, dilation, ceil_mode=CeilMode).
template <std::size_t Kernel, std::size_t Stride = Kernel, std::size_t Padding = 0, std::size_t Dilation = 1,
          bool CeilMode = false>
struct MaxPool2d : detail::pool2d_shape<Kernel, Stride, Padding, Dilation, CeilMode> {
  /// The shape rules shared with AvgPool2d (accepts, output, expected, flops).
  using shape = detail::pool2d_shape<Kernel, Stride, Padding, Dilation, CeilMode>;
  static constexpr std::string_view name = "MaxPool2d";  ///< The layer's name in summaries.
  /// The layer as PyTorch prints it: "MaxPool2d(kernel_size=2, stride=2, padding=0)" with the
  /// defaults, and with dilation and ceil_mode otherwise.
  static std::string describe() {
    if (Dilation == 1 && !CeilMode) return "MaxPool2d(" + shape::args() + ")";
    return "MaxPool2d(" + shape::args() + ", dilation=" + std::to_string(Dilation) +
           ", ceil_mode=" + (CeilMode ? "True" : "False") + ")";
  }
  /// The arg-max of every output, kept for backward (int32 stored in float-sized slots).
  static constexpr std::size_t workspace_per_sample(dims in) { return shape::output(in).size(); }

  /// y = the maximum of each window; remembers where it was.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::max_pool2d_forward(b, shape::geometry(In, a.batch), a.x, a.y,
                                reinterpret_cast<std::int32_t*>(a.workspace));
  }
  /// dx = dy routed to each window's arg-max, 0 elsewhere.
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx)
      kernels::max_pool2d_backward(b, shape::geometry(In, a.batch), a.dy,
                                   reinterpret_cast<const std::int32_t*>(a.workspace), a.dx);
  }
};

/// The mean of each Kernel x Kernel window on [C, H, W] samples, as
/// torch.nn.AvgPool2d(kernel_size, stride, padding, ceil_mode=CeilMode,
/// count_include_pad=CountIncludePad): the padding counts in the mean by default.
template <std::size_t Kernel, std::size_t Stride = Kernel, std::size_t Padding = 0, bool CeilMode = false,
          bool CountIncludePad = true>
struct AvgPool2d : detail::pool2d_shape<Kernel, Stride, Padding, 1, CeilMode, CountIncludePad> {
  /// The shape rules shared with MaxPool2d (accepts, output, expected, flops).
  using shape = detail::pool2d_shape<Kernel, Stride, Padding, 1, CeilMode, CountIncludePad>;
  static constexpr std::string_view name = "AvgPool2d";  ///< The layer's name in summaries.
  /// The layer as PyTorch prints it, e.g. "AvgPool2d(kernel_size=2, stride=2, padding=0)".
  static std::string describe() { return "AvgPool2d(" + shape::args() + ")"; }

  /// y = the mean of each window.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::avg_pool2d_forward(b, shape::geometry(In, a.batch), a.x, a.y);
  }
  /// dx = dy spread evenly over each window.
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::avg_pool2d_backward(b, shape::geometry(In, a.batch), a.dy, a.dx);
  }
};

}  // namespace lamina
