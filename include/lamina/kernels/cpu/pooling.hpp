#pragma once
// 2-D max and average pooling over [planes, H, W] (planes = batch * channels). Planes are
// independent, so they run in parallel; inside a plane, overlapping windows scatter their
// gradients in a fixed order, so results never depend on the thread count.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"

namespace lamina::kernels {

struct pool2d_geometry {
  std::size_t planes, height, width, kernel, stride, padding, out_height, out_width;
  std::size_t in_plane() const { return height * width; }
  std::size_t out_plane() const { return out_height * out_width; }
};

// y = max over each window (padding acts as -inf); argmax[i] is the flat index in the input
// plane of the first maximum, as PyTorch picks it.
inline void max_pool2d_forward(cpu, const pool2d_geometry& g, const float* x, float* y, std::int32_t* argmax) {
  LAMINA_OMP(omp parallel for schedule(static) if (g.planes * g.out_plane() * g.kernel * g.kernel > (1u << 15)))
  for (std::ptrdiff_t p = 0; p < std::ptrdiff_t(g.planes); ++p) {
    const float* xp = x + std::size_t(p) * g.in_plane();
    float* yp = y + std::size_t(p) * g.out_plane();
    std::int32_t* ap = argmax + std::size_t(p) * g.out_plane();
    for (std::size_t oh = 0; oh < g.out_height; ++oh)
      for (std::size_t ow = 0; ow < g.out_width; ++ow) {
        float best = -std::numeric_limits<float>::infinity();
        std::int32_t at = -1;
        for (std::size_t kh = 0; kh < g.kernel; ++kh) {
          const std::ptrdiff_t h = std::ptrdiff_t(oh * g.stride + kh) - std::ptrdiff_t(g.padding);
          if (h < 0 || h >= std::ptrdiff_t(g.height)) continue;
          for (std::size_t kw = 0; kw < g.kernel; ++kw) {
            const std::ptrdiff_t w = std::ptrdiff_t(ow * g.stride + kw) - std::ptrdiff_t(g.padding);
            if (w < 0 || w >= std::ptrdiff_t(g.width)) continue;
            const std::size_t i = std::size_t(h) * g.width + std::size_t(w);
            if (xp[i] > best || at < 0) {
              best = xp[i];
              at = std::int32_t(i);
            }
          }
        }
        yp[oh * g.out_width + ow] = best;
        ap[oh * g.out_width + ow] = at;
      }
  }
}

inline void max_pool2d_backward(cpu, const pool2d_geometry& g, const float* dy, const std::int32_t* argmax, float* dx) {
  LAMINA_OMP(omp parallel for schedule(static) if (g.planes * g.in_plane() > (1u << 15)))
  for (std::ptrdiff_t p = 0; p < std::ptrdiff_t(g.planes); ++p) {
    float* dxp = dx + std::size_t(p) * g.in_plane();
    const float* dyp = dy + std::size_t(p) * g.out_plane();
    const std::int32_t* ap = argmax + std::size_t(p) * g.out_plane();
    std::memset(dxp, 0, g.in_plane() * sizeof(float));
    for (std::size_t o = 0; o < g.out_plane(); ++o) dxp[ap[o]] += dyp[o];
  }
}

// Average over each window including padding (count_include_pad=True, PyTorch's default).
inline void avg_pool2d_forward(cpu, const pool2d_geometry& g, const float* x, float* y) {
  const float inv = 1.0f / float(g.kernel * g.kernel);
  LAMINA_OMP(omp parallel for schedule(static) if (g.planes * g.out_plane() * g.kernel * g.kernel > (1u << 15)))
  for (std::ptrdiff_t p = 0; p < std::ptrdiff_t(g.planes); ++p) {
    const float* xp = x + std::size_t(p) * g.in_plane();
    float* yp = y + std::size_t(p) * g.out_plane();
    for (std::size_t oh = 0; oh < g.out_height; ++oh)
      for (std::size_t ow = 0; ow < g.out_width; ++ow) {
        float s = 0.f;
        for (std::size_t kh = 0; kh < g.kernel; ++kh) {
          const std::ptrdiff_t h = std::ptrdiff_t(oh * g.stride + kh) - std::ptrdiff_t(g.padding);
          if (h < 0 || h >= std::ptrdiff_t(g.height)) continue;
          for (std::size_t kw = 0; kw < g.kernel; ++kw) {
            const std::ptrdiff_t w = std::ptrdiff_t(ow * g.stride + kw) - std::ptrdiff_t(g.padding);
            if (w >= 0 && w < std::ptrdiff_t(g.width)) s += xp[std::size_t(h) * g.width + std::size_t(w)];
          }
        }
        yp[oh * g.out_width + ow] = s * inv;
      }
  }
}

inline void avg_pool2d_backward(cpu, const pool2d_geometry& g, const float* dy, float* dx) {
  const float inv = 1.0f / float(g.kernel * g.kernel);
  LAMINA_OMP(omp parallel for schedule(static) if (g.planes * g.in_plane() > (1u << 15)))
  for (std::ptrdiff_t p = 0; p < std::ptrdiff_t(g.planes); ++p) {
    float* dxp = dx + std::size_t(p) * g.in_plane();
    const float* dyp = dy + std::size_t(p) * g.out_plane();
    std::memset(dxp, 0, g.in_plane() * sizeof(float));
    for (std::size_t oh = 0; oh < g.out_height; ++oh)
      for (std::size_t ow = 0; ow < g.out_width; ++ow) {
        const float gv = dyp[oh * g.out_width + ow] * inv;
        for (std::size_t kh = 0; kh < g.kernel; ++kh) {
          const std::ptrdiff_t h = std::ptrdiff_t(oh * g.stride + kh) - std::ptrdiff_t(g.padding);
          if (h < 0 || h >= std::ptrdiff_t(g.height)) continue;
          for (std::size_t kw = 0; kw < g.kernel; ++kw) {
            const std::ptrdiff_t w = std::ptrdiff_t(ow * g.stride + kw) - std::ptrdiff_t(g.padding);
            if (w >= 0 && w < std::ptrdiff_t(g.width)) dxp[std::size_t(h) * g.width + std::size_t(w)] += gv;
          }
        }
      }
  }
}

}  // namespace lamina::kernels
