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
LAMINA_INLINE void add_scalar(cpu, float* dst, std::size_t n, float value);

// y[r, :] = row for every r: the bias broadcast that a GEMM with beta = 1 then adds to.
LAMINA_INLINE void broadcast_rows(cpu, const float* row, float* y, std::size_t rows, std::size_t cols);

LAMINA_INLINE void add(cpu, const float* a, const float* b, float* out, std::size_t n);

LAMINA_INLINE void relu_forward(cpu, const float* x, float* y, std::size_t n);
// Uses the output (y > 0 iff x > 0), as PyTorch's threshold_backward does.
LAMINA_INLINE void relu_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n);

LAMINA_INLINE void leaky_relu_forward(cpu, const float* x, float* y, std::size_t n, float slope);
LAMINA_INLINE void leaky_relu_backward(cpu, const float* x, const float* dy, float* dx, std::size_t n, float slope);

LAMINA_INLINE void sigmoid_forward(cpu, const float* x, float* y, std::size_t n);
LAMINA_INLINE void sigmoid_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n);

LAMINA_INLINE void tanh_forward(cpu, const float* x, float* y, std::size_t n);
LAMINA_INLINE void tanh_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "elementwise-inl.hpp"
#endif
