#pragma once
// Whether a GEMM operand is read transposed (BLAS's 'N' / 'T'), for every backend's GEMM.

namespace lamina::kernels {

/// Whether a GEMM operand is read transposed: BLAS's 'N' (no) or 'T' (yes), as cuBLAS's
/// CUBLAS_OP_N / CUBLAS_OP_T.
enum class transpose : bool { no = false, yes = true };

}  // namespace lamina::kernels
