#pragma once
// Definitions for batch_norm.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cmath>
#include <cstddef>

#include "batch_norm.hpp"

namespace lamina::kernels {

LAMINA_INLINE void batch_norm_forward_train(cpu, const batch_norm_geometry& g, const float* x, float* y,
                                            const float* gamma, const float* beta, float* running_mean,
                                            float* running_var, float* saved_mean, float* saved_invstd) {
  const std::size_t n = g.batch * g.spatial, cs = g.channels * g.spatial;
  LAMINA_OMP(omp parallel for schedule(static) if (g.batch * cs > (1u << 14)))
  for (std::ptrdiff_t ci = 0; ci < std::ptrdiff_t(g.channels); ++ci) {
    const std::size_t c = std::size_t(ci);
    double sum = 0, sq = 0;
    for (std::size_t b = 0; b < g.batch; ++b) {
      const float* xc = x + b * cs + c * g.spatial;
      for (std::size_t s = 0; s < g.spatial; ++s) sum += xc[s];
    }
    const double mean = sum / double(n);
    for (std::size_t b = 0; b < g.batch; ++b) {
      const float* xc = x + b * cs + c * g.spatial;
      for (std::size_t s = 0; s < g.spatial; ++s) sq += (xc[s] - mean) * (xc[s] - mean);
    }
    device::bn_finish_channel(g, c, mean, sq, saved_mean, saved_invstd, running_mean, running_var);
    const device::bn_affine a = device::bn_affine_of(gamma, beta, saved_mean[c], saved_invstd[c], c);
    for (std::size_t b = 0; b < g.batch; ++b) {
      const float* xc = x + b * cs + c * g.spatial;
      float* yc = y + b * cs + c * g.spatial;
      for (std::size_t s = 0; s < g.spatial; ++s) yc[s] = xc[s] * a.scale + a.shift;
    }
  }
}

LAMINA_INLINE void batch_norm_forward_eval(cpu, const batch_norm_geometry& g, const float* x, float* y,
                                           const float* gamma, const float* beta, const float* running_mean,
                                           const float* running_var, float* saved_mean, float* saved_invstd) {
  const std::size_t cs = g.channels * g.spatial;
  const device::bn_eval_stats_op stats{g, running_mean, running_var, saved_mean, saved_invstd};
  for (std::size_t c = 0; c < g.channels; ++c) stats(c);
  LAMINA_OMP(omp parallel for schedule(static) if (g.batch * cs > (1u << 15)))
  for (std::ptrdiff_t b = 0; b < std::ptrdiff_t(g.batch); ++b)
    for (std::size_t c = 0; c < g.channels; ++c) {
      const device::bn_affine a = device::bn_affine_of(gamma, beta, saved_mean[c], saved_invstd[c], c);
      const float* xc = x + std::size_t(b) * cs + c * g.spatial;
      float* yc = y + std::size_t(b) * cs + c * g.spatial;
      for (std::size_t s = 0; s < g.spatial; ++s) yc[s] = xc[s] * a.scale + a.shift;
    }
}

LAMINA_INLINE void batch_norm_backward(cpu, const batch_norm_geometry& g, bool batch_stats, const float* x,
                                       const float* dy, const float* gamma, const float* saved_mean,
                                       const float* saved_invstd, float* dx, float* dgamma, float* dbeta) {
  const std::size_t cs = g.channels * g.spatial;
  LAMINA_OMP(omp parallel for schedule(static) if (g.batch * cs > (1u << 14)))
  for (std::ptrdiff_t ci = 0; ci < std::ptrdiff_t(g.channels); ++ci) {
    const std::size_t c = std::size_t(ci);
    const float mean = saved_mean[c], invstd = saved_invstd[c];
    double sum_dy = 0, sum_dy_xhat = 0;
    for (std::size_t b = 0; b < g.batch; ++b) {
      const float* xc = x + b * cs + c * g.spatial;
      const float* dyc = dy + b * cs + c * g.spatial;
      for (std::size_t s = 0; s < g.spatial; ++s) {
        sum_dy += dyc[s];
        sum_dy_xhat += double(dyc[s]) * double((xc[s] - mean) * invstd);
      }
    }
    if (dgamma) dgamma[c] = float(sum_dy_xhat);
    if (dbeta) dbeta[c] = float(sum_dy);
    if (!dx) continue;
    const device::bn_dx f = device::bn_dx_of(g, batch_stats, gamma, mean, invstd, sum_dy, sum_dy_xhat, c);
    for (std::size_t b = 0; b < g.batch; ++b) {
      const float* xc = x + b * cs + c * g.spatial;
      const float* dyc = dy + b * cs + c * g.spatial;
      float* dxc = dx + b * cs + c * g.spatial;
      for (std::size_t s = 0; s < g.spatial; ++s) dxc[s] = f(xc[s], dyc[s]);
    }
  }
}

}  // namespace lamina::kernels
