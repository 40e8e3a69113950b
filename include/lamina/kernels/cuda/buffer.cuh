#pragma once
// buffer<cuda>: owning device memory from the caching pool, with buffer<cpu>'s interface
// (zero-filled resize that reallocates only when growing, copy, move).
#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "../../core/buffer.hpp"
#include "context.cuh"
#include "memory_pool.cuh"

namespace lamina {

template <>
class buffer<cuda> {
 public:
  buffer() = default;
  explicit buffer(std::size_t n) { resize(n); }
  buffer(const buffer& o) : buffer() {
    reserve(o.size_);
    size_ = o.size_;
    if (size_)
      LAMINA_CUDA_CHECK(cudaMemcpyAsync(data_, o.data_, size_ * sizeof(float), cudaMemcpyDeviceToDevice,
                                        cuda_context::get().stream()));
  }
  buffer(buffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)) {}
  buffer& operator=(buffer o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
    return *this;
  }
  ~buffer() { release(); }

  // Zero-filled (on lamina's stream); reallocates only when growing.
  void resize(std::size_t n) {
    reserve(n);
    size_ = n;
    if (n) LAMINA_CUDA_CHECK(cudaMemsetAsync(data_, 0, n * sizeof(float), cuda_context::get().stream()));
  }
  float* data() { return data_; }
  const float* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    release();
    data_ = static_cast<float*>(cuda_memory_pool::get().allocate(n * sizeof(float)));
    capacity_ = n;
  }
  void release() noexcept {
    if (data_) cuda_memory_pool::get().deallocate(data_, capacity_ * sizeof(float));
    data_ = nullptr;
    capacity_ = 0;
  }
  float* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace lamina
