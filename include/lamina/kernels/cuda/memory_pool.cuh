#pragma once
// Device memory for the CUDA backend: plain cudaMalloc behind a caching pool. Sizes are rounded
// up to size classes (256 B, then four classes per power of two: at most 25 % slack); a freed
// block goes to its class's free list and the next request of that class reuses it without a
// cudaMalloc (which synchronises the device). Blocks are only ever used on lamina's one stream,
// so handing a block freed by the host to the next request is safe in stream order (the
// argument of PyTorch's caching allocator). No managed memory.
#include <cuda_runtime.h>

#include <cstddef>
#include <map>
#include <mutex>
#include <vector>

#include "error.cuh"

namespace lamina {

class cuda_memory_pool {
 public:
  struct statistics {
    std::size_t cuda_mallocs = 0;  // blocks obtained from cudaMalloc
    std::size_t reused = 0;        // requests served from a free list
    std::size_t bytes_in_use = 0;  // handed out, by size class
    std::size_t bytes_cached = 0;  // in free lists
  };

  static cuda_memory_pool& get() {
    static cuda_memory_pool pool;
    return pool;
  }

  // The size class of a request: 256 B at least, then 1, 1.25, 1.5, 1.75 x 2^k.
  static std::size_t size_class(std::size_t bytes) {
    if (bytes <= 256) return 256;
    std::size_t p = 256;
    while (p * 2 < bytes) p *= 2;  // p < bytes <= 2p
    const std::size_t step = p / 4;
    return (bytes + step - 1) / step * step;
  }

  void* allocate(std::size_t bytes) {
    if (bytes == 0) return nullptr;
    const std::size_t cls = size_class(bytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.find(cls);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        stats_.reused++;
        stats_.bytes_cached -= cls;
        stats_.bytes_in_use += cls;
        return p;
      }
    }
    void* p = nullptr;
    cudaError_t e = cudaMalloc(&p, cls);
    if (e == cudaErrorMemoryAllocation) {  // give the cache back and try once more
      (void)cudaGetLastError();
      release_cached();
      e = cudaMalloc(&p, cls);
    }
    if (e != cudaSuccess) detail::throw_cuda_error("cudaMalloc(&p, size class of the request)", e, __FILE__, __LINE__);
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.cuda_mallocs++;
    stats_.bytes_in_use += cls;
    return p;
  }

  void deallocate(void* p, std::size_t bytes) noexcept {
    if (!p) return;
    const std::size_t cls = size_class(bytes);
    std::lock_guard<std::mutex> lock(mutex_);
    free_[cls].push_back(p);
    stats_.bytes_in_use -= cls;
    stats_.bytes_cached += cls;
  }

  // cudaFree every cached block (after the work queued on lamina's stream has finished).
  void release_cached() {
    std::lock_guard<std::mutex> lock(mutex_);
    cudaDeviceSynchronize();
    for (auto& [cls, blocks] : free_) {
      for (void* b : blocks) cudaFree(b);
      stats_.bytes_cached -= cls * blocks.size();
      blocks.clear();
    }
  }

  statistics stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

  cuda_memory_pool(const cuda_memory_pool&) = delete;
  cuda_memory_pool& operator=(const cuda_memory_pool&) = delete;

 private:
  cuda_memory_pool() = default;
  ~cuda_memory_pool() {  // at exit; errors (runtime already unloading) are ignored
    for (auto& [cls, blocks] : free_)
      for (void* b : blocks) cudaFree(b);
  }
  mutable std::mutex mutex_;
  std::map<std::size_t, std::vector<void*>> free_;
  statistics stats_;
};

namespace kernels::detail {
// Pooled device scratch of `count` T, returned to the pool when it goes out of scope.
template <class T>
class device_scratch {
 public:
  explicit device_scratch(std::size_t count)
      : bytes_(count * sizeof(T)), p_(static_cast<T*>(cuda_memory_pool::get().allocate(bytes_))) {}
  ~device_scratch() { cuda_memory_pool::get().deallocate(p_, bytes_); }
  device_scratch(const device_scratch&) = delete;
  device_scratch& operator=(const device_scratch&) = delete;
  T* get() const { return p_; }

 private:
  std::size_t bytes_;
  T* p_;
};
}  // namespace kernels::detail

}  // namespace lamina
