#pragma once
// BatchNorm1d<C> on [C] or [C, L] samples and BatchNorm2d<C> on [C, H, W], as torch.nn's:
// batch statistics in training (running mean / unbiased variance updated with Momentum),
// running statistics in evaluation; weight (ones) and bias (zeros) when Affine; buffers
// running_mean, running_var and num_batches_tracked in the state_dict. Without
// TrackRunningStats (PyTorch's track_running_stats=False) there are no buffers and batch
// statistics are used in evaluation too.
#include <array>
#include <string>

#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {
namespace detail {

template <std::size_t C, float Eps, float Momentum, bool Affine, bool Track, std::size_t SpatialRank>
struct batch_norm {
  static_assert(C > 0, "lamina BatchNorm: the number of features must be at least 1");
  static_assert(Eps > 0.f && Momentum >= 0.f && Momentum <= 1.f,
                "lamina BatchNorm: eps must be > 0 and momentum in [0, 1]");
  static constexpr std::size_t num_features = C;
  static constexpr std::size_t param_count = Affine ? 2 * C : 0;
  static constexpr auto parameters = [] {
    if constexpr (Affine)
      return std::array<param_spec, 2>{{{"weight", make_dims(C)}, {"bias", make_dims(C)}}};
    else
      return std::array<param_spec, 0>{};
  }();
  static constexpr auto buffers = [] {
    if constexpr (Track)
      return std::array<param_spec, 3>{
          {{"running_mean", make_dims(C)}, {"running_var", make_dims(C)}, {"num_batches_tracked", dims{}, true}}};
    else
      return std::array<param_spec, 0>{};
  }();

  static constexpr bool accepts(dims in) {
    if constexpr (SpatialRank == 2) return in.rank == 3 && in[0] == C;
    else return (in.rank == 1 || in.rank == 2) && in[0] == C;
  }
  static constexpr dims expected(dims in) {
    dims e = in;
    if constexpr (SpatialRank == 2) {
      if (e.rank != 3) e = make_dims(C, 1, 1);
    } else if (e.rank != 1 && e.rank != 2) {
      e = make_dims(C);
    }
    e.d[0] = C;
    return e;
  }
  static constexpr dims output(dims in) { return in; }
  static constexpr std::size_t flops(dims in) { return 2 * in.size(); }
  // Per-channel mean and 1/std of the last forward (batch statistics in training, running
  // ones in eval; backward_args::training says which).
  static constexpr std::size_t workspace_per_sample(dims) { return 2 * C; }

  static void reset_parameters(float* p, const rng&) {
    if constexpr (Affine)
      for (std::size_t c = 0; c < C; ++c) p[c] = 1.f, p[C + c] = 0.f;
  }
  static void reset_state(float* s, const rng&) {
    if constexpr (Track) {
      for (std::size_t c = 0; c < C; ++c) s[c] = 0.f, s[C + c] = 1.f;
      s[2 * C] = 0.f;
    }
  }

  static constexpr kernels::batch_norm_geometry geometry(dims in, std::size_t batch) {
    return {batch, C, in.size() / C, Eps, Momentum};
  }

  template <dims In, class B> static void forward(B b, const forward_args& a) {
    const float* gamma = Affine ? a.params : nullptr;
    const float* beta = Affine ? a.params + C : nullptr;
    float* saved_mean = a.workspace;
    float* saved_invstd = a.workspace + C;
    if (a.training || !Track) {
      kernels::batch_norm_forward_train(b, geometry(In, a.batch), a.x, a.y, gamma, beta, Track ? a.state : nullptr,
                                        Track ? a.state + C : nullptr, saved_mean, saved_invstd);
      if (Track) kernels::add_scalar(b, a.state + 2 * C, 1, 1.f);  // num_batches_tracked
    } else {
      kernels::batch_norm_forward_eval(b, geometry(In, a.batch), a.x, a.y, gamma, beta, a.state,
                                       a.state + C, saved_mean, saved_invstd);
    }
  }

  template <dims In, class B> static void backward(B b, const backward_args& a) {
    kernels::batch_norm_backward(b, geometry(In, a.batch), a.training || !Track, a.x, a.dy,
                                 Affine ? a.params : nullptr, a.workspace, a.workspace + C, a.dx,
                                 Affine ? a.grads : nullptr, Affine ? a.grads + C : nullptr);
  }

  static std::string args() {
    return std::to_string(C) + ", eps=" + detail::python_float(Eps) + ", momentum=" + detail::python_float(Momentum) +
           ", affine=" + (Affine ? "True" : "False") +
           ", track_running_stats=" + (Track ? "True" : "False");
  }
};

}  // namespace detail

/// Batch normalisation of C features on [C] or [C, L] samples, as torch.nn.BatchNorm1d(C,
/// eps, momentum, affine, track_running_stats): batch statistics in training, running
/// statistics in evaluation (batch statistics there too without TrackRunningStats).
template <std::size_t C, float Eps = 1e-5f, float Momentum = 0.1f, bool Affine = true, bool TrackRunningStats = true>
struct BatchNorm1d : detail::batch_norm<C, Eps, Momentum, Affine, TrackRunningStats, 1> {
  static constexpr std::string_view name = "BatchNorm1d";  ///< The layer's name in summaries.
  /// The layer as PyTorch prints it, e.g. "BatchNorm1d(64, eps=..., momentum=..., ...)".
  static std::string describe() { return "BatchNorm1d(" + BatchNorm1d::args() + ")"; }
};

/// Batch normalisation of C channels on [C, H, W] samples, as torch.nn.BatchNorm2d(C, eps,
/// momentum, affine, track_running_stats): batch statistics in training, running statistics
/// in evaluation (batch statistics there too without TrackRunningStats).
template <std::size_t C, float Eps = 1e-5f, float Momentum = 0.1f, bool Affine = true, bool TrackRunningStats = true>
struct BatchNorm2d : detail::batch_norm<C, Eps, Momentum, Affine, TrackRunningStats, 2> {
  static constexpr std::string_view name = "BatchNorm2d";  ///< The layer's name in summaries.
  /// The layer as PyTorch prints it, e.g. "BatchNorm2d(64, eps=..., momentum=..., ...)".
  static std::string describe() { return "BatchNorm2d(" + BatchNorm2d::args() + ")"; }
};

}  // namespace lamina
