#pragma once
// CPU single-precision GEMM: BLIS/GotoBLAS-style packed, cache-blocked, xsimd micro-kernel,
// OpenMP across macro-tiles. Row-major, BLAS semantics for alpha/beta.
//
// Determinism: every C element is accumulated by one thread, in k order, in kc-sized blocks
// whose size depends only on K. Thread count therefore changes who computes a tile, never
// the rounding: results are bit-identical for any OMP_NUM_THREADS.
#include <algorithm>
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
// L2; MC x KC of packed A stays in L2; KC x NC of packed B lives in L3.
#ifndef LAMINA_GEMM_KC
#define LAMINA_GEMM_KC 256
#endif
#ifndef LAMINA_GEMM_MC
#define LAMINA_GEMM_MC 192
#endif
#ifndef LAMINA_GEMM_NC
#define LAMINA_GEMM_NC 4096
#endif
inline constexpr std::size_t gemm_kc_max = LAMINA_GEMM_KC;
inline constexpr std::size_t gemm_mc_max = LAMINA_GEMM_MC;
inline constexpr std::size_t gemm_nc_max = LAMINA_GEMM_NC;
// Below this many multiply-adds a parallel region costs more than it saves.
inline constexpr std::size_t gemm_parallel_min_flops = std::size_t{1} << 15;

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
                         const float* b, float alpha, float beta, float* c, std::size_t ldc) {
  ((nvc == I + 1 ? (gemm_micro<I + 1>(kc, a, b, alpha, beta, c, ldc), 0) : 0), ...);
}

// One MR x NR tile of C (mr x nr valid). Full tiles go straight to C; edge tiles go through
// a small stack buffer so the kernel can always store whole vectors.
inline void gemm_tile(std::size_t kc, const float* a, const float* b, float alpha, float beta,
                      float* c, std::size_t ldc, std::size_t mr, std::size_t nr) {
  constexpr std::size_t MR = gemm_mr, NR = gemm_nr, W = gemm_w;
  const std::size_t nvc = gemm_ceil_div(nr, W);
  if (mr == MR && nr == NR) return gemm_micro<gemm_nv>(kc, a, b, alpha, beta, c, ldc);
  if (mr == MR && nr == nvc * W)
    return gemm_micro_n(nvc, std::make_index_sequence<gemm_nv>{}, kc, a, b, alpha, beta, c, ldc);
  alignas(gemm_align) float t[MR * NR];
  if (beta != 0.0f)
    for (std::size_t i = 0; i < mr; ++i) std::copy(c + i * ldc, c + i * ldc + nr, t + i * NR);
  gemm_micro_n(nvc, std::make_index_sequence<gemm_nv>{}, kc, a, b, alpha, beta, t, NR);
  for (std::size_t i = 0; i < mr; ++i) std::copy(t + i * NR, t + i * NR + nr, c + i * ldc);
}

// Loop over n items; shared among the team of the enclosing (our own) parallel region when
// par, else serial. Orphaned `omp for` binds to the innermost parallel region, so it must not
// run when we were called serially from inside someone else's region.
template <class F>
inline void gemm_for(bool par, std::size_t n, F&& f) {
  if (par) {
#ifdef _OPENMP
#pragma omp for schedule(static)
    for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(n); ++i) f(static_cast<std::size_t>(i));
    return;
#endif
  }
  for (std::size_t i = 0; i < n; ++i) f(i);
}

struct gemm_args {
  bool ta, tb;
  std::size_t M, N, K;
  float alpha;
  const float* A;
  std::size_t lda;
  const float* B;
  std::size_t ldb;
  float beta;
  float* C;
  std::size_t ldc;
};

