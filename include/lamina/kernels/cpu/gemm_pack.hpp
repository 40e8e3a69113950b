#pragma once
// Packing routines and scratch buffers for the blocked SGEMM. Part of gemm.hpp.
// Transposes are resolved here, so the micro-kernel sees one layout (or, for B through a row
// table, reads whole panels of B's rows in place; see gemm_micro):
//   A micro-panel: kc steps of gemm_mr floats (column k of an MR-row strip),
//   B micro-panel: kc steps of gemm_nr floats (row k of an NR-column strip).
// Rows/columns past the matrix edge are zero-filled, so edge tiles need no special k loop.
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include <lamina/core/config.hpp>
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
LAMINA_INLINE void gemm_transpose8x8(const float* const* s, std::size_t c0, float* d, std::size_t dld) noexcept;
#endif

// Transposing copy of a rows x cols tile at (r0, c0) of src: dst[c * dld + r] = src(r0 + r, c0 + c).
LAMINA_INLINE void gemm_transpose_copy(std::size_t rows, std::size_t cols, const gemm_rows& src, std::size_t r0,
                                       std::size_t c0, float* __restrict dst, std::size_t dld) noexcept;

// Zero-fills an edge panel before its valid part is copied in (one memset per panel, rather
// than a tiny one per k row).
LAMINA_INLINE void gemm_zero(float* d, std::size_t n) noexcept;

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
LAMINA_INLINE void gemm_pack_a(bool trans, const gemm_rows& A, std::size_t i0, std::size_t mc, std::size_t p0,
                               std::size_t kc, float* __restrict dst);

// Pack rows [p0, p0+kc) x cols [j0, j0+nc) of op(B) as NR-column micro-panels of kc steps each.
LAMINA_INLINE void gemm_pack_b(bool trans, const gemm_rows& B, std::size_t j0, std::size_t nc, std::size_t p0,
                               std::size_t kc, float* __restrict dst);

}  // namespace lamina::kernels::detail

#ifndef LAMINA_COMPILED_LIB
#include "gemm_pack-inl.hpp"
#endif
