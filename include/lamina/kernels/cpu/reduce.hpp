#pragma once
// Reductions with a fixed summation order, so results are bit-identical for any thread count.
#include <cstddef>

#include <xsimd/xsimd.hpp>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"

namespace lamina::kernels {

// out[c] = sum_r x[r, c] (rows summed in order; columns vectorised). Bias gradients.
LAMINA_INLINE void column_sum(cpu, const float* x, std::size_t rows, std::size_t cols, float* out);

// Sum of n values in double, blocked in a fixed order: the same bits for any thread count.
LAMINA_INLINE double sum(cpu, const float* x, std::size_t n);

// True when no value is NaN or infinite (the Trainer's check of every step's gradients).
LAMINA_INLINE bool all_finite(cpu, const float* x, std::size_t n);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "reduce-inl.hpp"
#endif
