#pragma once
// Batch normalisation on the CPU (the arithmetic: kernels/common/batch_norm.hpp). Channels are
// independent and run in parallel; each channel's sums run in one fixed order over contiguous
// spatial runs, in double, so results never depend on the thread count.
#include <cmath>
#include <cstddef>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/batch_norm.hpp"

namespace lamina::kernels {

/// Training: normalise with the batch statistics, save mean and 1/std per channel for backward,
/// update the running statistics (unbiased variance, as PyTorch).
LAMINA_INLINE void batch_norm_forward_train(cpu, const batch_norm_geometry& g, const float* x, float* y,
                                            const float* gamma, const float* beta, float* running_mean,
                                            float* running_var, float* saved_mean, float* saved_invstd);

/// Evaluation: normalise with the running statistics.
LAMINA_INLINE void batch_norm_forward_eval(cpu, const batch_norm_geometry& g, const float* x, float* y,
                                           const float* gamma, const float* beta, const float* running_mean,
                                           const float* running_var, float* saved_mean, float* saved_invstd);

/// BatchNorm's backward pass: dx, dgamma and dbeta from dy.
/// Backward (device::bn_dx): with batch statistics or with the running ones.
LAMINA_INLINE void batch_norm_backward(cpu, const batch_norm_geometry& g, bool batch_stats, const float* x,
                                       const float* dy, const float* gamma, const float* saved_mean,
                                       const float* saved_invstd, float* dx, float* dgamma, float* dbeta);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "batch_norm-inl.hpp"
#endif
