#pragma once
// C[M x N] = A x B^T for operands whose rows are long and contiguous along the shared dimension
// K: a convolution's weight gradient, dW = dy x lowered(x)^T, where k runs over every position
// of the batch while M (output channels) and N (input channels x kernel window) are small, and
// B's rows are the padded image read through a row table (see conv2d_implicit_gemm.hpp).
//
// The outer-product GEMM (gemm.hpp) would transpose-pack both operands. Here register tiles of
// MT x NT dot products read both in place, one k block at a time so that a tile row's A rows
// stay in L1 while the tiles that share them go by; the W-lane partial sums wait in a scratch
// between blocks and are reduced once at the end.
//
// Determinism: each C element is its lane sums (each in k order) reduced in a fixed order, then
// the scalar head and tail (the k before A's rows are aligned, the k after the last vector): threads split the tiles, never k, so results do not depend on their number.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "gemm.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lamina::kernels {

namespace detail {

// Tile MT x NT: the accumulators, MT A vectors and one B vector fit the register file (32 zmm
// on AVX-512, 16 ymm/xmm otherwise).
inline constexpr std::size_t dot_mt = gemm_w >= 16 ? 4 : 2;
inline constexpr std::size_t dot_nt = gemm_w >= 16 ? 6 : 4;
inline constexpr std::size_t dot_kb = 1024;  // k per block: MT rows of A (16 KiB) stay in L1

// acc[i * NT + j] += sum over k in [k0, k1) (whole vectors) of a[i][k..] * b[j][k..];
// `first` starts from zero instead.
// Declared here without `inline` or the attribute (GCC warns about an inline declaration with
// noinline); the definition in gemm_dot-inl.hpp carries both.
void gemm_dot_tile(const float* const* a, const float* const* b, std::size_t k0,
                   std::size_t k1, gemm_vec* acc, bool first) noexcept;

}  // namespace detail

/// C[M x N] = sum over k < K of A[i * lda + k] * B[b_rows[j] + k] (C overwritten; row-major,
/// leading dimension ldc). Parallel over tiles (OpenMP, caller's settings) unless small or
/// already inside a parallel region.
LAMINA_INLINE void gemm_dot_rows(cpu, std::size_t M, std::size_t N, std::size_t K, const float* A, std::size_t lda,
                                 const float* B, const std::ptrdiff_t* b_rows, float* C, std::size_t ldc);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "gemm_dot-inl.hpp"
#endif
