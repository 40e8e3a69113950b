#pragma once
// Build-wide switches and portability macros, in one place (CUTLASS's idea).

#define LAMINA_VERSION_MAJOR 0
#define LAMINA_VERSION_MINOR 1
#define LAMINA_VERSION_PATCH 0

// Functions that a CUDA backend may also call on the device fall back to plain inline on host.
#if defined(__CUDACC__)
#define LAMINA_HOST_DEVICE __host__ __device__ inline
#else
#define LAMINA_HOST_DEVICE inline
#endif

// Put before a host-device function template whose host instantiations call host-only code
// (the element-wise bodies on SIMD batches): nvcc then checks calls per instantiation, where it
// runs, instead of warning about the host ones.
#if defined(__CUDACC__)
#define LAMINA_HOST_DEVICE_TEMPLATE _Pragma("nv_exec_check_disable")
#else
#define LAMINA_HOST_DEVICE_TEMPLATE
#endif

// OpenMP pragmas are spelled through this macro so that a build without -fopenmp stays quiet.
#if defined(_OPENMP)
#define LAMINA_OMP(x) _Pragma(#x)
#else
#define LAMINA_OMP(x)
#endif

// Separate compilation (spdlog's idea). By default lamina is header-only: every function is
// defined in the headers, `inline`. A project that links lamina::compiled gets LAMINA_COMPILED_LIB:
// the functions that do not depend on a network's type (CPU kernels, data, metrics, viz, io,
// training helpers) are then only declared by the headers and compiled once, in the library
// (src/), instead of being optimised again in every translation unit. Such a header `x.hpp`
// keeps those definitions in `x-inl.hpp` beside it and includes it unless LAMINA_COMPILED_LIB.
// One mode per program: do not link translation units of both modes together (a CUDA target
// that uses lamina::cuda next to lamina::compiled code must link lamina::compiled too).
#if defined(LAMINA_COMPILED_LIB)
#define LAMINA_INLINE
#else
#define LAMINA_INLINE inline
#endif
