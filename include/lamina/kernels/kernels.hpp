#pragma once
// Every kernel the layers may call, for each backend compiled in. A layer calls
// kernels::name(backend_tag, ...); overload resolution on the tag picks the implementation.
// The CUDA backend (kernels/cuda/) is included only when this file is compiled as CUDA, so
// host-only code never needs nvcc or the CUDA headers.

/// @namespace lamina::kernels
/// The computations behind the layers, one overload per backend tag (cpu, cuda): what a
/// layer's forward and backward call.
/// @namespace lamina::kernels::device
/// An op's arithmetic written once: functors of one index that kernels::parallel_for runs on
/// every backend.
/// @namespace lamina::kernels::fn
/// The scalar functions those functors call, the same on the host and on a GPU.
#include "cpu/batch_norm.hpp"
#include "cpu/conv2d.hpp"
#include "cpu/conv2d_im2col_gemm.hpp"
#include "cpu/conv2d_implicit_gemm.hpp"
#include "cpu/conv_transpose2d.hpp"
#include "cpu/dropout.hpp"
#include "cpu/elementwise.hpp"
#include "cpu/fourier_features.hpp"
#include "cpu/gemm.hpp"
#include "cpu/im2col.hpp"
#include "cpu/pooling.hpp"
#include "cpu/reduce.hpp"
#include "cpu/softmax.hpp"
#include "cpu/parallel_for.hpp"
#include "common/copy_blocks.hpp"
#include "common/dispatch.hpp"
#include "common/resample.hpp"
#include "common/sample_norm.hpp"
#if defined(__CUDACC__)
#include "cuda/cuda.cuh"
#endif
