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
#include <lamina/kernels/cpu/gemm_microkernel.hpp>
#include <lamina/kernels/cpu/gemm_pack.hpp>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lamina::kernels {

enum class transpose : bool { no = false, yes = true };

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
inline void gemm_scale_c(std::size_t M, std::size_t N, float beta, float* C, std::size_t ldc) {
  for (std::size_t i = 0; i < M; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.0f) std::fill(c, c + N, 0.0f);
    else if (beta != 1.0f)
      for (std::size_t j = 0; j < N; ++j) c[j] *= beta;
  }
}

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
inline void gemm_tile(std::size_t kc, const float* a, const float* b, float alpha, float beta,
                      float* c, std::size_t ldc, std::size_t mr, std::size_t nr,
                      const std::ptrdiff_t* b_rows = nullptr) {
  constexpr std::size_t MR = gemm_mr, NR = gemm_nr, W = gemm_w;
  const std::size_t nvc = gemm_ceil_div(nr, W);
  if (mr == MR && nr == NR) return gemm_micro<gemm_nv>(kc, a, b, alpha, beta, c, ldc, b_rows);
  if (mr == MR && nr == nvc * W)
    return gemm_micro_n(nvc, std::make_index_sequence<gemm_nv>{}, kc, a, b, alpha, beta, c, ldc, b_rows);
  alignas(gemm_align) float t[MR * NR] = {};  // padding lanes are computed, then dropped
  if (beta != 0.0f)
    for (std::size_t i = 0; i < mr; ++i) std::copy(c + i * ldc, c + i * ldc + nr, t + i * NR);
  gemm_micro_n(nvc, std::make_index_sequence<gemm_nv>{}, kc, a, b, alpha, beta, t, NR, b_rows);
  for (std::size_t i = 0; i < mr; ++i) std::copy(t + i * NR, t + i * NR + nr, c + i * ldc);
}

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
inline std::size_t gemm_kc(std::size_t K) {
  return gemm_ceil_div(K, gemm_ceil_div(K, gemm_kc_max));
}

// Serial Goto loop nest over the C block rows [i0, i1) x cols [j0, j1). i0/j0 are multiples of
// MR/NR; i1/j1 are multiples of MR/NR or M/N, so edge tiles never touch another block's C.
// Out of line: one copy per program instead of one per call site (it is large and not hot).
[[gnu::noinline]] inline void gemm_block(const gemm_args& g, std::size_t i0, std::size_t i1, std::size_t j0,
                       std::size_t j1) {
  constexpr std::size_t MR = gemm_mr, NR = gemm_nr;
  if (i0 >= i1 || j0 >= j1) return;
  const std::size_t kc_max = gemm_kc(g.K);
  // Balanced MC / NC blocks, rounded to whole panels.
  const std::size_t m = i1 - i0, n = j1 - j0;
  const std::size_t mc_max = gemm_ceil_div(gemm_ceil_div(m, gemm_ceil_div(m, gemm_mc_max)), MR) * MR;
  // With a single MC block, each packed B block is consumed right after packing: keep it
  // L2-sized so it is still there. With several MC blocks it is re-read from L3 anyway; a wide
  // NC then saves re-packing A.
  // B through a row table, not transposed: whole NR-column panels are read in place (the
  // right-edge panel, which could read past B's end, is still packed), so one NC block.
  const bool direct_b = g.b_rows && !g.tb;
  const std::size_t nc_cap = direct_b ? n
                             : m <= gemm_mc_max ? std::max(NR, gemm_l2_floats / kc_max / NR * NR)
                                                : gemm_nc_max;
  const std::size_t nc_max = gemm_ceil_div(gemm_ceil_div(n, gemm_ceil_div(n, nc_cap)), NR) * NR;
  // Per-thread scratch: grows once, then reused by every call on this thread.
  thread_local gemm_scratch sa, sb;
  float* const Ap = sa.get(mc_max * kc_max);
  float* const Bp = sb.get((direct_b ? NR : nc_max) * kc_max);

  for (std::size_t jc = j0; jc < j1; jc += nc_max) {
    const std::size_t nc = std::min(nc_max, j1 - jc);
    const std::size_t in_place = direct_b ? nc / NR * NR : 0;  // columns whose B is read in place
    for (std::size_t pc = 0; pc < g.K; pc += kc_max) {
      const std::size_t kc = std::min(kc_max, g.K - pc);
      const float beta = pc == 0 ? g.beta : 1.0f;  // later k blocks accumulate into C
      gemm_pack_b(g.tb, gemm_rows{g.B, g.ldb, g.b_rows}, jc + in_place, nc - in_place, pc, kc, Bp);
      for (std::size_t ic = i0; ic < i1; ic += mc_max) {
        const std::size_t mc = std::min(mc_max, i1 - ic);
        gemm_pack_a(g.ta, gemm_rows{g.A, g.lda}, ic, mc, pc, kc, Ap);
        for (std::size_t j = 0; j < nc; j += NR) {  // B micro-panel stays in L1 over the i loop
          const std::size_t nr = std::min(NR, nc - j);
          const bool direct = j < in_place;
          const float* b = direct ? g.B + jc + j : Bp + (j - in_place) * kc;
          for (std::size_t i = 0; i < mc; i += MR)
            gemm_tile(kc, Ap + i * kc, b, g.alpha, beta, g.C + (ic + i) * g.ldc + jc + j, g.ldc,
                      std::min(MR, mc - i), nr, direct ? g.b_rows + pc : nullptr);
        }
      }
    }
  }
}

