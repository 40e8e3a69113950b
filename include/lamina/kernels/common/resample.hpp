#pragma once
// Resampling of [planes, H, W] (planes = batch * channels), for every backend: adaptive average
// pooling to a fixed output size (torch.nn.AdaptiveAvgPool2d) and upsampling by an integer
// scale, nearest or bilinear (torch.nn.Upsample, align_corners=False). Forward is one output
// element per index; backward is a gather, one input element per index summing the gradients
// of the outputs that read it, so no two indices write the same element.
#include <cstddef>

#include "../../core/config.hpp"
#include "parallel_for.hpp"

namespace lamina::kernels {

/// Sizes of a resampling of [planes, H, W] into [planes, OH, OW].
struct resample_geometry {
  /// Planes, input height and width, output height and width.
  ///@{
  std::size_t planes, height, width, out_height, out_width;
  ///@}
  LAMINA_HOST_DEVICE std::size_t in_plane() const { return height * width; }  ///< H * W.
  LAMINA_HOST_DEVICE std::size_t out_plane() const { return out_height * out_width; }  ///< OH * OW.
};

/// How Upsample fills its output: the nearest input pixel, or bilinear interpolation.
enum class upsample_mode { nearest, bilinear };

namespace device {

/// The input range [first, last) that adaptive pooling averages for output o of n_out over
/// n_in inputs, as PyTorch: floor(o n_in / n_out) to ceil((o + 1) n_in / n_out).
LAMINA_HOST_DEVICE std::size_t adaptive_first(std::size_t o, std::size_t n_in, std::size_t n_out) {
  return o * n_in / n_out;
}
/// The end of adaptive_first's range (exclusive).
LAMINA_HOST_DEVICE std::size_t adaptive_last(std::size_t o, std::size_t n_in, std::size_t n_out) {
  return ((o + 1) * n_in + n_out - 1) / n_out;
}

/// Adaptive average pooling forward, one output element per index over [planes, OH, OW].
struct adaptive_avg_pool_forward_op {
  /// Sizes, input [planes, H, W] and output [planes, OH, OW].
  ///@{
  resample_geometry g; const float* x; float* y;
  ///@}
  /// The mean of output element i's window.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t p = i / g.out_plane(), oh = i % g.out_plane() / g.out_width, ow = i % g.out_width;
    const std::size_t h0 = adaptive_first(oh, g.height, g.out_height), h1 = adaptive_last(oh, g.height, g.out_height);
    const std::size_t w0 = adaptive_first(ow, g.width, g.out_width), w1 = adaptive_last(ow, g.width, g.out_width);
    const float* xp = x + p * g.in_plane();
    float s = 0.f;
    for (std::size_t h = h0; h < h1; ++h)
      for (std::size_t w = w0; w < w1; ++w) s += xp[h * g.width + w];
    y[i] = s / float((h1 - h0) * (w1 - w0));
  }
};

/// Adaptive average pooling backward, one input element per index over [planes, H, W]: the
/// sum of dy / window size over the windows that contain it (outputs floor(h OH / H) to
/// ceil((h + 1) OH / H) - 1 along each axis).
struct adaptive_avg_pool_backward_op {
  /// Sizes, output gradient [planes, OH, OW] and input gradient [planes, H, W].
  ///@{
  resample_geometry g; const float* dy; float* dx;
  ///@}
  /// The gradient of input element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t p = i / g.in_plane(), h = i % g.in_plane() / g.width, w = i % g.width;
    const float* dyp = dy + p * g.out_plane();
    float s = 0.f;
    for (std::size_t oh = h * g.out_height / g.height; oh < ((h + 1) * g.out_height + g.height - 1) / g.height; ++oh) {
      const std::size_t rows = adaptive_last(oh, g.height, g.out_height) - adaptive_first(oh, g.height, g.out_height);
      for (std::size_t ow = w * g.out_width / g.width; ow < ((w + 1) * g.out_width + g.width - 1) / g.width; ++ow) {
        const std::size_t cols = adaptive_last(ow, g.width, g.out_width) - adaptive_first(ow, g.width, g.out_width);
        s += dyp[oh * g.out_width + ow] / float(rows * cols);
      }
    }
    dx[i] = s;
  }
};

/// Where output o of a bilinear upsampling by `scale` reads along an axis of n inputs, as
/// PyTorch with align_corners=False: source (o + 0.5) / scale - 0.5 clamped at 0, between
/// inputs i0 and i1 = min(i0 + 1, n - 1) with weights w0 and w1.
struct bilinear_tap {
  /// The two inputs read, i0 and i1 (equal at the last input).
  ///@{
  std::size_t i0, i1;
  ///@}
  /// Their weights, w0 + w1 = 1.
  ///@{
  float w0, w1;
  ///@}
};
/// The bilinear_tap of output o.
LAMINA_HOST_DEVICE bilinear_tap bilinear_tap_of(std::size_t o, std::size_t n, float inv_scale) {
  float src = inv_scale * (float(o) + 0.5f) - 0.5f;
  src = src < 0.f ? 0.f : src;
  const std::size_t i0 = std::size_t(src) < n - 1 ? std::size_t(src) : n - 1;
  const float w1 = src - float(i0);
  return {i0, i0 + 1 < n ? i0 + 1 : n - 1, 1.f - w1, w1};
}
/// The weight with which output o reads input i along one axis (0 when it does not).
LAMINA_HOST_DEVICE float bilinear_weight(std::size_t o, std::size_t i, std::size_t n, float inv_scale) {
  const bilinear_tap t = bilinear_tap_of(o, n, inv_scale);
  return (t.i0 == i ? t.w0 : 0.f) + (t.i1 == i ? t.w1 : 0.f);
}

