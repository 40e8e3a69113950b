#pragma once
// The trigonometric half of Fourier feature mapping: from projections p = x B^T [rows, M]
// to y = [cos(2 pi p), sin(2 pi p)] [rows, 2M], and the gradient back to the projections.
#include <cstddef>
#include <numbers>

#include <xsimd/xsimd.hpp>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"

namespace lamina::kernels {

/// y = [cos(2 pi p), sin(2 pi p)] [rows, 2m] from the projections p = proj [rows, m].
LAMINA_INLINE void fourier_features_forward(cpu, const float* proj, float* y, std::size_t rows, std::size_t m);

/// Fourier features' backward pass: dproj [rows, m] from y and dy [rows, 2m].
/// dL/dp = 2 pi (-sin(2 pi p) dL/dcos + cos(2 pi p) dL/dsin), with sin and cos read from y.
LAMINA_INLINE void fourier_features_backward(cpu, const float* y, const float* dy, float* dproj, std::size_t rows,
                                             std::size_t m);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "fourier_features-inl.hpp"
#endif
