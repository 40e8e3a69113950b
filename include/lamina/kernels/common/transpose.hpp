#pragma once
// Whether a GEMM operand is read transposed (BLAS's 'N' / 'T'), for every backend's GEMM.

namespace lamina::kernels {

enum class transpose : bool { no = false, yes = true };

}  // namespace lamina::kernels
