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

// Scalar math with the SIMD instructions' semantics: max(a, b) returns b when either is NaN,
// like x86's maxps (so relu's max(0, x) keeps a NaN, as PyTorch does).
LAMINA_HOST_DEVICE float max(float a, float b) { return a > b ? a : b; }
LAMINA_HOST_DEVICE float select(bool c, float a, float b) { return c ? a : b; }
LAMINA_HOST_DEVICE float exp(float v) { return ::expf(v); }
LAMINA_HOST_DEVICE float tanh(float v) { return ::tanhf(v); }

struct add {
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V a, V b) const { return a + b; }
};
struct multiply {
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V a, V b) const { return a * b; }
};

// x * factor (gradient clipping by norm).
struct scale {
  float factor;
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return x * V(factor); }
};
// x clamped to [-limit, limit]; a NaN stays NaN, as torch.clamp (gradient clipping by value).
struct clamp_abs {
  float limit;
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const {
    return select(x > V(limit), V(limit), select(x < V(-limit), V(-limit), x));
  }
};
struct relu_forward {
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return max(V(0.f), x); }
};
// From the output (y > 0 iff x > 0), as PyTorch's threshold_backward.
struct relu_backward {
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V y, V dy) const { return select(y > V(0.f), dy, V(0.f)); }
};
struct leaky_relu_forward {
  float slope;
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return select(x > V(0.f), x, x * V(slope)); }
};
struct leaky_relu_backward {
  float slope;
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x, V dy) const {
    return select(x > V(0.f), dy, dy * V(slope));
  }
};
struct sigmoid_forward {
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return V(1.f) / (V(1.f) + exp(-x)); }
};
// From the output: s' = s (1 - s).
struct sigmoid_backward {
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V s, V dy) const { return dy * s * (V(1.f) - s); }
};
struct tanh_forward {
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return tanh(x); }
};
// From the output: t' = 1 - t^2.
struct tanh_backward {
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V t, V dy) const { return dy * (V(1.f) - t * t); }
};

}  // namespace lamina::kernels::fn

namespace lamina::kernels::device {

// Fills and broadcasts, one element per index (the GPU's; the CPU uses std::fill and memcpy).
struct fill_op {
  float* y; float value;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = value; }
};
struct add_scalar_op {
  float* y; float value;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] += value; }
};
// y[r, c] = row[c] over [rows, cols].
struct broadcast_rows_op {
  const float* row; float* y; std::size_t cols;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = row[i % cols]; }
};

}  // namespace lamina::kernels::device
