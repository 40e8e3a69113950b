#pragma once
// Backend policies are empty tag types; kernels overload on them (xsimd's arch-tag idea).
#include <type_traits>

namespace lamina {
struct cpu {};   // xsimd + OpenMP kernels (default)
struct cuda {};  // CUDA kernels + cuBLAS; only usable from CUDA translation units (docs/cuda.md)

// One of lamina's backend tags (what losses and optimizers accept as their first argument).
template <class B>
concept Backend = std::is_same_v<B, cpu> || std::is_same_v<B, cuda>;
}  // namespace lamina
