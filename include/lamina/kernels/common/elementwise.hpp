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
/// erff, the scalar form of xsimd::erf.
LAMINA_HOST_DEVICE float erf(float v) { return ::erff(v); }
/// expm1f (exp(v) - 1 without cancellation near 0), the scalar form of xsimd::expm1.
LAMINA_HOST_DEVICE float expm1(float v) { return ::expm1f(v); }
/// log1pf (log(1 + v) without cancellation near 0), the scalar form of xsimd::log1p.
LAMINA_HOST_DEVICE float log1p(float v) { return ::log1pf(v); }

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

/// GELU, x * Phi(x) with Phi the standard normal CDF: exactly, 0.5 x (1 + erf(x / sqrt 2)), or
/// with the tanh approximation 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
/// (torch.nn.GELU(approximate='none' or 'tanh'), with PyTorch's CPU formulas). The bodies below
/// are single expressions, or hand their intermediates to a helper as arguments: nvcc accepts
/// no local SIMD batch in a host-device function.
template <bool Tanh>
struct gelu_forward {
  /// GELU(x).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const {
    if constexpr (Tanh) return V(0.5f) * x * (V(1.f) + tanh(V(0.7978845608028654f) * (x + V(0.044715f) * x * x * x)));
    else return x * V(0.5f) * (V(1.f) + erf(x * V(0.7071067811865476f)));
  }
};
/// GELU's gradient from the input: dy (Phi(x) + x phi(x)), or the tanh form's derivative.
template <bool Tanh>
struct gelu_backward {
  /// dy * GELU'(x).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x, V dy) const {
    if constexpr (Tanh)
      return with_tanh(x, dy, tanh(V(0.7978845608028654f) * (x + V(0.044715f) * x * x * x)));
    else
      return dy * (V(0.5f) * (V(1.f) + erf(x * V(0.7071067811865476f))) +
                   x * (exp(V(-0.5f) * x * x) * V(0.3989422804014327f)));
  }
  /// The tanh form's dy * (0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2 / pi) (1 + 3 * 0.044715 x^2)).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE static V with_tanh(V x, V dy, V t) {
    return dy * (V(0.5f) * (V(1.f) + t) +
                 V(0.5f) * x * (V(1.f) - t * t) * (V(0.7978845608028654f) * (V(1.f) + V(3.f * 0.044715f) * x * x)));
  }
};
/// SiLU (swish), x * sigmoid(x) (torch.nn.SiLU).
struct silu_forward {
  /// x / (1 + exp(-x)).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const { return x / (V(1.f) + exp(-x)); }
};
/// SiLU's gradient from the input: dy s (1 + x (1 - s)), s = sigmoid(x).
struct silu_backward {
  /// dy * SiLU'(x).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x, V dy) const {
    return with_sigmoid(x, dy, V(1.f) / (V(1.f) + exp(-x)));
  }
  /// dy s (1 + x (1 - s)) for s = sigmoid(x).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE static V with_sigmoid(V x, V dy, V s) {
    return dy * s * (V(1.f) + x * (V(1.f) - s));
  }
};
/// ELU, x for x > 0 and alpha (exp(x) - 1) otherwise (torch.nn.ELU).
struct elu_forward {
  float alpha;  ///< -alpha is ELU's limit for x -> -infinity (PyTorch's default alpha: 1).
  /// ELU(x), with expm1 so that small negative x keep their precision.
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const {
    return select(x > V(0.f), x, V(alpha) * expm1(x));
  }
};
/// ELU's gradient from the input: dy for x > 0, dy alpha exp(x) otherwise.
struct elu_backward {
  float alpha;  ///< As in the forward.
  /// dy * ELU'(x).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x, V dy) const {
    return select(x > V(0.f), dy, dy * V(alpha) * exp(x));
  }
};
/// Softplus, log(1 + exp(beta x)) / beta, and x itself where beta x > threshold
/// (torch.nn.Softplus).
struct softplus_forward {
  float beta;       ///< Sharpness (PyTorch's default 1).
  float threshold;  ///< Where beta x exceeds it the layer is the identity (PyTorch's default 20).
  /// Softplus(x).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x) const {
    return select(x * V(beta) > V(threshold), x, log1p(exp(x * V(beta))) / V(beta));
  }
};
/// Softplus' gradient from the input: dy z / (z + 1), z = exp(beta x), and dy above the threshold.
struct softplus_backward {
  float beta;       ///< As in the forward.
  float threshold;  ///< As in the forward.
  /// dy * Softplus'(x).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V operator()(V x, V dy) const { return with_exp(x, dy, exp(x * V(beta))); }
  /// The gradient for z = exp(beta x).
  LAMINA_HOST_DEVICE_TEMPLATE
  template <class V> LAMINA_HOST_DEVICE V with_exp(V x, V dy, V z) const {
    return select(x * V(beta) > V(threshold), dy, dy * z / (z + V(1.f)));
  }
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
