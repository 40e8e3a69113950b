#pragma once
// Definitions for gemm_pack.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>

#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "gemm_pack.hpp"

namespace lamina::kernels::detail {

#if defined(__AVX__)
LAMINA_INLINE void gemm_transpose8x8(const float* const* s, std::size_t c0, float* d, std::size_t dld) noexcept {
  __m256 r[8], t[8];
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i)
    for (int h = 0; h < 2; ++h)  // r[2i+h] = rows i (lo lane) and i+4 (hi lane), columns 4h..4h+3
      r[2 * i + h] = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(s[i] + c0 + 4 * h)),
                                          _mm_loadu_ps(s[i + 4] + c0 + 4 * h), 1);
  for (int h = 0; h < 2; ++h) {
    t[4 * h + 0] = _mm256_unpacklo_ps(r[0 + h], r[2 + h]);  // rows 0,1 interleaved
    t[4 * h + 1] = _mm256_unpackhi_ps(r[0 + h], r[2 + h]);
    t[4 * h + 2] = _mm256_unpacklo_ps(r[4 + h], r[6 + h]);  // rows 2,3 interleaved
    t[4 * h + 3] = _mm256_unpackhi_ps(r[4 + h], r[6 + h]);
  }
  for (int h = 0; h < 2; ++h) {  // column c = 4h + q: rows 0..3 in lo lane, rows 4..7 in hi lane
    const __m256 *a = t + 4 * h;
    _mm256_storeu_ps(d + (4 * h + 0) * dld, _mm256_shuffle_ps(a[0], a[2], 0x44));
    _mm256_storeu_ps(d + (4 * h + 1) * dld, _mm256_shuffle_ps(a[0], a[2], 0xEE));
    _mm256_storeu_ps(d + (4 * h + 2) * dld, _mm256_shuffle_ps(a[1], a[3], 0x44));
    _mm256_storeu_ps(d + (4 * h + 3) * dld, _mm256_shuffle_ps(a[1], a[3], 0xEE));
  }
}
#endif

LAMINA_INLINE void gemm_transpose_copy(std::size_t rows, std::size_t cols, const gemm_rows& src, std::size_t r0,
                                       std::size_t c0, float* __restrict dst, std::size_t dld) noexcept {
  std::size_t r = 0;
#if defined(__AVX__)
  for (; r + 8 <= rows; r += 8) {
    const float* s[8];
    for (std::size_t i = 0; i < 8; ++i) s[i] = src.row(r0 + r + i) + c0;
    std::size_t c = 0;
    for (; c + 8 <= cols; c += 8) gemm_transpose8x8(s, c, dst + c * dld + r, dld);
    for (; c < cols; ++c)
#pragma GCC unroll 8
      for (std::size_t i = 0; i < 8; ++i) dst[c * dld + r + i] = s[i][c];
  }
#endif
  for (; r < rows; ++r) {
    const float* s = src.row(r0 + r) + c0;
    for (std::size_t c = 0; c < cols; ++c) dst[c * dld + r] = s[c];
  }
}

LAMINA_INLINE void gemm_zero(float* d, std::size_t n) noexcept { std::fill_n(d, n, 0.0f); }

LAMINA_INLINE void gemm_pack_a(bool trans, const gemm_rows& A, std::size_t i0, std::size_t mc, std::size_t p0,
                               std::size_t kc, float* __restrict dst) {
  constexpr std::size_t MR = gemm_mr;
  if (trans) {  // op(A)(i,k) = A[k][i]: k-th rows are contiguous
    for (std::size_t k = 0; k < kc; ++k) gemm_pack_row<MR>(A.row(p0 + k) + i0, mc, k, kc, dst);
    return;
  }
  // op(A)(i,k) = A[i][k]: transpose mr x kc tiles into the panels
  for (std::size_t i = 0; i < mc; i += MR, dst += MR * kc) {
    const std::size_t mr = std::min(MR, mc - i);
    if (mr < MR) gemm_zero(dst, MR * kc);
    gemm_transpose_copy(mr, kc, A, i0 + i, p0, dst, MR);
  }
}

LAMINA_INLINE void gemm_pack_b(bool trans, const gemm_rows& B, std::size_t j0, std::size_t nc, std::size_t p0,
                               std::size_t kc, float* __restrict dst) {
  constexpr std::size_t NR = gemm_nr;
  if (!trans) {  // op(B)(k,j) = B[k][j]: k-th rows are contiguous
    for (std::size_t k = 0; k < kc; ++k) gemm_pack_row<NR>(B.row(p0 + k) + j0, nc, k, kc, dst);
    return;
  }
  // op(B)(k,j) = B[j][k]: transpose nr x kc tiles into the panels
  for (std::size_t j = 0; j < nc; j += NR, dst += NR * kc) {
    const std::size_t nr = std::min(NR, nc - j);
    if (nr < NR) gemm_zero(dst, NR * kc);
    gemm_transpose_copy(nr, kc, B, j0 + j, p0, dst, NR);
  }
}

}  // namespace lamina::kernels::detail
