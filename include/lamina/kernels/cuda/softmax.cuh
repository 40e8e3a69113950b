#pragma once
// Row-wise softmax on the CUDA backend (one thread per row: rows are class scores).
#include <cstddef>

#include "../../core/backend.hpp"
#include "launch.cuh"
#include "../common/softmax.hpp"

namespace lamina::kernels {

inline void softmax_forward(cuda, const float* x, float* y, std::size_t rows, std::size_t cols) {
  parallel_for(cuda{}, rows, device::softmax_forward_op{x, y, cols});
}
inline void softmax_backward(cuda, const float* y, const float* dy, float* dx, std::size_t rows, std::size_t cols) {
  parallel_for(cuda{}, rows, device::softmax_backward_op{y, dy, dx, cols});
}

}  // namespace lamina::kernels
