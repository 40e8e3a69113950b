#pragma once
// Definitions for softmax.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>

#include "softmax.hpp"

namespace lamina::kernels {

LAMINA_INLINE void softmax_forward(cpu, const softmax_geometry& g, bool log, const float* x, float* y) {
  const per_item rows{g.rows(), 4 * g.cols};
  if (log) parallel_for(cpu{}, rows, device::softmax_forward_op<true>{g, x, y});
  else parallel_for(cpu{}, rows, device::softmax_forward_op<false>{g, x, y});
}

LAMINA_INLINE void softmax_backward(cpu, const softmax_geometry& g, bool log, const float* y, const float* dy,
                                    float* dx) {
  const per_item rows{g.rows(), 4 * g.cols};
  if (log) parallel_for(cpu{}, rows, device::softmax_backward_op<true>{g, y, dy, dx});
  else parallel_for(cpu{}, rows, device::softmax_backward_op<false>{g, y, dy, dx});
}

}  // namespace lamina::kernels
