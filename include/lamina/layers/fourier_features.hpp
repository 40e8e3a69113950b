#pragma once
// FourierFeatures<InDims, M, Sigma>: gamma(g) = [cos(2 pi B g), sin(2 pi B g)] with a fixed
// random B [M, InDims] ~ N(0, Sigma^2) (Tancik et al. 2020). B is a buffer, not a parameter:
// drawn from the model's seed, saved in the state_dict as "B", never trained.
#include <array>
#include <string>

#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

/// Random Fourier features (Tancik et al. 2020): gamma(g) = [cos(2 pi B g), sin(2 pi B g)]
/// over the last dimension (InDims -> 2 M), with a fixed random B [M, InDims] ~ N(0, Sigma^2)
/// kept as the buffer "B" (drawn from the model's seed, saved, never trained).
template <std::size_t InDims, std::size_t M, float Sigma>
struct FourierFeatures {
  static_assert(InDims > 0 && M > 0, "lamina::FourierFeatures: input dimensions and M must be at least 1");
  static_assert(Sigma > 0.f, "lamina::FourierFeatures: Sigma must be positive");
  static constexpr std::string_view name = "FourierFeatures";  ///< The layer's name in summaries.
  static constexpr std::size_t param_count = 0;                ///< No parameters: B is a buffer.
  /// The buffer B [M, InDims].
  static constexpr std::array<param_spec, 1> buffers{{{"B", make_dims(M, InDims)}}};

  /// Whether the last dimension of `in` is InDims.
  static constexpr bool accepts(dims in) { return in.rank >= 1 && in.back() == InDims; }
  /// `in` with its last dimension set to InDims.
  static constexpr dims expected(dims in) {
    dims e = in.rank ? in : make_dims(InDims);
    e.d[e.rank - 1] = InDims;
    return e;
  }
  /// `in` with its last dimension set to 2 M (the cosines, then the sines).
  static constexpr dims output(dims in) {
    dims o = in;
    o.d[o.rank - 1] = 2 * M;
    return o;
  }
  /// Floating-point operations per sample (the projection, and 20 for each cosine-sine pair).
  static constexpr std::size_t flops(dims in) { return in.size() / InDims * M * (2 * InDims + 20); }
  /// The projections x B^T are recomputed from y in backward; the workspace holds dL/dproj.
  static constexpr std::size_t workspace_per_sample(dims in) { return in.size() / InDims * M; }
  /// The layer in a summary, e.g. "FourierFeatures(in=2, m=256, sigma=10.000000)".
  static std::string describe() {
    return "FourierFeatures(in=" + std::to_string(InDims) + ", m=" + std::to_string(M) +
           ", sigma=" + std::to_string(Sigma) + ")";
  }

  /// Draws B ~ N(0, Sigma^2) from the named stream "B".
  static void reset_state(float* b, const rng& gen) {
    rng g = gen.fork("B");
    for (std::size_t i = 0; i < M * InDims; ++i) b[i] = g.normal(0.f, Sigma);
  }

  /// y = [cos(2 pi x B^T), sin(2 pi x B^T)] for a batch.
  template <dims In, class Bk> static void forward(Bk b, const forward_args& a) {
    using kernels::transpose;
    const std::size_t rows = a.batch * (In.size() / InDims);
    float* proj = a.workspace;  // reused as scratch: backward overwrites it with dL/dproj
    kernels::gemm(b, transpose::no, transpose::yes, rows, M, InDims, 1.f, a.x, InDims, a.state, InDims, 0.f,
                  proj, M);
    kernels::fourier_features_forward(b, proj, a.y, rows, M);
  }
  /// dx (when wanted); B is not trained, so there are no parameter gradients.
  template <dims In, class Bk> static void backward(Bk b, const backward_args& a) {
    using kernels::transpose;
    if (!a.dx) return;
    const std::size_t rows = a.batch * (In.size() / InDims);
    kernels::fourier_features_backward(b, a.y, a.dy, a.workspace, rows, M);
    kernels::gemm(b, transpose::no, transpose::no, rows, InDims, M, 1.f, a.workspace, M, a.state, InDims, 0.f,
                  a.dx, InDims);
  }
};

}  // namespace lamina
