#pragma once
// Definitions for dropout.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>
#include <cstdint>

#include "dropout.hpp"

namespace lamina::kernels {

LAMINA_INLINE void dropout_forward(cpu, const float* x, float* y, float* mask, std::size_t n, float p,
                                   std::uint64_t seed) {
  parallel_for(cpu{}, n, device::dropout_forward_op::make(x, y, mask, seed, p));
}

LAMINA_INLINE void multiply(cpu, const float* a, const float* b, float* out, std::size_t n) {
  detail::map(n, out, fn::multiply{}, a, b);
}

}  // namespace lamina::kernels