/// Upsampling forward by an integer scale, one output element per index over [planes, OH, OW]
/// (OH = scale H): the nearest input pixel (floor(o / scale)) or the bilinear mix of four.
template <upsample_mode Mode>
struct upsample_forward_op {
  /// Sizes, the scale, input [planes, H, W] and output [planes, OH, OW].
  ///@{
  resample_geometry g; std::size_t scale; const float* x; float* y;
  ///@}
  /// Output element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t p = i / g.out_plane(), oh = i % g.out_plane() / g.out_width, ow = i % g.out_width;
    const float* xp = x + p * g.in_plane();
    if constexpr (Mode == upsample_mode::nearest) {
      y[i] = xp[(oh / scale) * g.width + ow / scale];
    } else {
      const float inv = 1.f / float(scale);
      const bilinear_tap r = bilinear_tap_of(oh, g.height, inv), c = bilinear_tap_of(ow, g.width, inv);
      y[i] = r.w0 * (c.w0 * xp[r.i0 * g.width + c.i0] + c.w1 * xp[r.i0 * g.width + c.i1]) +
             r.w1 * (c.w0 * xp[r.i1 * g.width + c.i0] + c.w1 * xp[r.i1 * g.width + c.i1]);
    }
  }
};

/// Upsampling backward, one input element per index over [planes, H, W]: the scale x scale
/// block it was copied to (nearest), or the outputs within two input pixels of it, each
/// weighted as it read it (bilinear).
template <upsample_mode Mode>
struct upsample_backward_op {
  /// Sizes, the scale, output gradient [planes, OH, OW] and input gradient [planes, H, W].
  ///@{
  resample_geometry g; std::size_t scale; const float* dy; float* dx;
  ///@}
  /// The gradient of input element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t p = i / g.in_plane(), h = i % g.in_plane() / g.width, w = i % g.width;
    const float* dyp = dy + p * g.out_plane();
    float s = 0.f;
    if constexpr (Mode == upsample_mode::nearest) {
      for (std::size_t oh = h * scale; oh < (h + 1) * scale; ++oh)
        for (std::size_t ow = w * scale; ow < (w + 1) * scale; ++ow) s += dyp[oh * g.out_width + ow];
    } else {
      const float inv = 1.f / float(scale);
      const std::size_t oh0 = h > 0 ? (h - 1) * scale : 0, oh1 = (h + 2) * scale < g.out_height ? (h + 2) * scale : g.out_height;
      const std::size_t ow0 = w > 0 ? (w - 1) * scale : 0, ow1 = (w + 2) * scale < g.out_width ? (w + 2) * scale : g.out_width;
      for (std::size_t oh = oh0; oh < oh1; ++oh) {
        const float wh = bilinear_weight(oh, h, g.height, inv);
        if (wh == 0.f) continue;
        for (std::size_t ow = ow0; ow < ow1; ++ow) s += wh * bilinear_weight(ow, w, g.width, inv) * dyp[oh * g.out_width + ow];
      }
    }
    dx[i] = s;
  }
};

}  // namespace device

/// Adaptive average pooling forward on backend `b`: x [planes, H, W] -> y [planes, OH, OW].
template <class Backend>
void adaptive_avg_pool2d_forward(Backend b, const resample_geometry& g, const float* x, float* y) {
  parallel_for(b, per_item{g.planes * g.out_plane(), g.in_plane() / g.out_plane() + 1},
               device::adaptive_avg_pool_forward_op{g, x, y});
}
/// Adaptive average pooling backward on backend `b`: dx [planes, H, W] from dy.
template <class Backend>
void adaptive_avg_pool2d_backward(Backend b, const resample_geometry& g, const float* dy, float* dx) {
  parallel_for(b, per_item{g.planes * g.in_plane(), 4}, device::adaptive_avg_pool_backward_op{g, dy, dx});
}
/// Upsampling forward on backend `b` by `scale`: x [planes, H, W] -> y [planes, OH, OW].
template <upsample_mode Mode, class Backend>
void upsample_forward(Backend b, const resample_geometry& g, std::size_t scale, const float* x, float* y) {
  parallel_for(b, per_item{g.planes * g.out_plane(), 8}, device::upsample_forward_op<Mode>{g, scale, x, y});
}
/// Upsampling backward on backend `b`: dx [planes, H, W] from dy [planes, OH, OW].
template <upsample_mode Mode, class Backend>
void upsample_backward(Backend b, const resample_geometry& g, std::size_t scale, const float* dy, float* dx) {
  parallel_for(b, per_item{g.planes * g.in_plane(), 9 * scale * scale},
               device::upsample_backward_op<Mode>{g, scale, dy, dx});
}

}  // namespace lamina::kernels
