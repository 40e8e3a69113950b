#pragma once
// Softmax and log-softmax on the CUDA backend (one thread per row: rows are class scores or
// channel columns).
#include <cstddef>

#include "../../core/backend.hpp"
#include "launch.cuh"
#include "../common/softmax.hpp"

namespace lamina::kernels {

inline void softmax_forward(cuda, const softmax_geometry& g, bool log, const float* x, float* y) {
  if (log) parallel_for(cuda{}, g.rows(), device::softmax_forward_op<true>{g, x, y});
  else parallel_for(cuda{}, g.rows(), device::softmax_forward_op<false>{g, x, y});
}
inline void softmax_backward(cuda, const softmax_geometry& g, bool log, const float* y, const float* dy, float* dx) {
  if (log) parallel_for(cuda{}, g.rows(), device::softmax_backward_op<true>{g, y, dy, dx});
  else parallel_for(cuda{}, g.rows(), device::softmax_backward_op<false>{g, y, dy, dx});
}

}  // namespace lamina::kernels
