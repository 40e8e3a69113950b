#pragma once
// Register-blocked SGEMM micro-kernel, written once over xsimd::batch<float> so it becomes
// AVX-512 / AVX2 / SSE / NEON code depending on xsimd's default arch. Part of gemm.hpp.
#include <cstddef>

#include <xsimd/xsimd.hpp>

namespace lamina::kernels::detail {

using gemm_vec = xsimd::batch<float>;
inline constexpr std::size_t gemm_w = gemm_vec::size;

// Micro-tile MR x (NV * W). The accumulators (MR * NV registers) plus NV B-loads and one
// broadcast must fit the register file: 32 zmm on AVX-512, 16 ymm/xmm on AVX2/SSE.
// Tuning macros are only for benchmarking; changing them changes rounding (not correctness).
#ifndef LAMINA_GEMM_MR
#define LAMINA_GEMM_MR (gemm_w >= 16 ? 8 : gemm_w == 8 ? 6 : 4)
#endif
#ifndef LAMINA_GEMM_NV
#define LAMINA_GEMM_NV 2
#endif
inline constexpr std::size_t gemm_mr = LAMINA_GEMM_MR;
inline constexpr std::size_t gemm_nv = LAMINA_GEMM_NV;
inline constexpr std::size_t gemm_nr = gemm_nv * gemm_w;
// Packed buffers are aligned to this so B-panel loads can be aligned loads.
inline constexpr std::size_t gemm_align = 64;

// acc += a[0..MR) (a column of the A panel) x bv (a row of B).
template <std::size_t NVC>
[[gnu::always_inline]] inline void gemm_rank1(const float* __restrict a, const gemm_vec (&bv)[NVC],
                                              gemm_vec (&acc)[gemm_mr][NVC]) noexcept {
#pragma GCC unroll 32
  for (std::size_t i = 0; i < gemm_mr; ++i) {
    const gemm_vec av(a[i]);
#pragma GCC unroll 8
    for (std::size_t j = 0; j < NVC; ++j) acc[i][j] = xsimd::fma(av, bv[j], acc[i][j]);
  }
}

// c[MR x NVC*W] = alpha * a_panel * b_panel + beta * c  (beta == 0: c is write-only).
// a: kc steps of MR floats (packed A micro-panel); b: kc steps of gemm_nr floats (packed B
// micro-panel, aligned), of which the first NVC vectors are used: NVC < NV lets narrow
// right-edge tiles skip the zero padding. With a row table (b_rows non-null) B is not packed:
// step k reads NVC*W floats at b + b_rows[k], unaligned (an implicit-im2col convolution's
// shifted image rows, read in place: for narrow layers packing them cost as much as the
// multiply). k runs in order, so each c element's rounding is fixed by kc alone.
// Kept out of line: inlined into the blocked loops, GCC ran short of general registers and
// spilled the k counter into vector registers, adding a long dependency chain to the k loop.
template <std::size_t NVC>
[[gnu::noinline]] inline void gemm_micro(std::size_t kc, const float* __restrict a, const float* __restrict b,
                                         float alpha, float beta, float* __restrict c, std::size_t ldc,
                                         const std::ptrdiff_t* __restrict b_rows = nullptr) noexcept {
  constexpr std::size_t MR = gemm_mr, W = gemm_w, NR = gemm_nr;
  gemm_vec acc[MR][NVC];
#pragma GCC unroll 32
  for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (std::size_t j = 0; j < NVC; ++j) acc[i][j] = gemm_vec(0.0f);

  // Warm the C tile while the k loop runs; it is touched only once, at the end.
#pragma GCC unroll 32
  for (std::size_t i = 0; i < MR; ++i) __builtin_prefetch(c + i * ldc, 1, 3);

  if (b_rows) {
#pragma GCC unroll 2
    for (std::size_t k = 0; k < kc; ++k, a += MR) {
      const float* bk = b + b_rows[k];
      gemm_vec bv[NVC];
#pragma GCC unroll 8
      for (std::size_t j = 0; j < NVC; ++j) bv[j] = gemm_vec::load_unaligned(bk + j * W);
      gemm_rank1(a, bv, acc);
    }
  } else {
#pragma GCC unroll 2
    for (std::size_t k = 0; k < kc; ++k, a += MR, b += NR) {
      gemm_vec bv[NVC];
#pragma GCC unroll 8
      for (std::size_t j = 0; j < NVC; ++j) bv[j] = gemm_vec::load_aligned(b + j * W);
      gemm_rank1(a, bv, acc);
    }
  }

  const gemm_vec va(alpha);
  if (beta == 0.0f) {
#pragma GCC unroll 32
    for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 8
      for (std::size_t j = 0; j < NVC; ++j) (va * acc[i][j]).store_unaligned(c + i * ldc + j * W);
  } else {
    const gemm_vec vb(beta);
#pragma GCC unroll 32
    for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 8
      for (std::size_t j = 0; j < NVC; ++j) {
        float* p = c + i * ldc + j * W;
        xsimd::fma(vb, gemm_vec::load_unaligned(p), va * acc[i][j]).store_unaligned(p);
      }
  }
}

}  // namespace lamina::kernels::detail
