#pragma once
// Fourier features' trigonometric half on the CUDA backend (the projection is a GEMM).
#include <cstddef>

#include "../../core/backend.hpp"
#include "launch.cuh"
#include "../common/fourier_features.hpp"

namespace lamina::kernels {

inline void fourier_features_forward(cuda, const float* proj, float* y, std::size_t rows, std::size_t m) {
  parallel_for(cuda{}, rows * m, device::fourier_features_forward_op{proj, y, m});
}
inline void fourier_features_backward(cuda, const float* y, const float* dy, float* dproj, std::size_t rows,
                                      std::size_t m) {
  parallel_for(cuda{}, rows * m, device::fourier_features_backward_op{y, dy, dproj, m});
}

}  // namespace lamina::kernels
