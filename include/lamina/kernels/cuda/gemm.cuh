#pragma once
// GEMM on the CUDA backend: cuBLAS SGEMM (FP32, no TF32), row-major through the transpose
// trick: row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, so the operands are
// passed swapped with their own transpose flags and leading dimensions.
#include <cublas_v2.h>

#include <cstddef>

#include "../../core/backend.hpp"
#include "../common/transpose.hpp"
#include "context.cuh"
#include "transfer.cuh"

namespace lamina::kernels {

// C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C, row-major, as gemm(cpu, ...).
inline void gemm(cuda, transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K, float alpha,
                 const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C,
                 std::size_t ldc) {
  if (M == 0 || N == 0) return;
  const cublasOperation_t opa = ta == transpose::yes ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t opb = tb == transpose::yes ? CUBLAS_OP_T : CUBLAS_OP_N;
  LAMINA_CUBLAS_CHECK(cublasSgemm(cuda_context::get().cublas(), opb, opa, int(N), int(M), int(K), &alpha, B,
                                  int(ldb), A, int(lda), &beta, C, int(ldc)));
}

// `count` independent GEMMs whose operands are `stride_*` floats apart (groups of a
// convolution), as one cuBLAS call.
inline void gemm_strided_batched(cuda, transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K,
                                 float alpha, const float* A, std::size_t lda, std::size_t stride_a, const float* B,
                                 std::size_t ldb, std::size_t stride_b, float beta, float* C, std::size_t ldc,
                                 std::size_t stride_c, std::size_t count) {
  if (M == 0 || N == 0 || count == 0) return;
  if (count == 1) return gemm(cuda{}, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  const cublasOperation_t opa = ta == transpose::yes ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t opb = tb == transpose::yes ? CUBLAS_OP_T : CUBLAS_OP_N;
  LAMINA_CUBLAS_CHECK(cublasSgemmStridedBatched(cuda_context::get().cublas(), opb, opa, int(N), int(M), int(K),
                                                &alpha, B, int(ldb), (long long)stride_b, A, int(lda),
                                                (long long)stride_a, &beta, C, int(ldc), (long long)stride_c,
                                                int(count)));
}

}  // namespace lamina::kernels
