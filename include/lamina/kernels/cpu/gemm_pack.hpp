#pragma once
// Packing routines and scratch buffers for the blocked SGEMM. Part of gemm.hpp.
// Transposes are resolved here, so the micro-kernel only ever sees one layout:
//   A micro-panel: kc steps of gemm_mr floats (column k of an MR-row strip),
//   B micro-panel: kc steps of gemm_nr floats (row k of an NR-column strip).
// Rows/columns past the matrix edge are zero-filled, so edge tiles need no special k loop.
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#if defined(__AVX__)
#include <immintrin.h>
#endif

#include <lamina/kernels/cpu/gemm_microkernel.hpp>

namespace lamina::kernels::detail {

// Grows-once aligned scratch: after the first call at a given size, no heap traffic.
struct gemm_free {
  void operator()(float* p) const noexcept { std::free(p); }
};
struct gemm_scratch {
  std::unique_ptr<float[], gemm_free> data;
  std::size_t capacity = 0;  // in floats
  float* get(std::size_t n) {
    if (n > capacity) {
      const std::size_t bytes = (n * sizeof(float) + gemm_align - 1) / gemm_align * gemm_align;
      float* p = static_cast<float*>(std::aligned_alloc(gemm_align, bytes));
      if (!p) throw std::bad_alloc();
      data.reset(p);
      capacity = bytes / sizeof(float);
    }
    return data.get();
  }
};

// The stored rows of a GEMM operand: row i starts at x + i * ld, or at x + off[i] when a row
// table is given (a stride-1 convolution's implicit im2col: every lowered row is the padded
// image shifted, so the packing reads the image itself instead of a lowered copy).
struct gemm_rows {
  const float* x;
  std::size_t ld;
  const std::ptrdiff_t* off = nullptr;
  const float* row(std::size_t i) const noexcept { return off ? x + off[i] : x + i * ld; }
};

#if defined(__AVX__)
// 8x8 in-register transpose: dst[c * dld + r] = s[r][c0 + c] for r, c < 8. Loading 128-bit
// halves into both lanes first leaves 16 in-lane shuffles instead of 24.
inline void gemm_transpose8x8(const float* const* s, std::size_t c0, float* d, std::size_t dld) noexcept {
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

// Transposing copy of a rows x cols tile at (r0, c0) of src: dst[c * dld + r] = src(r0 + r, c0 + c).
inline void gemm_transpose_copy(std::size_t rows, std::size_t cols, const gemm_rows& src, std::size_t r0,
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

// Zero-fills an edge panel before its valid part is copied in (one memset per panel, rather
// than a tiny one per k row).
inline void gemm_zero(float* d, std::size_t n) noexcept { std::fill_n(d, n, 0.0f); }

// Copies the k-th row of every P-wide panel of a rows-major source row into the packed block:
// dst[(j / P) * P * kc + k * P + j % P] = s[j] for j < n, zero for j in [n, round_up(n, P)).
// Used when op(X) rows are contiguous: walking k outermost reads the source sequentially,
// which the hardware prefetcher follows (panel-by-panel would hop rows of ld floats).
template <std::size_t P>
inline void gemm_pack_row(const float* __restrict s, std::size_t n, std::size_t k, std::size_t kc,
                          float* __restrict dst) noexcept {
  constexpr std::size_t W = gemm_w;
  std::size_t j = 0;
  float* d = dst + k * P;
  if constexpr (P % W == 0) {
    for (; j + P <= n; j += P, d += P * kc)
#pragma GCC unroll 8
      for (std::size_t v = 0; v < P; v += W) gemm_vec::load_unaligned(s + j + v).store_aligned(d + v);
  } else {
    for (; j + P <= n; j += P, d += P * kc)
#pragma GCC unroll 16
      for (std::size_t v = 0; v < P; ++v) d[v] = s[j + v];
  }
  if (j < n) {  // select form: no memcpy/memset calls per row (they dominate tiny panels)
    const std::size_t rem = n - j;
#pragma GCC unroll 16
    for (std::size_t v = 0; v < P; ++v) d[v] = v < rem ? s[j + v] : 0.0f;
  }
}

// Pack rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) as MR-row micro-panels of kc steps each.
inline void gemm_pack_a(bool trans, const gemm_rows& A, std::size_t i0, std::size_t mc, std::size_t p0,
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

// Pack rows [p0, p0+kc) x cols [j0, j0+nc) of op(B) as NR-column micro-panels of kc steps each.
inline void gemm_pack_b(bool trans, const gemm_rows& B, std::size_t j0, std::size_t nc, std::size_t p0,
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