// Thread grid tm x tn: each thread owns a block of C and packs its own A rows and B columns, so
// there is no barrier inside a call (a descheduled thread on a busy machine costs one wait at the
// join, not one per k block). Picks the grid minimising per-thread MACs + packing, where packing
// an element costs about as much as ~16 MACs at the micro-kernel's rate.
inline void gemm_grid(const gemm_args& g, std::size_t nt, std::size_t& tm, std::size_t& tn) {
  const std::size_t n_mp = gemm_ceil_div(g.M, gemm_mr), n_np = gemm_ceil_div(g.N, gemm_nr);
  double best = -1;
  for (std::size_t a = 1; a <= nt; ++a) {
    if (nt % a) continue;
    const std::size_t b = nt / a;
    const double m = double(gemm_ceil_div(n_mp, a) * gemm_mr), n = double(gemm_ceil_div(n_np, b) * gemm_nr);
    const double cost = m * n + 16.0 * (m * std::ceil(n / gemm_nc_max) + n);
    if (best < 0 || cost < best) best = cost, tm = a, tn = b;
  }
}

inline void gemm_blocked(const gemm_args& g, int nthreads) {
  if (nthreads <= 1) return gemm_block(g, 0, g.M, 0, g.N);
  std::size_t tm = 1, tn = 1;
  gemm_grid(g, static_cast<std::size_t>(nthreads), tm, tn);
  const std::size_t n_mp = gemm_ceil_div(g.M, gemm_mr), n_np = gemm_ceil_div(g.N, gemm_nr);
  auto run = [&](std::size_t c) {  // block c of the grid, boundaries on whole panels
    const std::size_t a = c / tn, b = c % tn;
    gemm_block(g, std::min(g.M, a * n_mp / tm * gemm_mr), std::min(g.M, (a + 1) * n_mp / tm * gemm_mr),
               std::min(g.N, b * n_np / tn * gemm_nr), std::min(g.N, (b + 1) * n_np / tn * gemm_nr));
  };
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
  {
    // Loop in case the runtime gave us a smaller team than asked for.
    const std::size_t team = static_cast<std::size_t>(omp_get_num_threads());
    for (std::size_t c = static_cast<std::size_t>(omp_get_thread_num()); c < tm * tn; c += team) run(c);
  }
#else
  for (std::size_t c = 0; c < tm * tn; ++c) run(c);
#endif
}

inline void gemm_run(const gemm_args& g) {
  if (g.M == 0 || g.N == 0) return;
  if (g.K == 0 || g.alpha == 0.0f) return gemm_scale_c(g.M, g.N, g.beta, g.C, g.ldc);
  int nthreads = 1;
#ifdef _OPENMP
  if (g.M * g.N * g.K >= gemm_parallel_min_macs && !omp_in_parallel()) nthreads = omp_get_max_threads();
#endif
  gemm_blocked(g, nthreads);
}

}  // namespace detail

// C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C, row-major with leading dimensions.
// op(A) = A (M x K, lda >= K) or A^T (A stored K x M, lda >= M); likewise B.
// beta == 0: C is write-only (NaNs in C are ignored, as in BLAS).
// Parallel (OpenMP, caller's thread settings) unless small or already inside a parallel region.
inline void gemm(cpu, transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K,
                 float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb,
                 float beta, float* C, std::size_t ldc) {
  detail::gemm_run({ta == transpose::yes, tb == transpose::yes, M, N, K, alpha, A, lda, B, ldb, nullptr,
                    beta, C, ldc});
}

// gemm with B's stored rows at B + b_rows[i] instead of B + i * ldb (rows may overlap): op(B) = B
// has row k at B + b_rows[k], op(B) = B^T has column j there. For implicit-im2col convolutions.
inline void gemm_rows_b(cpu, transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K,
                        float alpha, const float* A, std::size_t lda, const float* B,
                        const std::ptrdiff_t* b_rows, float beta, float* C, std::size_t ldc) {
  detail::gemm_run({ta == transpose::yes, tb == transpose::yes, M, N, K, alpha, A, lda, B, 0, b_rows, beta,
                    C, ldc});
}

}  // namespace lamina::kernels
