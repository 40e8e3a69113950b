#pragma once
// The CUDA backend: every kernel with the lm::cuda tag, device memory (buffer<cuda>), lamina's
// stream and the error checks. Included by kernels/kernels.hpp when the translation unit is
// compiled as CUDA; host-only code never sees it.
#if !defined(__CUDACC__)
#error "lamina/kernels/cuda/cuda.cuh is CUDA: compile this file with nvcc (as a .cu file)"
#endif
#include "error.cuh"
#include "context.cuh"
#include "memory_pool.cuh"
#include "buffer.cuh"
#include "launch.cuh"
#include "transfer.cuh"
#include "gemm.cuh"
#include "elementwise.cuh"
#include "reduce.cuh"
#include "softmax.cuh"
#include "pooling.cuh"
#include "batch_norm.cuh"
#include "dropout.cuh"
#include "fourier_features.cuh"
#include "conv2d_im2col_gemm.cuh"
#include "conv2d_plan.hpp"
#include "conv2d.cuh"
