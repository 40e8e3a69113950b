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

/// Sizes and hyper-parameters of one batch normalisation of x [batch, channels, spatial]:
/// BatchNorm1d on [N, C] has spatial = 1 and on [N, C, L] spatial = L; BatchNorm2d on
/// [N, C, H, W] has spatial = H * W.
struct batch_norm_geometry {
  /// `batch` is the number of samples N, `channels` the number of channels C (one mean and one
  /// variance each), `spatial` the number of elements per channel in one sample.
  ///@{
  std::size_t batch, channels, spatial;
  ///@}
  /// `eps` is added to the variance before the square root (torch.nn.BatchNorm2d's eps, 1e-5
  /// by default); `momentum` is the weight of the batch statistics in the running ones,
  /// running = (1 - momentum) running + momentum batch (PyTorch's momentum, 0.1 by default).
  ///@{
  float eps, momentum;
  ///@}
};

namespace device {

/// Channel c's statistics from its mean and sum of centred squares: saved mean and 1/std (for
/// backward) and the running statistics (unbiased variance, as PyTorch).
/// The running statistics are left alone when `running_mean` is null.
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
/// y = x * scale + shift for channel c.
struct bn_affine {
  /// `scale` = gamma[c] invstd and `shift` = beta[c] - mean scale: the normalisation and the
  /// affine transform folded into one multiply-add per element.
  ///@{
  float scale, shift;
  ///@}
};
/// Channel c's bn_affine from its saved mean and 1/std; a null `gamma` or `beta` (no affine
/// parameters, PyTorch's affine=False) counts as 1 or 0.
LAMINA_HOST_DEVICE bn_affine bn_affine_of(const float* gamma, const float* beta, float mean, float invstd,
                                          std::size_t c) {
  const float scale = (gamma ? gamma[c] : 1.f) * invstd;
  return {scale, (beta ? beta[c] : 0.f) - mean * scale};
}
/// dx of channel c from its sums: with batch statistics (training) the mean and variance depend
/// on x, dx = k (dy - mean(dy) - xhat mean(dy xhat)) with k = gamma invstd; with running ones
/// (evaluation) they are constants: dx = k dy.
struct bn_dx {
  /// `k` = gamma[c] invstd; the channel's `mean` and `invstd` (1/std); `mean_dy` = mean(dy)
  /// and `mean_dy_xhat` = mean(dy xhat) over the channel's batch * spatial elements.
  ///@{
  float k, mean, invstd, mean_dy, mean_dy_xhat;
  ///@}
  bool batch_stats;  ///< True with batch statistics (training), false with running ones.
  /// dx of one element of the channel from its input x and output gradient dy.
  LAMINA_HOST_DEVICE float operator()(float x, float dy) const {
    return batch_stats ? k * (dy - mean_dy - (x - mean) * invstd * mean_dy_xhat) : k * dy;
  }
};
/// Channel c's bn_dx from its saved mean and 1/std and its sums of dy and dy xhat over the
/// batch; a null `gamma` counts as 1.
LAMINA_HOST_DEVICE bn_dx bn_dx_of(const batch_norm_geometry& g, bool batch_stats, const float* gamma, float mean,
                                  float invstd, double sum_dy, double sum_dy_xhat, std::size_t c) {
  const double n = double(g.batch * g.spatial);
  return {(gamma ? gamma[c] : 1.f) * invstd, mean, invstd, float(sum_dy / n), float(sum_dy_xhat / n), batch_stats};
}

// ---- The GPU's functors: one channel or one element per index.

// (The sums of x per channel are segmented_sum.hpp's channel_term_double.)
/// Terms of the per-channel sums of centred squares (x - mean[c])^2, for the variance:
/// segment c, term j = b * spatial + s.
struct bn_centered_square_term {
  /// `x` [batch, channels, spatial], `mean` the channel means [channels] (from bn_store_mean)
  /// and the sizes `channels` and `spatial`.
  ///@{
  const float* x; const double* mean; std::size_t channels, spatial;
  ///@}
  /// Term j of channel c: (x - mean[c])^2 in double.
  LAMINA_HOST_DEVICE double operator()(std::size_t c, std::size_t j) const {
    const std::size_t b = j / spatial, s = j % spatial;
    const double d = x[(b * channels + c) * spatial + s] - mean[c];  // as the CPU: float - double
    return d * d;
  }
};
/// Finish of the per-channel sums of x:
/// mean[c] = sum / n (kept in double for the variance pass).
struct bn_store_mean {
  /// `mean` the output [channels]; `n` the number of elements per channel, batch * spatial.
  ///@{
  double* mean; double n;
  ///@}
  /// Stores channel c's mean from its sum s.
  LAMINA_HOST_DEVICE void operator()(std::size_t c, double s) const { mean[c] = s / n; }
};
/// From the centred squares: saved statistics, running statistics.
/// The finish of bn_centered_square_term's sums, one bn_finish_channel per channel.
struct bn_finish_stats {
  /// `g` the sizes and hyper-parameters; `mean` the channel means [channels] (from
  /// bn_store_mean); outputs `saved_mean` and `saved_invstd` (1/std) [channels], kept for
  /// backward; `running_mean` and `running_var` [channels], updated in place (skipped when
  /// `running_mean` is null).
  ///@{
  batch_norm_geometry g; const double* mean; float* saved_mean; float* saved_invstd; float* running_mean;
  float* running_var;
  ///@}
  /// Finishes channel c from its sum of centred squares sq.
  LAMINA_HOST_DEVICE void operator()(std::size_t c, double sq) const {
    bn_finish_channel(g, c, mean[c], sq, saved_mean, saved_invstd, running_mean, running_var);
  }
};
/// Evaluation statistics from the running ones (per channel).
/// The saved mean is the running mean and the saved 1/std is 1 / sqrt(running_var + eps).
struct bn_eval_stats_op {
  /// `g` the sizes and eps; inputs `running_mean` and `running_var` [channels]; outputs
  /// `saved_mean` and `saved_invstd` [channels], read by bn_normalize_op and by backward.
  ///@{
  batch_norm_geometry g; const float* running_mean; const float* running_var; float* saved_mean; float* saved_invstd;
  ///@}
  /// Fills channel c's saved statistics.
  LAMINA_HOST_DEVICE void operator()(std::size_t c) const {
    saved_mean[c] = running_mean[c];
    saved_invstd[c] = 1.0f / ::sqrtf(running_var[c] + g.eps);
  }
};
/// y = x * scale + shift with the saved statistics (element-wise over [batch, C, spatial]).
struct bn_normalize_op {
  /// `g` the sizes; `x` the input and `y` the output [batch, channels, spatial]; `gamma` and
  /// `beta` the affine parameters [channels] (null without them); `mean` and `invstd` the
  /// saved statistics [channels].
  ///@{
  batch_norm_geometry g; const float* x; float* y; const float* gamma; const float* beta; const float* mean;
  const float* invstd;
  ///@}
  /// Normalises element i, a flat index into [batch, channels, spatial].
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t c = (i / g.spatial) % g.channels;
    const bn_affine a = bn_affine_of(gamma, beta, mean[c], invstd[c], c);
    y[i] = x[i] * a.scale + a.shift;
  }
};
/// Backward sums: (dy, dy * xhat) of channel c.
/// Each term is a double2_sum, so one segmented sum gives both; xhat = (x - mean) invstd.
struct bn_backward_term {
  /// `x` the forward input and `dy` the output gradient [batch, channels, spatial]; `mean` and
  /// `invstd` the saved statistics [channels]; the sizes `channels` and `spatial`.
  ///@{
  const float* x; const float* dy; const float* mean; const float* invstd; std::size_t channels, spatial;
  ///@}
  /// Term j = b * spatial + s of channel c: the pair (dy, dy xhat).
  LAMINA_HOST_DEVICE double2_sum operator()(std::size_t c, std::size_t j) const {
    const std::size_t b = j / spatial, s = j % spatial, k = (b * channels + c) * spatial + s;
    return {double(dy[k]), double(dy[k]) * double((x[k] - mean[c]) * invstd[c])};
  }
};
/// Finish of the backward sums: keeps channel c's (sum(dy), sum(dy xhat)) for dx and writes
/// the parameter gradients dbeta = sum(dy) and dgamma = sum(dy xhat).
struct bn_store_backward_sums {
  /// `sums` the kept sums [channels]; `dgamma` and `dbeta` the weight and bias gradients
  /// [channels], overwritten, each skipped when null.
  ///@{
  double2_sum* sums; float* dgamma; float* dbeta;
  ///@}
  /// Stores channel c's sums s (s.a = sum(dy), s.b = sum(dy xhat)).
  LAMINA_HOST_DEVICE void operator()(std::size_t c, double2_sum s) const {
    sums[c] = s;
    if (dgamma) dgamma[c] = float(s.b);
    if (dbeta) dbeta[c] = float(s.a);
  }
};
/// dx element-wise over [batch, channels, spatial] (see bn_dx), from the per-channel sums that
/// bn_store_backward_sums kept.
struct bn_backward_dx_op {
  /// `g` the sizes; `batch_stats` whether the forward pass used batch statistics (training);
  /// `x` the forward input and `dy` the output gradient [batch, channels, spatial]; `gamma` the
  /// weight [channels] (null counts as 1); `mean` and `invstd` the saved statistics [channels];
  /// `sums` the channels' (sum(dy), sum(dy xhat)); `dx` the input gradient, overwritten.
  ///@{
  batch_norm_geometry g; bool batch_stats; const float* x; const float* dy; const float* gamma; const float* mean;
  const float* invstd; const double2_sum* sums; float* dx;
  ///@}
  /// dx of element i, a flat index into [batch, channels, spatial].
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t c = (i / g.spatial) % g.channels;
    dx[i] = bn_dx_of(g, batch_stats, gamma, mean[c], invstd[c], sums[c].a, sums[c].b, c)(x[i], dy[i]);
  }
};

}  // namespace device
}  // namespace lamina::kernels
