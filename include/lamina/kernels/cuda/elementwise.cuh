#pragma once
// Element-wise kernels of the CUDA backend: kernels::map runs a body of
// kernels/common/elementwise.hpp one float per thread; sums, products and the bias broadcast.
#include <cstddef>

#include "../../core/backend.hpp"
#include "../common/elementwise.hpp"
#include "launch.cuh"

namespace lamina::kernels {

namespace detail {
template <class F>
struct map1_op {
  F f; const float* a; float* out;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { out[i] = f(a[i]); }
};
template <class F>
struct map2_op {
  F f; const float* a; const float* b; float* out;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { out[i] = f(a[i], b[i]); }
};
}  // namespace detail

// out[i] = f(a[i]) and out[i] = f(a[i], b[i]).
template <class F>
void map(cuda, std::size_t n, float* out, const F& f, const float* a) {
  parallel_for(cuda{}, n, detail::map1_op<F>{f, a, out});
}
template <class F>
void map(cuda, std::size_t n, float* out, const F& f, const float* a, const float* b) {
  parallel_for(cuda{}, n, detail::map2_op<F>{f, a, b, out});
}

inline void broadcast_rows(cuda, const float* row, float* y, std::size_t rows, std::size_t cols) {
  parallel_for(cuda{}, rows * cols, device::broadcast_rows_op{row, y, cols});
}
inline void add(cuda, const float* a, const float* b, float* out, std::size_t n) {
  map(cuda{}, n, out, fn::add{}, a, b);
}
inline void multiply(cuda, const float* a, const float* b, float* out, std::size_t n) {
  map(cuda{}, n, out, fn::multiply{}, a, b);
}

}  // namespace lamina::kernels
