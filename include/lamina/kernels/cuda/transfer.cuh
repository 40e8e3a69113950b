#pragma once
// Copies on the CUDA backend: device to device, host to device (upload), device to host
// (download, which waits for the data), and fill. All on lamina's stream.
#include <cuda_runtime.h>

#include <cstddef>

#include "../../core/backend.hpp"
#include "context.cuh"
#include "launch.cuh"
#include "logic/elementwise.hpp"

namespace lamina::kernels {

inline void copy(cuda, const float* src, float* dst, std::size_t n) {
  if (src != dst && n)
    LAMINA_CUDA_CHECK(cudaMemcpyAsync(dst, src, n * sizeof(float), cudaMemcpyDeviceToDevice,
                                      cuda_context::get().stream()));
}
// The host buffer may be reused as soon as this returns (pageable copies are staged).
inline void upload(cuda, const float* host, float* dst, std::size_t n) {
  if (n)
    LAMINA_CUDA_CHECK(cudaMemcpyAsync(dst, host, n * sizeof(float), cudaMemcpyHostToDevice,
                                      cuda_context::get().stream()));
}
// Waits until the values have arrived.
inline void download(cuda, const float* src, float* host, std::size_t n) {
  if (!n) return;
  const cudaStream_t s = cuda_context::get().stream();
  LAMINA_CUDA_CHECK(cudaMemcpyAsync(host, src, n * sizeof(float), cudaMemcpyDeviceToHost, s));
  LAMINA_CUDA_CHECK(cudaStreamSynchronize(s));
}
inline void fill(cuda, float* dst, std::size_t n, float value) {
  detail::parallel_for(cuda{}, n, device::fill_op{dst, value});
}
// In place on the device, so a counter (BatchNorm's num_batches_tracked) needs no round trip.
inline void add_scalar(cuda, float* dst, std::size_t n, float value) {
  detail::parallel_for(cuda{}, n, device::add_scalar_op{dst, value});
}

}  // namespace lamina::kernels
