#pragma once
// Batch normalisation on the CUDA backend: per-channel statistics as deterministic segmented
// sums in double (as the CPU kernel), normalisation and dx element-wise.
#include <cstddef>

#include "../../core/backend.hpp"
#include "launch.cuh"
#include "../common/batch_norm.hpp"

namespace lamina::kernels {

inline void batch_norm_forward_train(cuda, const batch_norm_geometry& g, const float* x, float* y,
                                     const float* gamma, const float* beta, float* running_mean,
                                     float* running_var, float* saved_mean, float* saved_invstd) {
  const std::size_t n = g.batch * g.spatial;
  detail::device_scratch<double> mean(g.channels);
  detail::segmented_sum<double>(cuda{}, g.channels, n, device::channel_term_double{x, g.channels, g.spatial},
                                device::bn_store_mean{mean.get(), double(n)});
  detail::segmented_sum<double>(cuda{}, g.channels, n,
                                device::bn_centered_square_term{x, mean.get(), g.channels, g.spatial},
                                device::bn_finish_stats{g, mean.get(), saved_mean, saved_invstd, running_mean,
                                                        running_var});
  parallel_for(cuda{}, g.batch * g.channels * g.spatial,
                       device::bn_normalize_op{g, x, y, gamma, beta, saved_mean, saved_invstd});
}

inline void batch_norm_forward_eval(cuda, const batch_norm_geometry& g, const float* x, float* y,
                                    const float* gamma, const float* beta, const float* running_mean,
                                    const float* running_var, float* saved_mean, float* saved_invstd) {
  parallel_for(cuda{}, g.channels,
                       device::bn_eval_stats_op{g, running_mean, running_var, saved_mean, saved_invstd});
  parallel_for(cuda{}, g.batch * g.channels * g.spatial,
                       device::bn_normalize_op{g, x, y, gamma, beta, saved_mean, saved_invstd});
}

inline void batch_norm_backward(cuda, const batch_norm_geometry& g, bool batch_stats, const float* x,
                                const float* dy, const float* gamma, const float* saved_mean,
                                const float* saved_invstd, float* dx, float* dgamma, float* dbeta) {
  detail::device_scratch<device::double2_sum> sums(g.channels);
  detail::segmented_sum<device::double2_sum>(
      cuda{}, g.channels, g.batch * g.spatial,
      device::bn_backward_term{x, dy, saved_mean, saved_invstd, g.channels, g.spatial},
      device::bn_store_backward_sums{sums.get(), dgamma, dbeta});
  if (dx)
    parallel_for(cuda{}, g.batch * g.channels * g.spatial,
                         device::bn_backward_dx_op{g, batch_stats, x, dy, gamma, saved_mean, saved_invstd,
                                                   sums.get(), dx});
}

}  // namespace lamina::kernels
