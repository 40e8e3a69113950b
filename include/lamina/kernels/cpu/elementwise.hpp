#pragma once
// Element-wise CPU kernels: one SIMD loop (xsimd, the compile-time best arch) whose tail runs
// the same vector code on a padded copy, so each operation is written once. Large arrays are
// split over OpenMP threads in fixed chunks; element-wise results never depend on threads.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"

namespace lamina::kernels {

namespace detail {

using fbatch = xsimd::batch<float>;
inline constexpr std::size_t lanes = fbatch::size;
inline constexpr std::size_t parallel_threshold = std::size_t{1} << 15;

// Calls body(begin, end) over [0, n), in parallel chunks when n is large.
template <class Body>
void for_ranges(std::size_t n, Body&& body) {
  constexpr std::size_t chunk = 8192;
  if (n < parallel_threshold) {
    body(std::size_t{0}, n);
    return;
  }
  const std::ptrdiff_t chunks = std::ptrdiff_t((n + chunk - 1) / chunk);
  LAMINA_OMP(omp parallel for schedule(static))
  for (std::ptrdiff_t c = 0; c < chunks; ++c)
    body(std::size_t(c) * chunk, std::min(n, std::size_t(c + 1) * chunk));
}

// out[i] = f(in0[i], in1[i], ...) with f written once for fbatch.
template <class F, class... In>
void map(std::size_t n, float* out, F f, const In*... in) {
  for_ranges(n, [&](std::size_t b, std::size_t e) {
    std::size_t i = b;
    for (; i + lanes <= e; i += lanes)
      f(fbatch::load_unaligned(in + i)...).store_unaligned(out + i);
    if (i < e) {
      const std::size_t r = e - i;
      alignas(64) float pad[sizeof...(In)][lanes] = {};
      alignas(64) float res[lanes];
      std::size_t k = 0;
      ((std::memcpy(pad[k++], in + i, r * sizeof(float))), ...);
      [&]<std::size_t... J>(std::index_sequence<J...>) {
        f(fbatch::load_aligned(pad[J])...).store_aligned(res);
      }(std::index_sequence_for<In...>{});
      std::memcpy(out + i, res, r * sizeof(float));
    }
  });
}

}  // namespace detail

inline void copy(cpu, const float* src, float* dst, std::size_t n) {
  if (src != dst && n) std::memcpy(dst, src, n * sizeof(float));
}
// Host <-> backend transfers; on the CPU backend memory is host memory.
inline void upload(cpu, const float* host, float* dst, std::size_t n) { copy(cpu{}, host, dst, n); }
inline void download(cpu, const float* src, float* host, std::size_t n) { copy(cpu{}, src, host, n); }
inline void fill(cpu, float* dst, std::size_t n, float value) { std::fill(dst, dst + n, value); }
inline void add_scalar(cpu, float* dst, std::size_t n, float value) {
  for (std::size_t i = 0; i < n; ++i) dst[i] += value;
}

// y[r, :] = row for every r: the bias broadcast that a GEMM with beta = 1 then adds to.
inline void broadcast_rows(cpu, const float* row, float* y, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) std::memcpy(y + r * cols, row, cols * sizeof(float));
}

inline void add(cpu, const float* a, const float* b, float* out, std::size_t n) {
  detail::map(n, out, [](auto u, auto v) { return u + v; }, a, b);
}

inline void relu_forward(cpu, const float* x, float* y, std::size_t n) {
  detail::map(n, y, [](auto v) { return xsimd::max(v, decltype(v)(0.f)); }, x);
}
// Uses the output (y > 0 iff x > 0), as PyTorch's threshold_backward does.
inline void relu_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n) {
  detail::map(n, dx, [](auto yv, auto g) { return xsimd::select(yv > decltype(yv)(0.f), g, decltype(g)(0.f)); }, y, dy);
}

inline void leaky_relu_forward(cpu, const float* x, float* y, std::size_t n, float slope) {
  detail::map(n, y, [slope](auto v) { return xsimd::select(v > decltype(v)(0.f), v, v * slope); }, x);
}
inline void leaky_relu_backward(cpu, const float* x, const float* dy, float* dx, std::size_t n, float slope) {
  detail::map(n, dx, [slope](auto v, auto g) { return xsimd::select(v > decltype(v)(0.f), g, g * slope); }, x, dy);
}

inline void sigmoid_forward(cpu, const float* x, float* y, std::size_t n) {
  detail::map(n, y, [](auto v) { using B = decltype(v); return B(1.f) / (B(1.f) + xsimd::exp(-v)); }, x);
}
inline void sigmoid_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n) {
  detail::map(n, dx, [](auto s, auto g) { using B = decltype(s); return g * s * (B(1.f) - s); }, y, dy);
}

inline void tanh_forward(cpu, const float* x, float* y, std::size_t n) {
  detail::map(n, y, [](auto v) { return xsimd::tanh(v); }, x);
}
inline void tanh_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n) {
  detail::map(n, dx, [](auto t, auto g) { using B = decltype(t); return g * (B(1.f) - t * t); }, y, dy);
}

}  // namespace lamina::kernels
