#pragma once
// im2col / col2im: the lowering that turns a 2-D convolution into a GEMM.
//
// im2col writes, for one sample, the lowered image of common/conv_geometry.hpp, rows of length
// oh*ow stored `ld` floats apart (so several samples can sit side by side in one
// [C*K*K, batch*oh*ow] matrix). col2im is its adjoint: it adds every column entry back to the
// image pixel it came from, in a fixed order (deterministic).
#include <algorithm>
#include <cstddef>
#include <cstring>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/conv_geometry.hpp"

namespace lamina::kernels {

namespace detail {

// [lo, hi): the output positions o whose input index o*S - P + k*D lies in [0, n).
LAMINA_INLINE void conv_valid_range(std::size_t n_out, std::size_t n_in, std::size_t S, std::ptrdiff_t off,
                                    std::size_t& lo, std::size_t& hi);


// d[i] = s[i * S] for i < n (one output row segment of im2col).
LAMINA_INLINE void conv_gather_row(float* __restrict d, const float* __restrict s, std::size_t n, std::size_t S);

// d[i * S] += s[i] for i < n (one row segment of col2im).
LAMINA_INLINE void conv_scatter_add_row(float* __restrict d, const float* __restrict s, std::size_t n, std::size_t S);

}  // namespace detail

/// col [C*K*K rows, ld] <- im2col(image [C, H, W]) for one sample.
LAMINA_INLINE void im2col(cpu, const conv_geometry& g, const float* image, float* col, std::size_t ld);

/// image [C, H, W] = col2im(col [C*K*K rows, ld]) for one sample: the image is overwritten with
/// the sum of the column entries that map to each pixel (zero where none does).
LAMINA_INLINE void col2im(cpu, const conv_geometry& g, const float* col, std::size_t ld, float* image);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "im2col-inl.hpp"
#endif
