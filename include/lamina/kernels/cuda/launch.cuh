#pragma once
// kernels::parallel_for on the CUDA backend (see kernels/common/parallel_for.hpp): one generic
// kernel, f(i) for i in [0, n) with a grid-stride loop, on lamina's stream. Every op body of the
// library is a LAMINA_HOST_DEVICE functor that this launches on the GPU and
// kernels/cpu/parallel_for.hpp runs on the CPU.
#include <cuda_runtime.h>

#include <cstddef>

#include "../../core/backend.hpp"
#include "../common/parallel_for.hpp"
#include "context.cuh"
#include "../common/index_math.hpp"
#include "../common/segmented_sum.hpp"
#include "memory_pool.cuh"

namespace lamina::kernels {

namespace detail {
template <class F>
__global__ void parallel_for_kernel(std::size_t n, F f) {
  const std::size_t stride = std::size_t(gridDim.x) * blockDim.x;
  for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) f(i);
}
}  // namespace detail

template <class F>
void parallel_for(cuda, std::size_t n, const F& f) {
  if (n == 0) return;
  constexpr unsigned threads = 256;
  const std::size_t want = (n + threads - 1) / threads;
  const unsigned blocks = unsigned(want < (1u << 20) ? want : (1u << 20));
  detail::parallel_for_kernel<<<blocks, threads, 0, cuda_context::get().stream()>>>(n, f);
  LAMINA_CUDA_CHECK(cudaGetLastError());
}
// Work items are threads too: the GPU has enough of them for every item count lamina launches.
template <class F>
void parallel_for(cuda, per_item items, const F& f) {
  parallel_for(cuda{}, items.n, f);
}

namespace detail {

// The two passes of device::partial_sum_op / finish_sum_op on the GPU (scratch from the pool).
template <class T, class Term, class Finish>
void segmented_sum(cuda, std::size_t segments, std::size_t length, Term term, Finish finish,
                   std::size_t parts = 0) {
  if (segments == 0) return;
  if (parts == 0) parts = device::sum_parts(length);
  device_scratch<T> partial(segments * parts);
  parallel_for(cuda{}, segments * parts, device::partial_sum_op<T, Term>{term, length, parts, partial.get()});
  parallel_for(cuda{}, segments, device::finish_sum_op<T, Finish>{partial.get(), parts, finish});
}

}  // namespace detail
}  // namespace lamina::kernels
