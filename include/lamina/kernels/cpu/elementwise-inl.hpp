#pragma once
// Definitions for elementwise.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <cstring>

#include "elementwise.hpp"

namespace lamina::kernels {

LAMINA_INLINE void add_scalar(cpu, float* dst, std::size_t n, float value) {
  for (std::size_t i = 0; i < n; ++i) dst[i] += value;
}

LAMINA_INLINE void broadcast_rows(cpu, const float* row, float* y, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) std::memcpy(y + r * cols, row, cols * sizeof(float));
}

LAMINA_INLINE void add(cpu, const float* a, const float* b, float* out, std::size_t n) {
  detail::map(n, out, [](auto u, auto v) { return u + v; }, a, b);
}

// max(0, v), not max(v, 0): x86's max returns its second operand for a NaN, so NaN stays NaN
// (as in PyTorch and in Conv2d's fused epilogue).
LAMINA_INLINE void relu_forward(cpu, const float* x, float* y, std::size_t n) {
  detail::map(n, y, [](auto v) { return xsimd::max(decltype(v)(0.f), v); }, x);
}

LAMINA_INLINE void relu_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n) {
  detail::map(n, dx, [](auto yv, auto g) { return xsimd::select(yv > decltype(yv)(0.f), g, decltype(g)(0.f)); }, y, dy);
}

LAMINA_INLINE void leaky_relu_forward(cpu, const float* x, float* y, std::size_t n, float slope) {
  detail::map(n, y, [slope](auto v) { return xsimd::select(v > decltype(v)(0.f), v, v * slope); }, x);
}

LAMINA_INLINE void leaky_relu_backward(cpu, const float* x, const float* dy, float* dx, std::size_t n, float slope) {
  detail::map(n, dx, [slope](auto v, auto g) { return xsimd::select(v > decltype(v)(0.f), g, g * slope); }, x, dy);
}

LAMINA_INLINE void sigmoid_forward(cpu, const float* x, float* y, std::size_t n) {
  detail::map(n, y, [](auto v) { using B = decltype(v); return B(1.f) / (B(1.f) + xsimd::exp(-v)); }, x);
}

LAMINA_INLINE void sigmoid_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n) {
  detail::map(n, dx, [](auto s, auto g) { using B = decltype(s); return g * s * (B(1.f) - s); }, y, dy);
}

LAMINA_INLINE void tanh_forward(cpu, const float* x, float* y, std::size_t n) {
  detail::map(n, y, [](auto v) { return xsimd::tanh(v); }, x);
}

LAMINA_INLINE void tanh_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n) {
  detail::map(n, dx, [](auto t, auto g) { using B = decltype(t); return g * (B(1.f) - t * t); }, y, dy);
}

}  // namespace lamina::kernels
