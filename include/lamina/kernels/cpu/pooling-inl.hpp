#pragma once
// Definitions for pooling.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "pooling.hpp"

namespace lamina::kernels::detail {

LAMINA_INLINE void max_unpool2x2_row(const float* __restrict dy, const std::int32_t* __restrict argmax,
                                     float* __restrict d0, float* __restrict d1, std::size_t out_width,
                                     std::int32_t first, std::int32_t width) {
  for (std::size_t ow = 0; ow < out_width; ++ow) {
    const std::int32_t at = argmax[ow] - first - 2 * std::int32_t(ow);  // 0, 1, width or width + 1
    const float g = dy[ow];
    d0[2 * ow] = at == 0 ? g : 0.f;
    d0[2 * ow + 1] = at == 1 ? g : 0.f;
    d1[2 * ow] = at == width ? g : 0.f;
    d1[2 * ow + 1] = at == width + 1 ? g : 0.f;
  }
}

}  // namespace lamina::kernels::detail

namespace lamina::kernels {

LAMINA_INLINE void max_pool2d_forward(cpu, const pool2d_geometry& g, const float* x, float* y, std::int32_t* argmax) {
  if (g.padding != 0 || g.kernel != 2 || g.stride > 2 || g.dilation != 1 || !g.windows_inside()) {
    parallel_for(cpu{}, per_item{g.planes * g.out_plane(), g.kernel * g.kernel},
                 device::max_pool2d_forward_op{g, x, y, argmax});
    return;
  }
  LAMINA_OMP(omp parallel for schedule(static) if (g.planes * g.out_plane() * 4 > (1u << 15)))
  for (std::ptrdiff_t p = 0; p < std::ptrdiff_t(g.planes); ++p) {
    const float* xp = x + std::size_t(p) * g.in_plane();
    float* yp = y + std::size_t(p) * g.out_plane();
    std::int32_t* ap = argmax + std::size_t(p) * g.out_plane();
    for (std::size_t oh = 0; oh < g.out_height; ++oh) {
      const std::size_t r0 = oh * g.stride * g.width;
      const auto row = g.stride == 1 ? detail::max_pool2x2_row<1> : detail::max_pool2x2_row<2>;
      row(xp + r0, xp + r0 + g.width, yp + oh * g.out_width, ap + oh * g.out_width, g.out_width,
          std::int32_t(r0), std::int32_t(g.width));
    }
  }
}

LAMINA_INLINE void max_pool2d_backward(cpu, const pool2d_geometry& g, const float* dy, const std::int32_t* argmax,
                                       float* dx) {
  LAMINA_OMP(omp parallel for schedule(static) if (g.planes * g.in_plane() > (1u << 15)))
  for (std::ptrdiff_t p = 0; p < std::ptrdiff_t(g.planes); ++p) {
    float* dxp = dx + std::size_t(p) * g.in_plane();
    const float* dyp = dy + std::size_t(p) * g.out_plane();
    const std::int32_t* ap = argmax + std::size_t(p) * g.out_plane();
    if (g.padding == 0 && g.kernel == 2 && g.stride == 2 && g.dilation == 1 && g.windows_inside()) {
      // Disjoint windows: each input pixel is written once (its window's gradient or zero),
      // with no scatter; rows and columns left over by an odd size get zero.
      for (std::size_t oh = 0; oh < g.out_height; ++oh) {
        const std::size_t r0 = 2 * oh * g.width;
        detail::max_unpool2x2_row(dyp + oh * g.out_width, ap + oh * g.out_width, dxp + r0, dxp + r0 + g.width,
                                  g.out_width, std::int32_t(r0), std::int32_t(g.width));
        if (g.width > 2 * g.out_width) dxp[r0 + g.width - 1] = dxp[r0 + 2 * g.width - 1] = 0.f;
      }
      std::fill(dxp + 2 * g.out_height * g.width, dxp + g.in_plane(), 0.f);
      continue;
    }
    std::memset(dxp, 0, g.in_plane() * sizeof(float));
    for (std::size_t o = 0; o < g.out_plane(); ++o) dxp[ap[o]] += dyp[o];
  }
}

LAMINA_INLINE void avg_pool2d_forward(cpu, const pool2d_geometry& g, const float* x, float* y) {
  parallel_for(cpu{}, per_item{g.planes * g.out_plane(), g.kernel * g.kernel}, device::avg_pool2d_forward_op{g, x, y});
}

LAMINA_INLINE void avg_pool2d_backward(cpu, const pool2d_geometry& g, const float* dy, float* dx) {
  parallel_for(cpu{}, per_item{g.planes * g.in_plane(), g.kernel * g.kernel}, device::avg_pool2d_backward_op{g, dy, dx});
}

}  // namespace lamina::kernels
