#pragma once
// Softmax and log-softmax on the CPU: the row bodies of kernels/common/softmax.hpp over threads.
#include <cstddef>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/softmax.hpp"
#include "parallel_for.hpp"

namespace lamina::kernels {

/// Softmax (or, with `log`, log-softmax) of each row of x laid out as `g` says, into y;
/// numerically stable (torch.softmax / torch.log_softmax along one dimension).
LAMINA_INLINE void softmax_forward(cpu, const softmax_geometry& g, bool log, const float* x, float* y);

/// The backward pass from the output: dx = y * (dy - sum(dy * y)) per row for softmax,
/// dx = dy - exp(y) * sum(dy) for log-softmax.
LAMINA_INLINE void softmax_backward(cpu, const softmax_geometry& g, bool log, const float* y, const float* dy,
                                    float* dx);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "softmax-inl.hpp"
#endif
