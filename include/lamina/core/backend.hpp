#pragma once
// Backend policies are empty tag types; kernels overload on them (xsimd's arch-tag idea).
namespace lamina {
struct cpu {};   // xsimd + OpenMP kernels (default)
struct cuda {};  // CUDA kernels + cuBLAS/cuDNN; only usable from CUDA translation units
}
