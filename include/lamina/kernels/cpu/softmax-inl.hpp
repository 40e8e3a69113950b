#pragma once
// Definitions for softmax.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>

#include "softmax.hpp"

namespace lamina::kernels {

LAMINA_INLINE void softmax_forward(cpu, const float* x, float* y, std::size_t rows, std::size_t cols) {
  parallel_for(cpu{}, per_item{rows, 4 * cols}, device::softmax_forward_op{x, y, cols});
}

LAMINA_INLINE void softmax_backward(cpu, const float* y, const float* dy, float* dx, std::size_t rows,
                                    std::size_t cols) {
  parallel_for(cpu{}, per_item{rows, 4 * cols}, device::softmax_backward_op{y, dy, dx, cols});
}

}  // namespace lamina::kernels
