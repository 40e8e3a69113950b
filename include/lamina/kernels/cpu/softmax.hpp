#pragma once
// Row-wise softmax on the CPU: the row bodies of kernels/common/softmax.hpp over threads.
#include <cstddef>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/softmax.hpp"
#include "parallel_for.hpp"

namespace lamina::kernels {

LAMINA_INLINE void softmax_forward(cpu, const float* x, float* y, std::size_t rows, std::size_t cols);

LAMINA_INLINE void softmax_backward(cpu, const float* y, const float* dy, float* dx, std::size_t rows,
                                    std::size_t cols);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "softmax-inl.hpp"
#endif
