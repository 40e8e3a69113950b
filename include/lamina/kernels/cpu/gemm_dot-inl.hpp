#pragma once
// Definitions for gemm_dot.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "gemm_dot.hpp"

namespace lamina::kernels::detail {

[[gnu::noinline]] LAMINA_INLINE void gemm_dot_tile(const float* const* a, const float* const* b, std::size_t k0,
                                                   std::size_t k1, gemm_vec* acc, bool first) noexcept {
  constexpr std::size_t MT = dot_mt, NT = dot_nt, W = gemm_w;
  gemm_vec s[MT][NT];
#pragma GCC unroll 8
  for (std::size_t i = 0; i < MT; ++i)
#pragma GCC unroll 8
    for (std::size_t j = 0; j < NT; ++j)
      s[i][j] = first ? gemm_vec(0.f) : gemm_vec::load_aligned(reinterpret_cast<const float*>(acc + i * NT + j));
  const float* ar[MT];
  const float* br[NT];
  for (std::size_t i = 0; i < MT; ++i) ar[i] = a[i];
  for (std::size_t j = 0; j < NT; ++j) br[j] = b[j];
  for (std::size_t k = k0; k < k1; k += W) {
    gemm_vec av[MT];
#pragma GCC unroll 8
    for (std::size_t i = 0; i < MT; ++i) av[i] = gemm_vec::load_unaligned(ar[i] + k);
#pragma GCC unroll 8
    for (std::size_t j = 0; j < NT; ++j) {
      gemm_vec bv = gemm_vec::load_unaligned(br[j] + k);
#if defined(__GNUC__) && defined(__AVX__)
      // Keep bv in a register: GCC otherwise folds this load into each of the MT FMAs, and
      // the unaligned (line-splitting) loads, not the FMAs, become the limit.
      asm("" : "+v"(bv.data));
#endif
#pragma GCC unroll 8
      for (std::size_t i = 0; i < MT; ++i) s[i][j] = xsimd::fma(av[i], bv, s[i][j]);
    }
  }
#pragma GCC unroll 8
  for (std::size_t i = 0; i < MT; ++i)
#pragma GCC unroll 8
    for (std::size_t j = 0; j < NT; ++j) s[i][j].store_aligned(reinterpret_cast<float*>(acc + i * NT + j));
}

}  // namespace lamina::kernels::detail

namespace lamina::kernels {

LAMINA_INLINE void gemm_dot_rows(cpu, std::size_t M, std::size_t N, std::size_t K, const float* A, std::size_t lda,
                                 const float* B, const std::ptrdiff_t* b_rows, float* C, std::size_t ldc) {
  using detail::gemm_vec;
  constexpr std::size_t MT = detail::dot_mt, NT = detail::dot_nt, W = detail::gemm_w;
  if (M == 0 || N == 0) return;
  const std::size_t tm = (M + MT - 1) / MT, tn = (N + NT - 1) / NT, tiles = tm * tn;
  // Whole vectors over [k_lo, k_hi), starting where A's rows are aligned (when lda allows:
  // every A load would otherwise split a cache line); the ends are scalar.
  const std::size_t misalign = reinterpret_cast<std::uintptr_t>(A) / sizeof(float) % W;
  const std::size_t k_lo = std::min(K, lda % W == 0 && misalign ? W - misalign : 0);
  const std::size_t k_hi = k_lo + (K - k_lo) / W * W;
  thread_local detail::gemm_scratch scratch;
  gemm_vec* const acc = reinterpret_cast<gemm_vec*>(scratch.get(tiles * MT * NT * W));

  // Tiles [t0, t1), row-major over the tile grid so that consecutive tiles share A rows. Rows
  // past M or N repeat the last one (computed, then dropped), so every tile is full.
  auto run = [&](std::size_t t0, std::size_t t1) {
    for (std::size_t k0 = k_lo; k0 < k_hi; k0 += detail::dot_kb)
      for (std::size_t t = t0; t < t1; ++t) {
        const float* a[MT];
        const float* b[NT];
        for (std::size_t i = 0; i < MT; ++i) a[i] = A + std::min(t / tn * MT + i, M - 1) * lda;
        for (std::size_t j = 0; j < NT; ++j) b[j] = B + b_rows[std::min(t % tn * NT + j, N - 1)];
        detail::gemm_dot_tile(a, b, k0, std::min(k_hi, k0 + detail::dot_kb), acc + t * MT * NT, k0 == k_lo);
      }
    for (std::size_t t = t0; t < t1; ++t)
      for (std::size_t i = t / tn * MT; i < std::min(M, t / tn * MT + MT); ++i)
        for (std::size_t j = t % tn * NT; j < std::min(N, t % tn * NT + NT); ++j) {
          const float* a = A + i * lda;
          const float* b = B + b_rows[j];
          float s = k_hi > k_lo ? xsimd::hadd(acc[t * MT * NT + (i % MT) * NT + j % NT]) : 0.f;
          for (std::size_t k = 0; k < k_lo; ++k) s += a[k] * b[k];
          for (std::size_t k = k_hi; k < K; ++k) s += a[k] * b[k];
          C[i * ldc + j] = s;
        }
  };

  int nthreads = 1;
#ifdef _OPENMP
  if (M * N * K >= detail::gemm_parallel_min_macs && !omp_in_parallel()) nthreads = omp_get_max_threads();
#endif
  if (nthreads <= 1 || tiles < 2) return run(0, tiles);
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
  {
    const std::size_t team = std::size_t(omp_get_num_threads()), r = std::size_t(omp_get_thread_num());
    run(tiles * r / team, tiles * (r + 1) / team);
  }
#endif
}

}  // namespace lamina::kernels
