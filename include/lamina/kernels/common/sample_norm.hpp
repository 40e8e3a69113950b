#pragma once
// Normalisation within each sample, LayerNorm's and GroupNorm's: x is cut into rows of
// `length` elements, each row is normalised by its own mean and variance, then scaled and
// shifted by per-element (LayerNorm) or per-channel (GroupNorm) parameters. The arithmetic is
// written once: one row (forward, dx) or one parameter (its gradients) per index, sums in
// double, run by kernels::parallel_for on any backend. Nothing is summed across threads, so
// results do not depend on the thread count.
#include <cmath>
#include <cstddef>

#include "../../core/config.hpp"
#include "parallel_for.hpp"

namespace lamina::kernels {

/// Rows and parameters of one within-sample normalisation. LayerNorm over N trailing elements:
/// rows = batch * (sample size / N), length = N, groups = 1, spatial = 1 (one parameter per
/// element of a row). GroupNorm with G groups of C channels of S elements: rows = batch * G,
/// length = (C / G) * S, groups = G, spatial = S (row r is group r % G; one parameter per
/// channel).
struct sample_norm_geometry {
  /// `rows` the number of rows, `length` the elements of each, `groups` the rows of one sample
  /// that have their own parameters, `spatial` the consecutive elements of a row that share one.
  ///@{
  std::size_t rows, length, groups, spatial;
  ///@}
  float eps;  ///< Added to the variance before the square root (PyTorch's eps, 1e-5 by default).
  /// Number of parameters of each kind (weight, bias): groups * length / spatial.
  LAMINA_HOST_DEVICE constexpr std::size_t params() const { return groups * (length / spatial); }
  /// The parameter of element j of row r.
  LAMINA_HOST_DEVICE constexpr std::size_t param(std::size_t r, std::size_t j) const {
    return (r % groups) * (length / spatial) + j / spatial;
  }
};

namespace device {

/// The forward pass of one row per index: its mean and 1/std (biased variance, as PyTorch) kept
/// for backward, and y = (x - mean) / std * gamma + beta (a null gamma or beta counts as 1 or 0).
struct sample_norm_forward_op {
  /// `g` the layout; `x` the input and `y` the output [rows, length]; `gamma` and `beta` the
  /// parameters [g.params()] or null; outputs `mean` and `invstd` [rows].
  ///@{
  sample_norm_geometry g; const float* x; float* y; const float* gamma; const float* beta; float* mean;
  float* invstd;
  ///@}
  /// Normalises row r.
  LAMINA_HOST_DEVICE void operator()(std::size_t r) const {
    const std::size_t n = g.length;
    const float* xr = x + r * n;
    float* yr = y + r * n;
    double s = 0;
    for (std::size_t j = 0; j < n; ++j) s += xr[j];
    const double mu = s / double(n);
    double sq = 0;
    for (std::size_t j = 0; j < n; ++j) sq += (xr[j] - mu) * (xr[j] - mu);
    const float m = float(mu), is = float(1.0 / ::sqrt(sq / double(n) + double(g.eps)));
    mean[r] = m;
    invstd[r] = is;
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t p = g.param(r, j);
      yr[j] = (xr[j] - m) * is * (gamma ? gamma[p] : 1.f) + (beta ? beta[p] : 0.f);
    }
  }
};

/// dx of one row per index: with xhat = (x - mean) invstd and gd = dy gamma,
/// dx = invstd (gd - mean(gd) - xhat mean(gd xhat)) along the row.
struct sample_norm_dx_op {
  /// `g` the layout; `x` the forward input, `dy` the output gradient and `dx` the input gradient
  /// (overwritten) [rows, length]; `gamma` the weight or null; `mean` and `invstd` [rows] from
  /// the forward pass.
  ///@{
  sample_norm_geometry g; const float* x; const float* dy; const float* gamma; const float* mean;
  const float* invstd; float* dx;
  ///@}
  /// The gradient of row r.
  LAMINA_HOST_DEVICE void operator()(std::size_t r) const {
    const std::size_t n = g.length, o = r * n;
    const float m = mean[r], is = invstd[r];
    double sum_gd = 0, sum_gd_xhat = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const float gd = dy[o + j] * (gamma ? gamma[g.param(r, j)] : 1.f);
      sum_gd += gd;
      sum_gd_xhat += double(gd) * double((x[o + j] - m) * is);
    }
    const float mean_gd = float(sum_gd / double(n)), mean_gd_xhat = float(sum_gd_xhat / double(n));
    for (std::size_t j = 0; j < n; ++j) {
      const float gd = dy[o + j] * (gamma ? gamma[g.param(r, j)] : 1.f);
      dx[o + j] = is * (gd - mean_gd - (x[o + j] - m) * is * mean_gd_xhat);
    }
  }
};

/// The gradients of one parameter per index: dgamma[p] = sum(dy xhat) and dbeta[p] = sum(dy)
/// over the elements that parameter p scales, in every row of the batch that has it.
struct sample_norm_param_grad_op {
  /// `g` the layout; `x` the forward input and `dy` the output gradient [rows, length]; `mean`
  /// and `invstd` [rows] from the forward pass; `dgamma` and `dbeta` [g.params()], overwritten.
  ///@{
  sample_norm_geometry g; const float* x; const float* dy; const float* mean; const float* invstd; float* dgamma;
  float* dbeta;
  ///@}
  /// The gradients of parameter p.
  LAMINA_HOST_DEVICE void operator()(std::size_t p) const {
    const std::size_t per_row = g.length / g.spatial, first_row = p / per_row;
    const std::size_t first = (p % per_row) * g.spatial;
    double sum_dy = 0, sum_dy_xhat = 0;
    for (std::size_t r = first_row; r < g.rows; r += g.groups)
      for (std::size_t k = r * g.length + first, e = k + g.spatial; k < e; ++k) {
        sum_dy += dy[k];
        sum_dy_xhat += double(dy[k]) * double((x[k] - mean[r]) * invstd[r]);
      }
    dgamma[p] = float(sum_dy_xhat);
    dbeta[p] = float(sum_dy);
  }
};

}  // namespace device

/// LayerNorm's and GroupNorm's forward pass on backend `b`: y from x, and each row's mean and
/// 1/std kept in `mean` and `invstd` [g.rows] for backward.
template <class Backend>
void sample_norm_forward(Backend b, const sample_norm_geometry& g, const float* x, float* y, const float* gamma,
                         const float* beta, float* mean, float* invstd) {
  parallel_for(b, per_item{g.rows, 6 * g.length}, device::sample_norm_forward_op{g, x, y, gamma, beta, mean, invstd});
}

/// LayerNorm's and GroupNorm's backward pass on backend `b`: dx (skipped when null) and the
/// gradients of gamma and beta (skipped when `dgamma` is null).
template <class Backend>
void sample_norm_backward(Backend b, const sample_norm_geometry& g, const float* x, const float* dy,
                          const float* gamma, const float* mean, const float* invstd, float* dx, float* dgamma,
                          float* dbeta) {
  if (dx) parallel_for(b, per_item{g.rows, 8 * g.length}, device::sample_norm_dx_op{g, x, dy, gamma, mean, invstd, dx});
  if (dgamma)
    parallel_for(b, per_item{g.params(), 4 * g.rows / g.groups * g.spatial},
                 device::sample_norm_param_grad_op{g, x, dy, mean, invstd, dgamma, dbeta});
}

}  // namespace lamina::kernels
