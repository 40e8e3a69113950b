#pragma once
// Row-wise softmax bodies, one row per index (the CPU kernel's order within a row).
#include <cmath>
#include <cstddef>

#include "../../../core/config.hpp"

namespace lamina::kernels::device {

struct softmax_forward_op {
  const float* x; float* y; std::size_t cols;
  LAMINA_HOST_DEVICE void operator()(std::size_t r) const {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float m = xr[0];
    for (std::size_t c = 1; c < cols; ++c) m = xr[c] > m ? xr[c] : m;
    float s = 0.f;
    for (std::size_t c = 0; c < cols; ++c) s += (yr[c] = ::expf(xr[c] - m));
    const float inv = 1.f / s;
    for (std::size_t c = 0; c < cols; ++c) yr[c] *= inv;
  }
};

struct softmax_backward_op {
  const float* y; const float* dy; float* dx; std::size_t cols;
  LAMINA_HOST_DEVICE void operator()(std::size_t r) const {
    const std::size_t o = r * cols;
    float dot = 0.f;
    for (std::size_t c = 0; c < cols; ++c) dot += dy[o + c] * y[o + c];
    for (std::size_t c = 0; c < cols; ++c) dx[o + c] = y[o + c] * (dy[o + c] - dot);
  }
};

}  // namespace lamina::kernels::device
