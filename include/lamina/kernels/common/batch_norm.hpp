#pragma once
// Batch normalisation over [batch, channels, spatial] (spatial = 1 for BatchNorm1d on [C]): its
// arithmetic, once for every backend. The per-channel formulas (statistics from the sums, the
// affine map, dx) are functions that the CPU kernel calls in its channel loops and the GPU
// functors below call per index; the sums (mean, variance, sum(dy), sum(dy * xhat)) are in
// double on both, the CPU's in one pass per channel, the GPU's as segmented sums.
#include <cmath>
#include <cstddef>

#include "../../core/config.hpp"
#include "segmented_sum.hpp"

namespace lamina::kernels {

struct batch_norm_geometry {
  std::size_t batch, channels, spatial;
  float eps, momentum;
};

namespace device {

// Channel c's statistics from its mean and sum of centred squares: saved mean and 1/std (for
// backward) and the running statistics (unbiased variance, as PyTorch).
LAMINA_HOST_DEVICE void bn_finish_channel(const batch_norm_geometry& g, std::size_t c, double mean, double sq,
                                          float* saved_mean, float* saved_invstd, float* running_mean,
                                          float* running_var) {
  const std::size_t n = g.batch * g.spatial;
  const double var = sq / double(n);
  saved_mean[c] = float(mean);
  saved_invstd[c] = float(1.0 / ::sqrt(var + double(g.eps)));
  if (running_mean) {
    const double unbiased = n > 1 ? sq / double(n - 1) : var;
    running_mean[c] = float((1.0 - g.momentum) * running_mean[c] + g.momentum * mean);
    running_var[c] = float((1.0 - g.momentum) * running_var[c] + g.momentum * unbiased);
  }
}
// y = x * scale + shift for channel c.
struct bn_affine {
  float scale, shift;
};
LAMINA_HOST_DEVICE bn_affine bn_affine_of(const float* gamma, const float* beta, float mean, float invstd,
                                          std::size_t c) {
  const float scale = (gamma ? gamma[c] : 1.f) * invstd;
  return {scale, (beta ? beta[c] : 0.f) - mean * scale};
}
// dx of channel c from its sums: with batch statistics (training) the mean and variance depend
// on x, dx = k (dy - mean(dy) - xhat mean(dy xhat)) with k = gamma invstd; with running ones
// (evaluation) they are constants: dx = k dy.
struct bn_dx {
  float k, mean, invstd, mean_dy, mean_dy_xhat;
  bool batch_stats;
  LAMINA_HOST_DEVICE float operator()(float x, float dy) const {
    return batch_stats ? k * (dy - mean_dy - (x - mean) * invstd * mean_dy_xhat) : k * dy;
  }
};
LAMINA_HOST_DEVICE bn_dx bn_dx_of(const batch_norm_geometry& g, bool batch_stats, const float* gamma, float mean,
                                  float invstd, double sum_dy, double sum_dy_xhat, std::size_t c) {
  const double n = double(g.batch * g.spatial);
  return {(gamma ? gamma[c] : 1.f) * invstd, mean, invstd, float(sum_dy / n), float(sum_dy_xhat / n), batch_stats};
}

// ---- The GPU's functors: one channel or one element per index.

// (The sums of x per channel are segmented_sum.hpp's channel_term_double.)
struct bn_centered_square_term {
  const float* x; const double* mean; std::size_t channels, spatial;
  LAMINA_HOST_DEVICE double operator()(std::size_t c, std::size_t j) const {
    const std::size_t b = j / spatial, s = j % spatial;
    const double d = x[(b * channels + c) * spatial + s] - mean[c];  // as the CPU: float - double
    return d * d;
  }
};
// mean[c] = sum / n (kept in double for the variance pass).
struct bn_store_mean {
  double* mean; double n;
  LAMINA_HOST_DEVICE void operator()(std::size_t c, double s) const { mean[c] = s / n; }
};
// From the centred squares: saved statistics, running statistics.
struct bn_finish_stats {
  batch_norm_geometry g; const double* mean; float* saved_mean; float* saved_invstd; float* running_mean;
  float* running_var;
  LAMINA_HOST_DEVICE void operator()(std::size_t c, double sq) const {
    bn_finish_channel(g, c, mean[c], sq, saved_mean, saved_invstd, running_mean, running_var);
  }
};
// Evaluation statistics from the running ones (per channel).
struct bn_eval_stats_op {
  batch_norm_geometry g; const float* running_mean; const float* running_var; float* saved_mean; float* saved_invstd;
  LAMINA_HOST_DEVICE void operator()(std::size_t c) const {
    saved_mean[c] = running_mean[c];
    saved_invstd[c] = 1.0f / ::sqrtf(running_var[c] + g.eps);
  }
};
// y = x * scale + shift with the saved statistics (element-wise over [batch, C, spatial]).
struct bn_normalize_op {
  batch_norm_geometry g; const float* x; float* y; const float* gamma; const float* beta; const float* mean;
  const float* invstd;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t c = (i / g.spatial) % g.channels;
    const bn_affine a = bn_affine_of(gamma, beta, mean[c], invstd[c], c);
    y[i] = x[i] * a.scale + a.shift;
  }
};
// Backward sums: (dy, dy * xhat) of channel c.
struct bn_backward_term {
  const float* x; const float* dy; const float* mean; const float* invstd; std::size_t channels, spatial;
  LAMINA_HOST_DEVICE double2_sum operator()(std::size_t c, std::size_t j) const {
    const std::size_t b = j / spatial, s = j % spatial, k = (b * channels + c) * spatial + s;
    return {double(dy[k]), double(dy[k]) * double((x[k] - mean[c]) * invstd[c])};
  }
};
struct bn_store_backward_sums {
  double2_sum* sums; float* dgamma; float* dbeta;
  LAMINA_HOST_DEVICE void operator()(std::size_t c, double2_sum s) const {
    sums[c] = s;
    if (dgamma) dgamma[c] = float(s.b);
    if (dbeta) dbeta[c] = float(s.a);
  }
};
struct bn_backward_dx_op {
  batch_norm_geometry g; bool batch_stats; const float* x; const float* dy; const float* gamma; const float* mean;
  const float* invstd; const double2_sum* sums; float* dx;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t c = (i / g.spatial) % g.channels;
    dx[i] = bn_dx_of(g, batch_stats, gamma, mean[c], invstd[c], sums[c].a, sums[c].b, c)(x[i], dy[i]);
  }
};

}  // namespace device
}  // namespace lamina::kernels
