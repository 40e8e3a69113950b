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
#include "../../core/config.hpp"

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
LAMINA_INLINE void conv_valid_range(std::size_t n_out, std::size_t n_in, std::size_t S, std::ptrdiff_t off,
                                    std::size_t& lo, std::size_t& hi);


// d[i] = s[i * S] for i < n (one output row segment of im2col).
LAMINA_INLINE void conv_gather_row(float* __restrict d, const float* __restrict s, std::size_t n, std::size_t S);

// d[i * S] += s[i] for i < n (one row segment of col2im).
LAMINA_INLINE void conv_scatter_add_row(float* __restrict d, const float* __restrict s, std::size_t n, std::size_t S);

}  // namespace detail

// col [C*K*K rows, ld] <- im2col(image [C, H, W]) for one sample.
LAMINA_INLINE void im2col(cpu, const conv_geometry& g, const float* image, float* col, std::size_t ld);

// image [C, H, W] = col2im(col [C*K*K rows, ld]) for one sample: the image is overwritten with
// the sum of the column entries that map to each pixel (zero where none does).
LAMINA_INLINE void col2im(cpu, const conv_geometry& g, const float* col, std::size_t ld, float* image);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "im2col-inl.hpp"
#endif
