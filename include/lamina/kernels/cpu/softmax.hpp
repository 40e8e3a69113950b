#pragma once
// Row-wise softmax on the CPU: the row bodies of kernels/common/softmax.hpp over threads.
#include <cstddef>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/softmax.hpp"
#include "parallel_for.hpp"

namespace lamina::kernels {

/// Softmax of each row of x [rows, cols] into y, numerically stable (torch.softmax(x, 1)).
LAMINA_INLINE void softmax_forward(cpu, const float* x, float* y, std::size_t rows, std::size_t cols);

/// Softmax's backward pass from the output: dx = y * (dy - sum(dy * y)) per row.
LAMINA_INLINE void softmax_backward(cpu, const float* y, const float* dy, float* dx, std::size_t rows,
                                    std::size_t cols);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "softmax-inl.hpp"
#endif
