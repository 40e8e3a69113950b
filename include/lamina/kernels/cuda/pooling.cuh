#pragma once
// Max and average pooling on the CUDA backend: forward one output per thread, backward one
// input per thread gathering its windows (deterministic, no atomics).
#include <cstddef>
#include <cstdint>

#include "../../core/backend.hpp"
#include "launch.cuh"
#include "../common/pooling.hpp"

namespace lamina::kernels {

inline void max_pool2d_forward(cuda, const pool2d_geometry& g, const float* x, float* y, std::int32_t* argmax) {
  parallel_for(cuda{}, g.planes * g.out_plane(), device::max_pool2d_forward_op{g, x, y, argmax});
}
inline void max_pool2d_backward(cuda, const pool2d_geometry& g, const float* dy, const std::int32_t* argmax,
                                float* dx) {
  parallel_for(cuda{}, g.planes * g.in_plane(), device::max_pool2d_backward_op{g, dy, argmax, dx});
}
inline void avg_pool2d_forward(cuda, const pool2d_geometry& g, const float* x, float* y) {
  parallel_for(cuda{}, g.planes * g.out_plane(), device::avg_pool2d_forward_op{g, x, y});
}
inline void avg_pool2d_backward(cuda, const pool2d_geometry& g, const float* dy, float* dx) {
  parallel_for(cuda{}, g.planes * g.in_plane(), device::avg_pool2d_backward_op{g, dy, dx});
}

}  // namespace lamina::kernels
