#pragma once
// im2col / col2im: the lowering that turns a 2-D convolution into a GEMM.
//
// A convolution pairs an *image* (the tensor with the larger spatial size: Conv2d's input,
// ConvTranspose2d's output) with a *column-side* tensor (Conv2d's output, ConvTranspose2d's
// input) of oh x ow positions. im2col writes, for one sample, the matrix
//     col[(c * K + ki) * K + kj, p]  = image[c, oh*S - P + ki*D, ow*S - P + kj*D]   (0 outside)
// with p = oh * ow_count + ow, rows of length oh*ow stored `ld` floats apart (so several samples
// can sit side by side in one [C*K*K, batch*oh*ow] matrix). col2im is its adjoint: it adds every
// column entry back to the image pixel it came from, in a fixed order (deterministic).
#include <algorithm>
#include <cstddef>
#include <cstring>

#include "../../core/backend.hpp"

namespace lamina::kernels {

// Geometry of one convolution, seen from the image side. All sizes are per sample.
struct conv_geometry {
  std::size_t channels;      // image channels (all groups)
  std::size_t height, width; // image size
  std::size_t kernel, stride, padding, dilation;
  std::size_t out_h, out_w;  // column-side spatial size (Conv2d's output size)
  std::size_t groups = 1;

  constexpr std::size_t positions() const { return out_h * out_w; }  // P
  constexpr std::size_t image_size() const { return channels * height * width; }
  constexpr std::size_t col_rows() const { return channels * kernel * kernel; }
  constexpr std::size_t col_size() const { return col_rows() * positions(); }
};

namespace detail {

// [lo, hi): the output positions o whose input index o*S - P + k*D lies in [0, n).
inline void conv_valid_range(std::size_t n_out, std::size_t n_in, std::size_t S, std::ptrdiff_t off,
                             std::size_t& lo, std::size_t& hi) {
  // index(o) = o*S + off, off = k*D - P. Need 0 <= index < n_in.
  const std::ptrdiff_t s = std::ptrdiff_t(S);
  std::ptrdiff_t l = off >= 0 ? 0 : (-off + s - 1) / s;
  std::ptrdiff_t h = std::ptrdiff_t(n_in) - off <= 0 ? 0 : (std::ptrdiff_t(n_in) - off + s - 1) / s;
  l = std::min<std::ptrdiff_t>(l, std::ptrdiff_t(n_out));
  h = std::clamp<std::ptrdiff_t>(h, l, std::ptrdiff_t(n_out));
  lo = std::size_t(l);
  hi = std::size_t(h);
}

}  // namespace detail

// col [C*K*K rows, ld] <- im2col(image [C, H, W]) for one sample.
inline void im2col(cpu, const conv_geometry& g, const float* image, float* col, std::size_t ld) {
  const std::size_t K = g.kernel, S = g.stride, OW = g.out_w, OH = g.out_h;
  for (std::size_t c = 0; c < g.channels; ++c) {
    const float* plane = image + c * g.height * g.width;
    for (std::size_t ki = 0; ki < K; ++ki) {
      const std::ptrdiff_t offh = std::ptrdiff_t(ki * g.dilation) - std::ptrdiff_t(g.padding);
      std::size_t oh_lo, oh_hi;
      detail::conv_valid_range(OH, g.height, S, offh, oh_lo, oh_hi);
      for (std::size_t kj = 0; kj < K; ++kj) {
        const std::ptrdiff_t offw = std::ptrdiff_t(kj * g.dilation) - std::ptrdiff_t(g.padding);
        std::size_t ow_lo, ow_hi;
        detail::conv_valid_range(OW, g.width, S, offw, ow_lo, ow_hi);
        float* dst = col + ((c * K + ki) * K + kj) * ld;
        if (oh_lo > 0) std::fill(dst, dst + oh_lo * OW, 0.f);
        for (std::size_t oh = oh_lo; oh < oh_hi; ++oh) {
          float* d = dst + oh * OW;
          const float* src = plane + std::size_t(std::ptrdiff_t(oh * S) + offh) * g.width;
          std::fill(d, d + ow_lo, 0.f);
          const float* s0 = src + std::ptrdiff_t(ow_lo * S) + offw;
          if (S == 1) {
            std::memcpy(d + ow_lo, s0, (ow_hi - ow_lo) * sizeof(float));
          } else if (S == 2) {
            for (std::size_t ow = ow_lo; ow < ow_hi; ++ow) d[ow] = s0[(ow - ow_lo) * 2];
          } else {
            for (std::size_t ow = ow_lo; ow < ow_hi; ++ow) d[ow] = s0[(ow - ow_lo) * S];
          }
          std::fill(d + ow_hi, d + OW, 0.f);
        }
        std::fill(dst + oh_hi * OW, dst + OH * OW, 0.f);
      }
    }
  }
}

// image [C, H, W] = col2im(col [C*K*K rows, ld]) for one sample: the image is overwritten with
// the sum of the column entries that map to each pixel (zero where none does).
inline void col2im(cpu, const conv_geometry& g, const float* col, std::size_t ld, float* image) {
  const std::size_t K = g.kernel, S = g.stride, OW = g.out_w, OH = g.out_h;
  std::fill(image, image + g.image_size(), 0.f);
  for (std::size_t c = 0; c < g.channels; ++c) {
    float* plane = image + c * g.height * g.width;
    for (std::size_t ki = 0; ki < K; ++ki) {
      const std::ptrdiff_t offh = std::ptrdiff_t(ki * g.dilation) - std::ptrdiff_t(g.padding);
      std::size_t oh_lo, oh_hi;
      detail::conv_valid_range(OH, g.height, S, offh, oh_lo, oh_hi);
      for (std::size_t kj = 0; kj < K; ++kj) {
        const std::ptrdiff_t offw = std::ptrdiff_t(kj * g.dilation) - std::ptrdiff_t(g.padding);
        std::size_t ow_lo, ow_hi;
        detail::conv_valid_range(OW, g.width, S, offw, ow_lo, ow_hi);
        const float* src = col + ((c * K + ki) * K + kj) * ld;
        for (std::size_t oh = oh_lo; oh < oh_hi; ++oh) {
          const float* s = src + oh * OW;
          float* d0 = plane + std::size_t(std::ptrdiff_t(oh * S) + offh) * g.width +
                      std::ptrdiff_t(ow_lo * S) + offw;
          const std::size_t n = ow_hi - ow_lo;
          if (S == 1) {
            for (std::size_t i = 0; i < n; ++i) d0[i] += s[ow_lo + i];
          } else if (S == 2) {
            for (std::size_t i = 0; i < n; ++i) d0[2 * i] += s[ow_lo + i];
          } else {
            for (std::size_t i = 0; i < n; ++i) d0[i * S] += s[ow_lo + i];
          }
        }
      }
    }
  }
}

}  // namespace lamina::kernels
