#pragma once
// Element-wise kernels of the CUDA backend: activations, sums, products, bias broadcast. The
// bodies are the functors of logic/elementwise.hpp.
#include <cstddef>

#include "../../core/backend.hpp"
#include "launch.cuh"
#include "logic/elementwise.hpp"

namespace lamina::kernels {

inline void broadcast_rows(cuda, const float* row, float* y, std::size_t rows, std::size_t cols) {
  detail::parallel_for(cuda{}, rows * cols, device::broadcast_rows_op{row, y, cols});
}
inline void add(cuda, const float* a, const float* b, float* out, std::size_t n) {
  detail::parallel_for(cuda{}, n, device::add_op{a, b, out});
}
inline void multiply(cuda, const float* a, const float* b, float* out, std::size_t n) {
  detail::parallel_for(cuda{}, n, device::multiply_op{a, b, out});
}
inline void relu_forward(cuda, const float* x, float* y, std::size_t n) {
  detail::parallel_for(cuda{}, n, device::relu_forward_op{x, y});
}
inline void relu_backward(cuda, const float* y, const float* dy, float* dx, std::size_t n) {
  detail::parallel_for(cuda{}, n, device::relu_backward_op{y, dy, dx});
}
inline void leaky_relu_forward(cuda, const float* x, float* y, std::size_t n, float slope) {
  detail::parallel_for(cuda{}, n, device::leaky_relu_forward_op{x, y, slope});
}
inline void leaky_relu_backward(cuda, const float* x, const float* dy, float* dx, std::size_t n, float slope) {
  detail::parallel_for(cuda{}, n, device::leaky_relu_backward_op{x, dy, dx, slope});
}
inline void sigmoid_forward(cuda, const float* x, float* y, std::size_t n) {
  detail::parallel_for(cuda{}, n, device::sigmoid_forward_op{x, y});
}
inline void sigmoid_backward(cuda, const float* y, const float* dy, float* dx, std::size_t n) {
  detail::parallel_for(cuda{}, n, device::sigmoid_backward_op{y, dy, dx});
}
inline void tanh_forward(cuda, const float* x, float* y, std::size_t n) {
  detail::parallel_for(cuda{}, n, device::tanh_forward_op{x, y});
}
inline void tanh_backward(cuda, const float* y, const float* dy, float* dx, std::size_t n) {
  detail::parallel_for(cuda{}, n, device::tanh_backward_op{y, dy, dx});
}

}  // namespace lamina::kernels
