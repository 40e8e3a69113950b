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

// OpenMP pragmas are spelled through this macro so that a build without -fopenmp stays quiet.
#if defined(_OPENMP)
#define LAMINA_OMP(x) _Pragma(#x)
#else
#define LAMINA_OMP(x)
#endif
