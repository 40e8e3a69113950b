#pragma once
// CPU single-precision GEMM: BLIS/GotoBLAS-style packed, cache-blocked, xsimd micro-kernel,
// OpenMP over a grid of C blocks. Row-major, BLAS semantics for alpha/beta.
//
// Determinism: every C element is accumulated by one thread, in k order, in kc-sized blocks
// whose size depends only on K. Thread count therefore changes who computes a block, never
// the rounding: results are bit-identical for any OMP_NUM_THREADS.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

#include <lamina/core/backend.hpp>
#include <lamina/core/config.hpp>
#include <lamina/kernels/common/transpose.hpp>
#include <lamina/kernels/cpu/gemm_microkernel.hpp>
#include <lamina/kernels/cpu/gemm_pack.hpp>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lamina::kernels {

namespace detail {

// Cache blocking (floats). KC: a B micro-panel (KC x NR) stays in L1 while A streams from
// L2; MC x KC of packed A stays in L2; KC x NC of packed B lives in L3. Measured on Zen 5
// (48 KiB L1d, 1 MiB L2): KC 192..512 and MC 96..384 are all within ~5%.
#ifndef LAMINA_GEMM_KC
#define LAMINA_GEMM_KC 256
#endif
#ifndef LAMINA_GEMM_MC
#define LAMINA_GEMM_MC 96
#endif
#ifndef LAMINA_GEMM_NC
#define LAMINA_GEMM_NC 4096
#endif
inline constexpr std::size_t gemm_kc_max = LAMINA_GEMM_KC;
inline constexpr std::size_t gemm_mc_max = LAMINA_GEMM_MC;
inline constexpr std::size_t gemm_nc_max = LAMINA_GEMM_NC;
inline constexpr std::size_t gemm_l2_floats = std::size_t{128} << 10;  // half of a 1 MiB L2
// Below this many multiply-adds (~3 us on one AVX-512 core) a parallel region is not worth it:
// fork+join costs ~1 us on a quiet machine, and a whole scheduler tick if a worker is preempted.
inline constexpr std::size_t gemm_parallel_min_macs = std::size_t{1} << 19;

inline constexpr std::size_t gemm_ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

// C = beta * C, with beta == 0 meaning "overwrite" (NaNs in C are not propagated).
LAMINA_INLINE void gemm_scale_c(std::size_t M, std::size_t N, float beta, float* C, std::size_t ldc);

// Runs the micro-kernel with NVC = nvc vectors (1..gemm_nv), chosen at run time.
template <std::size_t... I>
inline void gemm_micro_n(std::size_t nvc, std::index_sequence<I...>, std::size_t kc, const float* a,
                         const float* b, float alpha, float beta, float* c, std::size_t ldc,
                         const std::ptrdiff_t* b_rows) {
  ((nvc == I + 1 ? (gemm_micro<I + 1>(kc, a, b, alpha, beta, c, ldc, b_rows), 0) : 0), ...);
}

// One MR x NR tile of C (mr x nr valid). Full tiles go straight to C; edge tiles go through
// a small stack buffer so the kernel can always store whole vectors. b: a packed B panel, or
// with a row table (see gemm_micro) B's top-left column of the tile, read in place.
LAMINA_INLINE void gemm_tile(std::size_t kc, const float* a, const float* b, float alpha, float beta,
                             float* c, std::size_t ldc, std::size_t mr, std::size_t nr,
                             const std::ptrdiff_t* b_rows = nullptr);

struct gemm_args {
  bool ta, tb;
  std::size_t M, N, K;
  float alpha;
  const float* A;
  std::size_t lda;
  const float* B;
  std::size_t ldb;
  const std::ptrdiff_t* b_rows;  // null, or B's row table (see gemm_rows)
  float beta;
  float* C;
  std::size_t ldc;
};

// Balanced k blocks (784 -> 4 x 196, not 3 x 256 + 16). Depends on K only: this is the one
// blocking choice that affects rounding, so it must not depend on threads or M/N splits.
LAMINA_INLINE std::size_t gemm_kc(std::size_t K);

// Serial Goto loop nest over the C block rows [i0, i1) x cols [j0, j1). i0/j0 are multiples of
// MR/NR; i1/j1 are multiples of MR/NR or M/N, so edge tiles never touch another block's C.
// Out of line: one copy per program instead of one per call site (it is large and not hot).
// Declared here without `inline` or the attribute (GCC warns about an inline declaration with
// noinline); the definition in gemm-inl.hpp carries both.
void gemm_block(const gemm_args& g, std::size_t i0, std::size_t i1, std::size_t j0, std::size_t j1);

// Thread grid tm x tn: each thread owns a block of C and packs its own A rows and B columns, so
// there is no barrier inside a call (a descheduled thread on a busy machine costs one wait at the
// join, not one per k block). Picks the grid minimising per-thread MACs + packing, where packing
// an element costs about as much as ~16 MACs at the micro-kernel's rate.
LAMINA_INLINE void gemm_grid(const gemm_args& g, std::size_t nt, std::size_t& tm, std::size_t& tn);

LAMINA_INLINE void gemm_blocked(const gemm_args& g, int nthreads);

LAMINA_INLINE void gemm_run(const gemm_args& g);

}  // namespace detail

/// C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C, row-major with leading dimensions.
/// op(A) = A (M x K, lda >= K) or A^T (A stored K x M, lda >= M); likewise B.
/// beta == 0: C is write-only (NaNs in C are ignored, as in BLAS).
/// Parallel (OpenMP, caller's thread settings) unless small or already inside a parallel region.
LAMINA_INLINE void gemm(cpu, transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K,
                        float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb,
                        float beta, float* C, std::size_t ldc);

/// gemm with B's stored rows at B + b_rows[i] instead of B + i * ldb (rows may overlap): op(B) = B
/// has row k at B + b_rows[k], op(B) = B^T has column j there. For implicit-im2col convolutions.
LAMINA_INLINE void gemm_rows_b(cpu, transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K,
                               float alpha, const float* A, std::size_t lda, const float* B,
                               const std::ptrdiff_t* b_rows, float beta, float* C, std::size_t ldc);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "gemm-inl.hpp"
#endif
