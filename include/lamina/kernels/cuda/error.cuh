#pragma once
// CUDA and cuBLAS errors as exceptions that name the failing call and the error:
//   LAMINA_CUDA_CHECK(cudaMalloc(&p, n));
//   -> lamina::cuda_error: "lamina: cudaMalloc(&p, n) failed: cudaErrorMemoryAllocation (out of
//      memory) at include/lamina/kernels/cuda/memory_pool.cuh:57"
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace lamina {

class cuda_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
[[noreturn]] inline void throw_cuda_error(const char* call, cudaError_t e, const char* file, int line) {
  (void)cudaGetLastError();  // reported here: clear it, so the next check does not see it again
  throw cuda_error(std::string("lamina: ") + call + " failed: " + cudaGetErrorName(e) + " (" +
                   cudaGetErrorString(e) + ") at " + file + ":" + std::to_string(line));
}
[[noreturn]] inline void throw_cublas_error(const char* call, cublasStatus_t s, const char* file, int line) {
  throw cuda_error(std::string("lamina: ") + call + " failed: " + cublasGetStatusName(s) + " (" +
                   cublasGetStatusString(s) + ") at " + file + ":" + std::to_string(line));
}
}  // namespace detail
}  // namespace lamina

#define LAMINA_CUDA_CHECK(call)                                                       \
  do {                                                                                \
    const cudaError_t lamina_cuda_status_ = (call);                                   \
    if (lamina_cuda_status_ != cudaSuccess)                                           \
      ::lamina::detail::throw_cuda_error(#call, lamina_cuda_status_, __FILE__, __LINE__); \
  } while (0)

#define LAMINA_CUBLAS_CHECK(call)                                                       \
  do {                                                                                  \
    const cublasStatus_t lamina_cublas_status_ = (call);                                \
    if (lamina_cublas_status_ != CUBLAS_STATUS_SUCCESS)                                 \
      ::lamina::detail::throw_cublas_error(#call, lamina_cublas_status_, __FILE__, __LINE__); \
  } while (0)
