#pragma once
// Dropout on the CPU: the body of kernels/common/dropout.hpp over threads.
#include <cstddef>
#include <cstdint>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/dropout.hpp"
#include "elementwise.hpp"

namespace lamina::kernels {

/// Dropout's forward pass on the CPU (torch.nn.Dropout in training), drop probability p,
/// its mask drawn from seed:
/// mask[i] = 1/(1-p) with probability 1-p, else 0; y = x * mask.
LAMINA_INLINE void dropout_forward(cpu, const float* x, float* y, float* mask, std::size_t n, float p,
                                   std::uint64_t seed);

/// out[i] = a[i] * b[i] for i < n (dropout's backward: dy times the saved mask).
LAMINA_INLINE void multiply(cpu, const float* a, const float* b, float* out, std::size_t n);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "dropout-inl.hpp"
#endif
