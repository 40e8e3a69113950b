#pragma once
// The CUDA backend's per-process state: lamina's own stream (every kernel, copy and cuBLAS
// call of the backend runs on it, so work is ordered without device-wide syncs) and the
// cuBLAS handle bound to it. Created on first use on the current device.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "../../core/backend.hpp"
#include "error.cuh"

namespace lamina {

class cuda_context {
 public:
  static cuda_context& get() {
    static cuda_context c;
    return c;
  }
  cudaStream_t stream() const { return stream_; }
  cublasHandle_t cublas() const { return cublas_; }
  int device() const { return device_; }
  void synchronize() const { LAMINA_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

  cuda_context(const cuda_context&) = delete;
  cuda_context& operator=(const cuda_context&) = delete;

 private:
  cuda_context() {
    LAMINA_CUDA_CHECK(cudaGetDevice(&device_));
    LAMINA_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    LAMINA_CUBLAS_CHECK(cublasCreate(&cublas_));
    LAMINA_CUBLAS_CHECK(cublasSetStream(cublas_, stream_));
    // Plain FP32 (no TF32): results match the CPU backend to float rounding.
    LAMINA_CUBLAS_CHECK(cublasSetMathMode(cublas_, CUBLAS_DEFAULT_MATH));
  }
  ~cuda_context() {  // at exit: the runtime may already be shutting down, so errors are ignored
    if (cublas_) cublasDestroy(cublas_);
    if (stream_) cudaStreamDestroy(stream_);
  }
  int device_ = 0;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
};

// True when a CUDA device can be used (the driver loads and reports at least one device).
inline bool cuda_device_available() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    (void)cudaGetLastError();  // clear the sticky-free error so later calls start clean
    return false;
  }
  return n > 0;
}

namespace kernels {
// Waits for every kernel and copy queued by the backend (for timing; results never need it:
// download() waits for what it reads).
inline void synchronize(cuda) { cuda_context::get().synchronize(); }
}  // namespace kernels

}  // namespace lamina
