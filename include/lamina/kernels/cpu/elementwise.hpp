#pragma once
// Element-wise CPU kernels: one SIMD loop (xsimd, the compile-time best arch) whose tail runs
// the same vector code on a padded copy, so each operation is written once. Large arrays are
// split over OpenMP threads in fixed chunks; element-wise results never depend on threads.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <utility>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/elementwise.hpp"
#include "parallel_for.hpp"

namespace lamina::kernels {

namespace detail {

using fbatch = xsimd::batch<float>;
inline constexpr std::size_t lanes = fbatch::size;
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

/// Copies n floats from src to dst (nothing when they are the same array).
inline void copy(cpu, const float* src, float* dst, std::size_t n) {
  if (src != dst && n) std::memcpy(dst, src, n * sizeof(float));
}
/// Copies n floats from the host to backend memory (a plain copy on the CPU).
/// Host <-> backend transfers; on the CPU backend memory is host memory.
inline void upload(cpu, const float* host, float* dst, std::size_t n) { copy(cpu{}, host, dst, n); }
/// Copies n floats of backend memory to the host (a plain copy on the CPU).
inline void download(cpu, const float* src, float* host, std::size_t n) { copy(cpu{}, src, host, n); }
/// Host memory (`count` T at p, e.g. a loss's targets) as the backend reads it: p itself here;
/// a device backend gives a device copy when p is host memory.
template <class T>
struct backend_readable {
  const T* p;  ///< The host memory.
  const T* get() const { return p; }  ///< The memory as the backend reads it: p itself.
};
/// Host memory as the CPU backend reads it: p itself, no copy.
template <class T>
backend_readable<T> readable(cpu, const T* p, std::size_t) {
  return {p};
}
/// n floats of backend memory at p, readable on the host: p itself here; a device backend copies
/// them into `scratch` (grown as needed) and returns that.
inline const float* on_host(cpu, const float* p, std::size_t, std::vector<float>&) { return p; }
/// Whether the backend's memory is host memory (a loss with only a host form can run on it).
template <class Backend>
inline constexpr bool host_memory = false;
/// The CPU's memory is host memory.
template <>
inline constexpr bool host_memory<cpu> = true;
/// Sets n floats at dst to value.
inline void fill(cpu, float* dst, std::size_t n, float value) { std::fill(dst, dst + n, value); }
/// Adds value to n floats at dst.
LAMINA_INLINE void add_scalar(cpu, float* dst, std::size_t n, float value);

/// y[r, :] = row for every r: the bias broadcast that a GEMM with beta = 1 then adds to.
LAMINA_INLINE void broadcast_rows(cpu, const float* row, float* y, std::size_t rows, std::size_t cols);

/// out[i] = f(in0[i], in1[i], ...) for an element-wise body f of kernels/common/elementwise.hpp,
/// run on SIMD batches.
template <class F, class... In>
void map(cpu, std::size_t n, float* out, const F& f, const In*... in) {
  detail::map(n, out, f, in...);
}
/// out[i] = a[i] + b[i] for i < n.
LAMINA_INLINE void add(cpu, const float* a, const float* b, float* out, std::size_t n);
/// dx = dy where y > 0, else 0 (the convolutions' fused ReLU backward).
LAMINA_INLINE void relu_backward(cpu, const float* y, const float* dy, float* dx, std::size_t n);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "elementwise-inl.hpp"
#endif
