#pragma once
// Element-wise op bodies, written once for every backend (xsimd's idea): each is a functor whose
// call operator is a template on the value type V, so the CPU runs it on SIMD batches
// (kernels::map over xsimd::batch<float>) and the CUDA backend on one float per thread. The
// scalar math below serves floats; xsimd's own functions serve batches, found by argument-
// dependent lookup, so a body says `exp(x)` or `select(x > V(0.f), x, zero)` for both.
#include <cmath>
#include <cstddef>

#include "../../core/config.hpp"

namespace lamina::kernels::fn {

/// Scalar math with the SIMD instructions' semantics: max(a, b) returns b when either is NaN,
/// like x86's maxps (so relu's max(0, x) keeps a NaN, as PyTorch does).
LAMINA_HOST_DEVICE float max(float a, float b) { return a > b ? a : b; }
/// c ? a : b, the scalar form of xsimd::select.
LAMINA_HOST_DEVICE float select(bool c, float a, float b) { return c ? a : b; }
/// expf, the scalar form of xsimd::exp.
LAMINA_HOST_DEVICE float exp(float v) { return ::expf(v); }
/// tanhf, the scalar form of xsimd::tanh.
LAMINA_HOST_DEVICE float tanh(float v) { return ::tanhf(v); }

/// Element-wise sum a + b (the body of kernels::add).
struct add {
  /// a + b, for a float or an xsimd batch.
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V a, V b) const { return a + b; }
};
/// Element-wise product a * b (the body of kernels::multiply, dropout's backward).
struct multiply {
  /// a * b, for a float or an xsimd batch.
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V a, V b) const { return a * b; }
};

/// x * factor (gradient clipping by norm).
struct scale {
  float factor;  ///< Multiplier applied to every element.
  /// x * factor, for a float or an xsimd batch.
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return x * V(factor); }
};
/// x clamped to [-limit, limit]; a NaN stays NaN, as torch.clamp (gradient clipping by value).
struct clamp_abs {
  float limit;  ///< Bound, at least 0: results lie in [-limit, limit].
  /// x clamped to [-limit, limit].
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const {
    return select(x > V(limit), V(limit), select(x < V(-limit), V(-limit), x));
  }
};
/// ReLU, max(0, x); a NaN stays NaN, as in torch.relu.
struct relu_forward {
  /// max(0, x).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return max(V(0.f), x); }
};
/// ReLU's gradient, dy where y > 0 and 0 elsewhere.
/// From the output (y > 0 iff x > 0), as PyTorch's threshold_backward.
struct relu_backward {
  /// dy where the output y > 0, else 0.
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V y, V dy) const { return select(y > V(0.f), dy, V(0.f)); }
};
/// Leaky ReLU, x for x > 0 and slope * x otherwise (torch.nn.LeakyReLU).
struct leaky_relu_forward {
  float slope;  ///< Slope for negative inputs (PyTorch's negative_slope, default 0.01).
  /// x for x > 0, slope * x otherwise.
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return select(x > V(0.f), x, x * V(slope)); }
};
/// Leaky ReLU's gradient from the input: dy for x > 0, slope * dy otherwise.
struct leaky_relu_backward {
  float slope;  ///< Slope for negative inputs, as in the forward.
  /// dy for x > 0, slope * dy otherwise.
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x, V dy) const {
    return select(x > V(0.f), dy, dy * V(slope));
  }
};
/// Logistic sigmoid, 1 / (1 + exp(-x)) (torch.sigmoid).
struct sigmoid_forward {
  /// 1 / (1 + exp(-x)).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return V(1.f) / (V(1.f) + exp(-x)); }
};
/// Sigmoid's gradient, dy * s * (1 - s).
/// From the output: s' = s (1 - s).
struct sigmoid_backward {
  /// dy * s * (1 - s), with s the forward output.
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V s, V dy) const { return dy * s * (V(1.f) - s); }
};
/// Hyperbolic tangent (torch.tanh).
struct tanh_forward {
  /// tanh(x), for a float or an xsimd batch.
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return tanh(x); }
};
/// tanh's gradient, dy * (1 - t^2).
/// From the output: t' = 1 - t^2.
struct tanh_backward {
  /// dy * (1 - t * t), with t the forward output.
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V t, V dy) const { return dy * (V(1.f) - t * t); }
};

}  // namespace lamina::kernels::fn

namespace lamina::kernels::device {

// Fills and broadcasts, one element per index (the GPU's; the CPU uses std::fill and memcpy).
/// Sets y[i] = value for every index i.
struct fill_op {
  /// Output array and the value written to each element.
  ///@{
  float* y; float value;
  ///@}
  /// Writes element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = value; }
};
/// Adds value to y[i] for every index i.
struct add_scalar_op {
  /// Array updated in place and the value added to each element.
  ///@{
  float* y; float value;
  ///@}
  /// Updates element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] += value; }
};
/// y[r, c] = row[c] over [rows, cols].
struct broadcast_rows_op {
  /// The row [cols], the output [rows, cols] (row-major) and the row length.
  ///@{
  const float* row; float* y; std::size_t cols;
  ///@}
  /// Writes element i = r * cols + c.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = row[i % cols]; }
};

}  // namespace lamina::kernels::device
