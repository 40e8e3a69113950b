#pragma once
// Definitions for im2col.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "im2col.hpp"

namespace lamina::kernels::detail {

LAMINA_INLINE void conv_valid_range(std::size_t n_out, std::size_t n_in, std::size_t S, std::ptrdiff_t off,
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

LAMINA_INLINE void conv_gather_row(float* __restrict d, const float* __restrict s, std::size_t n, std::size_t S) {
  if (S == 1) {
    std::memcpy(d, s, n * sizeof(float));
    return;
  }
#if defined(__AVX512F__)
  if (S == 2) {
    // Even elements of 32 consecutive floats; masked loads never touch memory past s[2(n-1)].
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    for (std::size_t i = 0; i < n; i += 16) {
      const std::size_t r = std::min<std::size_t>(16, n - i), need = 2 * r - 1;  // floats read
      const __mmask16 m0 = need >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << need) - 1);
      const __mmask16 m1 = need > 16 ? __mmask16((1u << (need - 16)) - 1) : __mmask16(0);
      const __m512 a = _mm512_maskz_loadu_ps(m0, s + 2 * i), b = _mm512_maskz_loadu_ps(m1, s + 2 * i + 16);
      _mm512_mask_storeu_ps(d + i, __mmask16((1u << r) - 1), _mm512_permutex2var_ps(a, even, b));
    }
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) d[i] = s[i * S];
}

LAMINA_INLINE void conv_scatter_add_row(float* __restrict d, const float* __restrict s, std::size_t n, std::size_t S) {
  if (S == 1) {
    for (std::size_t i = 0; i < n; ++i) d[i] += s[i];
    return;
  }
#if defined(__AVX512F__)
  if (S == 2) {
    // s[0..7] to the even lanes of d[0..15], s[8..15] to those of d[16..31].
    const __m512i lo = _mm512_setr_epi32(0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0);
    const __m512i hi = _mm512_setr_epi32(8, 0, 9, 0, 10, 0, 11, 0, 12, 0, 13, 0, 14, 0, 15, 0);
    for (std::size_t i = 0; i < n; i += 16) {
      const std::size_t r = std::min<std::size_t>(16, n - i), need = 2 * r - 1;  // floats touched
      const __mmask16 m0 = need >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << need) - 1);
      const __mmask16 m1 = need > 16 ? __mmask16((1u << (need - 16)) - 1) : __mmask16(0);
      const __m512 v = _mm512_maskz_loadu_ps(__mmask16((1u << r) - 1), s + i);
      float* p = d + 2 * i;
      const __m512 a = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, p), _mm512_maskz_permutexvar_ps(0x5555, lo, v));
      const __m512 b = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, p + 16), _mm512_maskz_permutexvar_ps(0x5555, hi, v));
      _mm512_mask_storeu_ps(p, m0, a);
      _mm512_mask_storeu_ps(p + 16, m1, b);
    }
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) d[i * S] += s[i];
}

}  // namespace lamina::kernels::detail

namespace lamina::kernels {

LAMINA_INLINE void im2col(cpu, const conv_geometry& g, const float* image, float* col, std::size_t ld) {
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
          detail::conv_gather_row(d + ow_lo, src + std::ptrdiff_t(ow_lo * S) + offw, ow_hi - ow_lo, S);
          std::fill(d + ow_hi, d + OW, 0.f);
        }
        std::fill(dst + oh_hi * OW, dst + OH * OW, 0.f);
      }
    }
  }
}

LAMINA_INLINE void col2im(cpu, const conv_geometry& g, const float* col, std::size_t ld, float* image) {
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
          detail::conv_scatter_add_row(d0, s + ow_lo, ow_hi - ow_lo, S);
        }
      }
    }
  }
}

}  // namespace lamina::kernels
