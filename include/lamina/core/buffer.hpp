#pragma once
// Owning memory of one backend. The cpu buffer is 64-byte aligned host memory; the cuda one
// (device memory from a caching pool) is defined by the CUDA backend headers.
#include <cstddef>
#include <cstring>
#include <new>
#include <utility>

#include "backend.hpp"
#include "type_list.hpp"

namespace lamina {

template <class Backend>
class buffer {
  static_assert(detail::always_false<Backend>,
                "lamina::buffer: this backend has no memory support in this translation unit. "
                "For lamina::cuda, compile the file as CUDA (nvcc, a .cu file) and link lamina::cuda "
                "(docs/cuda.md).");
};

template <>
class buffer<cpu> {
 public:
  static constexpr std::size_t alignment = 64;
  buffer() = default;
  explicit buffer(std::size_t n) { resize(n); }
  buffer(const buffer& o) : buffer(o.size_) { if (size_) std::memcpy(data_, o.data_, size_ * sizeof(float)); }
  buffer(buffer&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  buffer& operator=(buffer o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  ~buffer() { release(); }

  // Zero-filled; reallocates only when growing, so re-planning for a smaller batch is free.
  void resize(std::size_t n) {
    if (n > capacity_) {
      release();
      data_ = static_cast<float*>(::operator new[](n * sizeof(float), std::align_val_t(alignment)));
      capacity_ = n;
    }
    size_ = n;
    if (n) std::memset(data_, 0, n * sizeof(float));
  }
  float* data() { return data_; }
  const float* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  void release() {
    if (data_) ::operator delete[](data_, std::align_val_t(alignment));
    data_ = nullptr;
    capacity_ = 0;
  }
  float* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace lamina
