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

/// Owning, zero-initialised float memory of one backend (a tensor's storage). Only the
/// specialisations exist: buffer<cpu> here, buffer<cuda> in the CUDA backend headers.
template <class Backend>
class buffer {
  static_assert(detail::always_false<Backend>,
                "lamina::buffer: this backend has no memory support in this translation unit. "
                "For lamina::cuda, compile the file as CUDA (nvcc, a .cu file) and link lamina::cuda "
                "(docs/cuda.md).");
};

/// 64-byte aligned host memory (room for one AVX-512 vector per cache line).
template <>
class buffer<cpu> {
 public:
  static constexpr std::size_t alignment = 64;  ///< Alignment of data() in bytes.
  buffer() = default;
  /// n zero floats.
  explicit buffer(std::size_t n) { resize(n); }
  /// A deep copy.
  buffer(const buffer& o) : buffer(o.size_) { if (size_) std::memcpy(data_, o.data_, size_ * sizeof(float)); }
  /// Takes o's memory; o is left empty.
  buffer(buffer&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  /// Copy or move assignment (copy-and-swap).
  buffer& operator=(buffer o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  ~buffer() { release(); }

  /// Resizes to n floats, zero-filled; reallocates only when growing, so re-planning for a
  /// smaller batch is free.
  void resize(std::size_t n) {
    if (n > capacity_) {
      release();
      data_ = static_cast<float*>(::operator new[](n * sizeof(float), std::align_val_t(alignment)));
      capacity_ = n;
    }
    size_ = n;
    if (n) std::memset(data_, 0, n * sizeof(float));
  }
  /// The first float (null when empty).
  ///@{
  float* data() { return data_; }
  const float* data() const { return data_; }
  ///@}
  /// Number of floats.
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
