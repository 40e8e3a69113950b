#pragma once
// Backend policies are empty tag types; kernels overload on them (xsimd's arch-tag idea).
#include <type_traits>

namespace lamina {
struct cpu {};   ///< xsimd + OpenMP kernels (default)
struct cuda {};  ///< CUDA kernels + cuBLAS; only usable from CUDA translation units (docs/cuda.md)

/// One of lamina's backend tags (what losses and optimizers accept as their first argument).
template <class B>
concept Backend = std::is_same_v<B, cpu> || std::is_same_v<B, cuda>;

/// The backend of a model type (cpu for anything without a `backend` member type): what an
/// optimizer or a training loop built from a model runs on.
template <class M>
struct backend_of {
  using type = cpu;  ///< The backend tag.
};
/// A model type with a `backend` member type runs on that backend.
template <class M>
  requires requires { typename M::backend; }
struct backend_of<M> {
  using type = typename M::backend;  ///< The backend tag.
};
/// The backend tag of model type M (backend_of<M>::type).
template <class M>
using backend_of_t = typename backend_of<M>::type;
}  // namespace lamina
