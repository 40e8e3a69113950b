#pragma once
// Dropout on the CUDA backend: the CPU kernel's counter-based coin (cpu/dropout.hpp's
// detail::coin_bits, a host-device function), so a seed draws the same mask on every backend.
#include <cstddef>
#include <cstdint>

#include "../../core/backend.hpp"
#include "launch.cuh"
#include "logic/elementwise.hpp"

namespace lamina::kernels {

inline void dropout_forward(cuda, const float* x, float* y, float* mask, std::size_t n, float p, std::uint64_t seed) {
  const device::dropout_constants k = device::dropout_constants_for(p);
  detail::parallel_for(cuda{}, n, device::dropout_forward_op{x, y, mask, seed, k.threshold, k.keep_scale});
}

}  // namespace lamina::kernels
