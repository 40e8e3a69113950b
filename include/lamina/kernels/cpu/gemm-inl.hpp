#pragma once
// Definitions for gemm.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

#include "gemm.hpp"

namespace lamina::kernels::detail {

LAMINA_INLINE void gemm_scale_c(std::size_t M, std::size_t N, float beta, float* C, std::size_t ldc) {
  for (std::size_t i = 0; i < M; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.0f) std::fill(c, c + N, 0.0f);
    else if (beta != 1.0f)
      for (std::size_t j = 0; j < N; ++j) c[j] *= beta;
  }
}

LAMINA_INLINE void gemm_tile(std::size_t kc, const float* a, const float* b, float alpha, float beta,
                             float* c, std::size_t ldc, std::size_t mr, std::size_t nr,
                             const std::ptrdiff_t* b_rows) {
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

LAMINA_INLINE std::size_t gemm_kc(std::size_t K) {
  return gemm_ceil_div(K, gemm_ceil_div(K, gemm_kc_max));
}

[[gnu::noinline]] LAMINA_INLINE void gemm_block(const gemm_args& g, std::size_t i0, std::size_t i1, std::size_t j0,
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

LAMINA_INLINE void gemm_grid(const gemm_args& g, std::size_t nt, std::size_t& tm, std::size_t& tn) {
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

LAMINA_INLINE void gemm_blocked(const gemm_args& g, int nthreads) {
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

LAMINA_INLINE void gemm_run(const gemm_args& g) {
  if (g.M == 0 || g.N == 0) return;
  if (g.K == 0 || g.alpha == 0.0f) return gemm_scale_c(g.M, g.N, g.beta, g.C, g.ldc);
  int nthreads = 1;
#ifdef _OPENMP
  if (g.M * g.N * g.K >= gemm_parallel_min_macs && !omp_in_parallel()) nthreads = omp_get_max_threads();
#endif
  gemm_blocked(g, nthreads);
}

}  // namespace lamina::kernels::detail

namespace lamina::kernels {

LAMINA_INLINE void gemm(cpu, transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K,
                        float alpha, const float* A, std::size_t lda, const float* B, std::size_t ldb,
                        float beta, float* C, std::size_t ldc) {
  detail::gemm_run({ta == transpose::yes, tb == transpose::yes, M, N, K, alpha, A, lda, B, ldb, nullptr,
                    beta, C, ldc});
}

LAMINA_INLINE void gemm_rows_b(cpu, transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K,
                               float alpha, const float* A, std::size_t lda, const float* B,
                               const std::ptrdiff_t* b_rows, float beta, float* C, std::size_t ldc) {
  detail::gemm_run({ta == transpose::yes, tb == transpose::yes, M, N, K, alpha, A, lda, B, 0, b_rows, beta,
                    C, ldc});
}

}  // namespace lamina::kernels
