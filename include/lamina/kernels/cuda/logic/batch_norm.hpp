#pragma once
// Batch-norm bodies. The per-channel sums (mean, variance, sum(dy), sum(dy * xhat)) are
// segmented sums (reduce.hpp) in double, like the CPU kernel; the normalisation and dx are
// element-wise.
#include <cmath>
#include <cstddef>

#include "../../../core/config.hpp"
#include "../../cpu/batch_norm.hpp"  // batch_norm_geometry
#include "reduce.hpp"

namespace lamina::kernels::device {

// x [batch, C, spatial] as terms of channel c: j = b * spatial + s.
struct bn_x_term {
  const float* x; std::size_t channels, spatial;
  LAMINA_HOST_DEVICE double operator()(std::size_t c, std::size_t j) const {
    const std::size_t b = j / spatial, s = j % spatial;
    return x[(b * channels + c) * spatial + s];
  }
};
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
    const std::size_t n = g.batch * g.spatial;
    const double var = sq / double(n);
    saved_mean[c] = float(mean[c]);
    saved_invstd[c] = float(1.0 / ::sqrt(var + double(g.eps)));
    if (running_mean) {
      const double unbiased = n > 1 ? sq / double(n - 1) : var;
      running_mean[c] = float((1.0 - g.momentum) * running_mean[c] + g.momentum * mean[c]);
      running_var[c] = float((1.0 - g.momentum) * running_var[c] + g.momentum * unbiased);
    }
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
    const float scale = (gamma ? gamma[c] : 1.f) * invstd[c];
    const float shift = (beta ? beta[c] : 0.f) - mean[c] * scale;
    y[i] = x[i] * scale + shift;
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
    const float k = (gamma ? gamma[c] : 1.f) * invstd[c];
    if (!batch_stats) {
      dx[i] = k * dy[i];
      return;
    }
    const double n = double(g.batch * g.spatial);
    const float mean_dy = float(sums[c].a / n), mean_dy_xhat = float(sums[c].b / n);
    dx[i] = k * (dy[i] - mean_dy - (x[i] - mean[c]) * invstd[c] * mean_dy_xhat);
  }
};

}  // namespace lamina::kernels::device
