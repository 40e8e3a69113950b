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
    if (g.padding == 0 && g.kernel == 2) {
      // 2x2 windows, unrolled; ties keep the first maximum in window order, as below.
      for (std::size_t oh = 0; oh < g.out_height; ++oh) {
        const std::size_t r0 = oh * g.stride * g.width, r1 = r0 + g.width;
        for (std::size_t ow = 0; ow < g.out_width; ++ow) {
          const std::size_t c = ow * g.stride;
          // Branch-free selects: the comparisons are data-dependent and mispredict often.
          const float v0 = xp[r0 + c], v1 = xp[r0 + c + 1], v2 = xp[r1 + c], v3 = xp[r1 + c + 1];
          std::size_t at = r0 + c;
          float best = v0;
          at = v1 > best ? r0 + c + 1 : at;
          best = v1 > best ? v1 : best;
          at = v2 > best ? r1 + c : at;
          best = v2 > best ? v2 : best;
          at = v3 > best ? r1 + c + 1 : at;
          best = v3 > best ? v3 : best;
          yp[oh * g.out_width + ow] = best;
          ap[oh * g.out_width + ow] = std::int32_t(at);
        }
      }
      continue;
    }
    if (g.padding == 0) {
      // Every window lies inside the plane: no bounds checks.
      for (std::size_t oh = 0; oh < g.out_height; ++oh)
        for (std::size_t ow = 0; ow < g.out_width; ++ow) {
          std::size_t at = oh * g.stride * g.width + ow * g.stride;
          float best = xp[at];
          for (std::size_t kh = 0; kh < g.kernel; ++kh) {
            const std::size_t row = (oh * g.stride + kh) * g.width + ow * g.stride;
            for (std::size_t kw = 0; kw < g.kernel; ++kw)
              if (xp[row + kw] > best) best = xp[row + kw], at = row + kw;
          }
          yp[oh * g.out_width + ow] = best;
          ap[oh * g.out_width + ow] = std::int32_t(at);
        }
      continue;
    }
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
