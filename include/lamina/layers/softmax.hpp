#pragma once
// Softmax and LogSoftmax along one dimension, as torch.nn.Softmax(dim) and
// torch.nn.LogSoftmax(dim). For classification training prefer logits + loss::CrossEntropy,
// which fuses log-softmax and is more stable.
#include <string>

#include "../core/layer.hpp"
#include "../core/sample_dims.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {
namespace detail {

// Softmax (Log = false) or log-softmax (Log = true) along PyTorch's dimension Dim.
template <int Dim, bool Log>
struct softmax_along {
  static_assert(Dim != 0,
                "lamina Softmax/LogSoftmax: dim 0 is the batch; lamina layers act on each sample, so dim "
                "must name a sample's dimension (1, 2, ... or -1, -2, ...)");
  static constexpr int dim = Dim;               ///< PyTorch's dim (1 = a sample's first, -1 its last).
  static constexpr std::size_t param_count = 0;  ///< No parameters.
  /// A shape with the dimension Dim.
  static constexpr bool accepts(dims in) { return names_sample_dim(Dim, in); }
  /// The input shape.
  static constexpr dims output(dims in) { return in; }
  /// `in`, padded with 1s to the rank Dim needs (for error messages).
  static constexpr dims expected(dims in) { return padded_for(Dim, in, rank_needed(Dim)); }
  /// Floating-point operations per sample (about 4 per element).
  static constexpr std::size_t flops(dims in) { return 4 * in.size(); }

  // The rows of a batch of `batch` samples of shape In along Dim.
  template <dims In>
  static constexpr kernels::softmax_geometry geometry(std::size_t batch) {
    constexpr std::size_t d = sample_dim(Dim, In.rank);
    std::size_t outer = batch, inner = 1;
    for (std::size_t i = 0; i < d; ++i) outer *= In[i];
    for (std::size_t i = d + 1; i < In.rank; ++i) inner *= In[i];
    return {outer, In[d], inner};
  }
  // y = softmax(x) or log_softmax(x) along Dim.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    kernels::softmax_forward(b, geometry<In>(a.batch), Log, a.x, a.y);
  }
  // dx from y and dy (kernels/common/softmax.hpp).
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    if (a.dx) kernels::softmax_backward(b, geometry<In>(a.batch), Log, a.y, a.dy, a.dx);
  }
};

}  // namespace detail

/// Softmax along PyTorch's dimension Dim, as torch.nn.Softmax(dim=Dim): exp(x - max) / sum,
/// numerically stable. Dim counts as in PyTorch (1 is a sample's first dimension, -1 its last;
/// 0, the batch, is refused). Softmax is SoftmaxOf<-1>.
template <int Dim>
struct SoftmaxOf : detail::softmax_along<Dim, false> {
  static constexpr std::string_view name = "Softmax";  ///< The layer's name in summaries.
  /// The layer as PyTorch prints it, e.g. "Softmax(dim=-1)".
  static std::string describe() { return "Softmax(dim=" + std::to_string(Dim) + ")"; }
};
/// Softmax over a sample's last dimension, torch.nn.Softmax(dim=-1).
using Softmax = SoftmaxOf<-1>;

/// Log-softmax along PyTorch's dimension Dim, as torch.nn.LogSoftmax(dim=Dim):
/// x - max - log(sum(exp(x - max))).
/// LogSoftmax is LogSoftmaxOf<-1>.
template <int Dim>
struct LogSoftmaxOf : detail::softmax_along<Dim, true> {
  static constexpr std::string_view name = "LogSoftmax";  ///< The layer's name in summaries.
  /// The layer as PyTorch prints it, e.g. "LogSoftmax(dim=-1)".
  static std::string describe() { return "LogSoftmax(dim=" + std::to_string(Dim) + ")"; }
};
/// Log-softmax over a sample's last dimension, torch.nn.LogSoftmax(dim=-1).
using LogSoftmax = LogSoftmaxOf<-1>;

}  // namespace lamina
