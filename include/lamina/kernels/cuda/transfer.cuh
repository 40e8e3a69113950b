#pragma once
// Copies on the CUDA backend: device to device, host to device (upload), device to host
// (download, which waits for the data), fill, and host arrays made readable on the device. All
// on lamina's stream.
#include <cuda_runtime.h>

#include <cstddef>
#include <vector>

#include "../../core/backend.hpp"
#include "context.cuh"
#include "../common/elementwise.hpp"
#include "launch.cuh"
#include "memory_pool.cuh"

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
  parallel_for(cuda{}, n, device::fill_op{dst, value});
}
// n floats of device memory, copied into `scratch` for the host (waits for them).
inline const float* on_host(cuda, const float* p, std::size_t n, std::vector<float>& scratch) {
  if (scratch.size() < n) scratch.resize(n);
  download(cuda{}, p, scratch.data(), n);
  return scratch.data();
}

namespace detail {
// True when p points to memory the GPU can read directly (device or managed memory).
inline bool is_device_pointer(const void* p) {
  cudaPointerAttributes a{};
  if (cudaPointerGetAttributes(&a, p) != cudaSuccess) {
    (void)cudaGetLastError();
    return false;
  }
  return a.type == cudaMemoryTypeDevice || a.type == cudaMemoryTypeManaged;
}
}  // namespace detail

// `count` T at p as device memory: p itself, or a pooled copy of host memory (kernels::readable).
template <class T>
class device_readable {
 public:
  device_readable(const T* p, std::size_t count) {
    if (!count || detail::is_device_pointer(p)) {
      ptr_ = p;
      return;
    }
    copy_ = static_cast<T*>(cuda_memory_pool::get().allocate(count * sizeof(T)));
    bytes_ = count * sizeof(T);
    LAMINA_CUDA_CHECK(cudaMemcpyAsync(copy_, p, bytes_, cudaMemcpyHostToDevice, cuda_context::get().stream()));
    ptr_ = copy_;
  }
  ~device_readable() { cuda_memory_pool::get().deallocate(copy_, bytes_); }
  device_readable(const device_readable&) = delete;
  device_readable& operator=(const device_readable&) = delete;
  const T* get() const { return ptr_; }

 private:
  const T* ptr_ = nullptr;
  T* copy_ = nullptr;
  std::size_t bytes_ = 0;
};
template <class T>
device_readable<T> readable(cuda, const T* p, std::size_t count) {
  return device_readable<T>(p, count);
}
// In place on the device, so a counter (BatchNorm's num_batches_tracked) needs no round trip.
inline void add_scalar(cuda, float* dst, std::size_t n, float value) {
  parallel_for(cuda{}, n, device::add_scalar_op{dst, value});
}

}  // namespace lamina::kernels
