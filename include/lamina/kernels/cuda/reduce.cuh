#pragma once
// Reductions on the CUDA backend, deterministic (fixed two-pass split, no atomics): column sums
// (bias gradients), the sum of an array and kernels::sum_terms.
#include <cmath>
#include <cstddef>

#include "../../core/backend.hpp"
#include "launch.cuh"
#include "../common/segmented_sum.hpp"
#include "transfer.cuh"

namespace lamina::kernels {

// out[c] = sum_r x[r, c].
inline void column_sum(cuda, const float* x, std::size_t rows, std::size_t cols, float* out) {
  detail::segmented_sum<float>(cuda{}, cols, rows, device::column_term{x, cols}, device::store_sum<float>{out},
                               device::sum_parts(rows, 256, 64));
}

// Sum of n values in double (waits for the result).
inline double sum(cuda, const float* x, std::size_t n) {
  detail::device_scratch<double> total(1);
  detail::segmented_sum<double>(cuda{}, 1, n, device::float_as_double_term{x}, device::store_total{total.get()});
  double h = 0;
  const cudaStream_t s = cuda_context::get().stream();
  LAMINA_CUDA_CHECK(cudaMemcpyAsync(&h, total.get(), sizeof h, cudaMemcpyDeviceToHost, s));
  LAMINA_CUDA_CHECK(cudaStreamSynchronize(s));
  return h;
}

namespace detail {
template <class Term>
struct store_term {
  Term term; double* out;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { out[i] = term(i); }
};
}  // namespace detail

// term(0) + ... + term(n - 1) in double (see the CPU's): every term on its own GPU thread, then
// the fixed two-pass sum. Waits for the result.
template <class Term>
double sum_terms(cuda, std::size_t n, const Term& term) {
  if (n == 0) return 0.0;
  detail::device_scratch<double> terms(n), total(1);
  parallel_for(cuda{}, n, detail::store_term<Term>{term, terms.get()});
  detail::segmented_sum<double>(cuda{}, 1, n, device::double_term{terms.get()}, device::store_total{total.get()});
  double h = 0;
  const cudaStream_t s = cuda_context::get().stream();
  LAMINA_CUDA_CHECK(cudaMemcpyAsync(&h, total.get(), sizeof h, cudaMemcpyDeviceToHost, s));
  LAMINA_CUDA_CHECK(cudaStreamSynchronize(s));
  return h;
}

// True when no value is NaN or infinite: a sum of floats in double cannot overflow, so it is
// finite exactly when every term is.
inline bool all_finite(cuda, const float* x, std::size_t n) { return std::isfinite(sum(cuda{}, x, n)); }

}  // namespace lamina::kernels
