#pragma once
// Reductions with a fixed summation order, so results are bit-identical for any thread count.
#include <bit>
#include <cstddef>
#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"

namespace lamina::kernels {

/// out[c] = sum_r x[r, c] (rows summed in order; columns vectorised). Bias gradients.
LAMINA_INLINE void column_sum(cpu, const float* x, std::size_t rows, std::size_t cols, float* out);

/// Sum of n values in double, blocked in a fixed order: the same bits for any thread count.
LAMINA_INLINE double sum(cpu, const float* x, std::size_t n);

/// term(0) + term(1) + ... + term(n - 1) in double, in index order: the same bits for any thread
/// count. A term may also write its own outputs (a loss term writes its gradient).
template <class Term>
double sum_terms(cpu, std::size_t n, const Term& term) {
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += term(i);
  return total;
}

/// True when no value is NaN or infinite (the Trainer's check of every step's gradients).
LAMINA_INLINE bool all_finite(cpu, const float* x, std::size_t n);

/// True when v is neither NaN nor infinite.
/// NaN and infinities are the floats whose exponent bits are all ones. Tested on the bits, so that
/// -ffast-math (which lets the compiler assume finite values) cannot fold the test away.
inline bool is_finite(float v) { return (std::bit_cast<std::uint32_t>(v) & 0x7f800000u) != 0x7f800000u; }

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "reduce-inl.hpp"
#endif
