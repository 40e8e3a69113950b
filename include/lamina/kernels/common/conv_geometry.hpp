#pragma once
// The geometry of one 2-D convolution, as every backend's kernels see it.
//
// A convolution pairs an *image* (the tensor with the larger spatial size: Conv2d's input,
// ConvTranspose2d's output) with a *column-side* tensor (Conv2d's output, ConvTranspose2d's
// input) of out_h x out_w positions. Lowered (im2col), one sample of the image is the matrix
//     col[(c * K + ki) * K + kj, p]  = image[c, oh*S - P + ki*D, ow*S - P + kj*D]   (0 outside)
// with p = oh * out_w + ow.
#include <cstddef>

namespace lamina::kernels {

/// Geometry of one convolution, seen from the image side. All sizes are per sample.
struct conv_geometry {
  std::size_t channels;      ///< image channels (all groups)
  /// Image height and width in pixels.
  ///@{
  std::size_t height, width; // image size
  ///@}
  /// Square kernel size K, stride S, zero padding P per side and dilation D, as in
  /// torch.nn.Conv2d.
  ///@{
  std::size_t kernel, stride, padding, dilation;
  ///@}
  /// Column-side height and width: Conv2d's output size, ConvTranspose2d's input size.
  ///@{
  std::size_t out_h, out_w;  // column-side spatial size (Conv2d's output size)
  ///@}
  std::size_t groups = 1;  ///< Channel groups G, as Conv2d's `groups` (default 1).

  /// Column-side positions per sample, P = out_h * out_w.
  constexpr std::size_t positions() const { return out_h * out_w; }  // P
  /// Floats per sample of the image, C * H * W.
  constexpr std::size_t image_size() const { return channels * height * width; }
  /// Rows of the lowered matrix, C * K * K.
  constexpr std::size_t col_rows() const { return channels * kernel * kernel; }
  /// Floats per sample of the lowered matrix, C * K * K * P.
  constexpr std::size_t col_size() const { return col_rows() * positions(); }
};

/// Whether the image's gradient is itself a convolution, of the columns' gradient: with stride 1
/// and padding at most D(K-1) (the padding it needs, D(K-1) - P, is then not negative).
constexpr bool conv_dx_is_convolution(const conv_geometry& g) {
  return g.stride == 1 && g.padding <= g.dilation * (g.kernel - 1);
}

/// That convolution (conv_dx_is_convolution): its image is the columns' gradient (col_channels
/// channels, padded by D(K-1) - P), its columns the image's gradient, its kernel the rotated one.
constexpr conv_geometry conv_dx_geometry(const conv_geometry& g, std::size_t col_channels) {
  return {.channels = col_channels, .height = g.out_h, .width = g.out_w, .kernel = g.kernel, .stride = 1,
          .padding = g.dilation * (g.kernel - 1) - g.padding, .dilation = g.dilation, .out_h = g.height,
          .out_w = g.width, .groups = g.groups};
}

}  // namespace lamina::kernels
