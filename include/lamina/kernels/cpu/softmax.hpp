#pragma once
// Row-wise softmax over the last dimension, numerically stable (max subtracted), one row per
// iteration so rows can run on different threads without changing any result.
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"

namespace lamina::kernels {

LAMINA_INLINE void softmax_forward(cpu, const float* x, float* y, std::size_t rows, std::size_t cols);

// dx = y * (dy - sum(dy * y)) per row.
LAMINA_INLINE void softmax_backward(cpu, const float* y, const float* dy, float* dx, std::size_t rows,
                                    std::size_t cols);

// log(sum(exp(x))) of one row, stable.
LAMINA_INLINE float logsumexp(const float* x, std::size_t n);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "softmax-inl.hpp"
#endif
