#pragma once
// Strided block copies, for every backend: `blocks` runs of `length` floats, block o read at
// src + o * src_stride and written at dst + o * dst_stride. Concatenating along a dimension is
// one such copy per input (into its slice of each output block), and splitting a gradient is the
// reverse.
#include <cstddef>

#include "../../core/config.hpp"
#include "parallel_for.hpp"

namespace lamina::kernels {

namespace device {
/// One element per index of a strided block copy (see kernels::copy_blocks).
struct copy_blocks_op {
  /// Source and destination, the run length and the two strides between runs.
  ///@{
  const float* src; float* dst; std::size_t length, src_stride, dst_stride;
  ///@}
  /// Copies element i = o * length + j.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t o = i / length, j = i % length;
    dst[o * dst_stride + j] = src[o * src_stride + j];
  }
};
}  // namespace device

/// Copies `blocks` runs of `length` floats on backend `b`: run o from src + o * src_stride to
/// dst + o * dst_stride.
template <class Backend>
void copy_blocks(Backend b, const float* src, float* dst, std::size_t blocks, std::size_t length, std::size_t src_stride,
                 std::size_t dst_stride) {
  parallel_for(b, blocks * length, device::copy_blocks_op{src, dst, length, src_stride, dst_stride});
}

}  // namespace lamina::kernels
