#pragma once
// Dropout on the CUDA backend: the body of kernels/common/dropout.hpp, so a seed draws the same
// mask on every backend.
#include <cstddef>
#include <cstdint>

#include "../../core/backend.hpp"
#include "../common/dropout.hpp"
#include "launch.cuh"

namespace lamina::kernels {

inline void dropout_forward(cuda, const float* x, float* y, float* mask, std::size_t n, float p, std::uint64_t seed) {
  parallel_for(cuda{}, n, device::dropout_forward_op::make(x, y, mask, seed, p));
}

}  // namespace lamina::kernels