inline void gemm_blocked(const gemm_args& g, int nthreads) {
  constexpr std::size_t MR = gemm_mr, NR = gemm_nr;
  // Balanced k blocks (784 -> 4 x 196, not 3 x 256 + 16); depends on K only (determinism).
  const std::size_t nkb = gemm_ceil_div(g.K, gemm_kc_max);
  const std::size_t kc_max = gemm_ceil_div(g.K, nkb);
  const std::size_t n_mp = gemm_ceil_div(g.M, MR);  // MR panels of A (all of M is packed)
  const std::size_t nc_max = std::min(g.N, gemm_nc_max);
  const std::size_t n_np_max = gemm_ceil_div(nc_max, NR);

  // Scratch belongs to the calling thread and is shared with the team (grows once).
  thread_local gemm_scratch sa, sb;
  float* const Ap = sa.get(n_mp * MR * kc_max);
  float* const Bp = sb.get(n_np_max * NR * kc_max);

  // Macro-tiles: MR panels grouped into ~MC-row blocks, NR panels into column groups. The split
  // may depend on the thread count: it only decides who computes a tile, not how. In parallel,
  // aim for >= 4 tiles per thread (static schedule, so this bounds the imbalance).
  const bool par = nthreads > 1;
  const std::size_t want = 4 * static_cast<std::size_t>(nthreads);
  auto split = [&](std::size_t n_np, std::size_t& n_ic, std::size_t& n_jg) {
    n_ic = gemm_ceil_div(n_mp * MR, gemm_mc_max);
    n_jg = 1;
    if (!par) return;
    n_jg = std::min(n_np, gemm_ceil_div(want, n_ic));
    n_ic = std::max(n_ic, std::min(n_mp, gemm_ceil_div(want, n_jg)));
  };

  auto body = [&] {
    for (std::size_t pc = 0; pc < g.K; pc += kc_max) {
      const std::size_t kc = std::min(kc_max, g.K - pc);
      const float beta = pc == 0 ? g.beta : 1.0f;
      for (std::size_t jc = 0; jc < g.N; jc += nc_max) {
        const std::size_t nc = std::min(nc_max, g.N - jc);
        const std::size_t n_np = gemm_ceil_div(nc, NR);
        // One work-shared loop packs this B block and, on the first column block, all of A:
        // one barrier instead of two.
        const std::size_t n_pa = jc == 0 ? n_mp : 0;
        gemm_for(par, n_pa + n_np, [&](std::size_t x) {
          if (x < n_pa) {
            const std::size_t i = x * MR;
            gemm_pack_a(g.ta, g.A, g.lda, i, std::min(MR, g.M - i), pc, kc, Ap + i * kc);
          } else {
            const std::size_t j = (x - n_pa) * NR;
            gemm_pack_b(g.tb, g.B, g.ldb, jc + j, std::min(NR, nc - j), pc, kc, Bp + j * kc);
          }
        });
        std::size_t n_ic, n_jg;
        split(n_np, n_ic, n_jg);
        gemm_for(par, n_ic * n_jg, [&](std::size_t t) {
          const std::size_t ib = t / n_jg, jg = t % n_jg;
          const std::size_t p0 = ib * n_mp / n_ic, p1 = (ib + 1) * n_mp / n_ic;
          const std::size_t q0 = jg * n_np / n_jg, q1 = (jg + 1) * n_np / n_jg;
          for (std::size_t q = q0; q < q1; ++q) {  // B micro-panel stays in L1 over the p loop
            const std::size_t j = q * NR, nr = std::min(NR, nc - j);
            for (std::size_t p = p0; p < p1; ++p) {
              const std::size_t i = p * MR, mr = std::min(MR, g.M - i);
              gemm_tile(kc, Ap + i * kc, Bp + j * kc, g.alpha, beta, g.C + i * g.ldc + jc + j,
                        g.ldc, mr, nr);
            }
          }
        });
      }
    }
  };
#ifdef _OPENMP
  if (par) {
#pragma omp parallel num_threads(nthreads)
    body();
    return;
  }
#endif
  body();
}

}  // namespace detail

// C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C, row-major with leading dimensions.
// op(A) = A (M x K, lda >= K) or A^T (A stored K x M, lda >= M); likewise B.
// beta == 0: C is write-only (NaNs in C are ignored, as in BLAS).
// Parallel (OpenMP, caller's thread settings) unless small or already inside a parallel region.
inline void gemm(cpu, transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K,
                 float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb,
                 float beta, float* C, std::size_t ldc) {
  if (M == 0 || N == 0) return;
  if (K == 0 || alpha == 0.0f) return detail::gemm_scale_c(M, N, beta, C, ldc);
  int nthreads = 1;
#ifdef _OPENMP
  if (M * N * K >= detail::gemm_parallel_min_flops && !omp_in_parallel())
    nthreads = omp_get_max_threads();
#endif
  const detail::gemm_args g{ta == transpose::yes, tb == transpose::yes, M, N, K, alpha, A, lda,
                            B, ldb, beta, C, ldc};
  detail::gemm_blocked(g, nthreads);
}

}  // namespace lamina::kernels
