#pragma once
// Losses on the CUDA backend (the explicit specialisations of kernels/backend_seam.hpp): the
// per-sample / per-element terms and gradients on the GPU (logic/loss.hpp), their total as a
// deterministic sum in double. Targets may be host or device memory; host targets are copied
// over first. Returns the loss, so a call waits for the GPU (as PyTorch's loss.item()).
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "../../core/backend.hpp"
#include "../backend_seam.hpp"
#include "context.cuh"
#include "launch.cuh"
#include "logic/loss.hpp"
#include "logic/reduce.hpp"

namespace lamina::kernels {

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

// `count` T at p as device memory: p itself, or a pooled copy of host memory.
template <class T>
class device_view {
 public:
  device_view(const T* p, std::size_t count) {
    if (!count || is_device_pointer(p)) {
      ptr_ = p;
      return;
    }
    copy_ = static_cast<T*>(cuda_memory_pool::get().allocate(count * sizeof(T)));
    bytes_ = count * sizeof(T);
    LAMINA_CUDA_CHECK(cudaMemcpyAsync(copy_, p, bytes_, cudaMemcpyHostToDevice, cuda_context::get().stream()));
    ptr_ = copy_;
  }
  ~device_view() { cuda_memory_pool::get().deallocate(copy_, bytes_); }
  device_view(const device_view&) = delete;
  device_view& operator=(const device_view&) = delete;
  const T* get() const { return ptr_; }

 private:
  const T* ptr_ = nullptr;
  T* copy_ = nullptr;
  std::size_t bytes_ = 0;
};

// scale * sum of the n doubles at terms (waits for the result).
inline float finish_loss(const double* terms, std::size_t n, double scale) {
  device_scratch<double> total(1);
  segmented_sum<double>(cuda{}, 1, n, device::double_term{terms}, device::store_total{total.get()});
  double h = 0;
  const cudaStream_t s = cuda_context::get().stream();
  LAMINA_CUDA_CHECK(cudaMemcpyAsync(&h, total.get(), sizeof h, cudaMemcpyDeviceToHost, s));
  LAMINA_CUDA_CHECK(cudaStreamSynchronize(s));
  return float(h * scale);
}
}  // namespace detail

template <>
inline float cross_entropy<cuda>(cuda, const cross_entropy_args& a) {
  if (a.n == 0) return 0.f;
  const detail::device_view<std::int32_t> targets(a.targets, a.n);
  detail::device_scratch<double> rows(a.n);
  detail::parallel_for(cuda{}, a.n,
                       device::cross_entropy_row_op{a.logits, targets.get(), a.classes, a.label_smoothing,
                                                    a.scale, rows.get(), a.grad});
  return detail::finish_loss(rows.get(), a.n, a.scale);
}

template <>
inline float pointwise_loss<cuda>(cuda, const pointwise_loss_args& a) {
  if (a.n == 0) return 0.f;
  const detail::device_view<float> target(a.target, a.n);
  detail::device_scratch<double> terms(a.n);
  const device::pointwise_loss_fn fn{device::pointwise_kind(a.kind), a.delta};
  detail::parallel_for(cuda{}, a.n, device::pointwise_loss_op{fn, a.pred, target.get(), a.scale, terms.get(), a.grad});
  return detail::finish_loss(terms.get(), a.n, a.scale);
}

}  // namespace lamina::kernels
