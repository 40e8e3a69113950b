#pragma once
// Classification losses on logits. CrossEntropy (torch.nn.CrossEntropyLoss): log-softmax and negative log-likelihood
// fused, which is stable for any logits, with optional label smoothing.
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "../core/config.hpp"
#include "reduction.hpp"

namespace lamina::loss {

namespace detail {
// Row i's term: -sum_k q_k log p_k with q = (1 - eps) onehot(t) + eps / C, and its gradient
// (p - q) * scale; log-sum-exp from the row's maximum, summed in double.
struct cross_entropy_row {
  const float* logits; const std::int32_t* targets; std::size_t classes; double eps, scale; float* grad;
  LAMINA_HOST_DEVICE double operator()(std::size_t i) const {
    const std::size_t c = classes;
    const float* x = logits + i * c;
    float m = x[0];
    for (std::size_t k = 1; k < c; ++k) m = x[k] > m ? x[k] : m;
    double s = 0.0;
    for (std::size_t k = 0; k < c; ++k) s += ::exp(double(x[k] - m));
    const float lse = m + float(::log(s));
    const std::size_t t = std::size_t(targets[i]);
    double mean_logp = 0.0;
    if (eps > 0)
      for (std::size_t k = 0; k < c; ++k) mean_logp += double(x[k] - lse);
    if (grad) {
      float* g = grad + i * c;
      for (std::size_t k = 0; k < c; ++k) {
        const double q = (t == k ? 1.0 - eps : 0.0) + eps / double(c);
        g[k] = float((::exp(double(x[k] - lse)) - q) * scale);
      }
    }
    return -(1.0 - eps) * double(x[t] - lse) - eps * mean_logp / double(c);
  }
};

// Binary cross-entropy on logits: l = max(x, 0) - x t + log(1 + exp(-|x|)), dl/dx = sigmoid(x) - t.
struct bce_with_logits_term {
  LAMINA_HOST_DEVICE double value(double x, double t) const {
    return (x < 0.0 ? 0.0 : x) - x * t + ::log1p(::exp(-::fabs(x)));
  }
  LAMINA_HOST_DEVICE double derivative(double x, double t) const { return 1.0 / (1.0 + ::exp(-x)) - t; }
};
}  // namespace detail

/// Cross-entropy of logits against class indices, as torch.nn.CrossEntropyLoss: log-softmax
/// and negative log-likelihood fused, which is stable for any logits, with optional label
/// smoothing.
struct CrossEntropy {
  float label_smoothing = 0.0f;        ///< PyTorch's label_smoothing: the share spread over all classes.
  reduction reduce = reduction::mean;  ///< Mean or sum over the samples.

  /// The loss of logits [N, C] for targets: N class indices in [0, C) (checked); writes
  /// dLoss/dlogits into `grad` when given one.
  float operator()(ConstTensorView logits, std::span<const std::int32_t> targets,
                   TensorView grad = {}) const {
    return (*this)(cpu{}, logits, targets, grad);
  }
  /// On a backend: logits and grad in its memory, targets on the host (checked there). One
  /// detail::cross_entropy_row per sample, summed in a fixed order.
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView logits, std::span<const std::int32_t> targets,
                   TensorView grad = {}) const {
    if (logits.rank() < 2)
      throw std::invalid_argument("lamina::loss::CrossEntropy: logits must be [batch, classes], got " +
                                  to_string(logits.shape));
    if (logits.shape[0] == 0 || logits.size() == 0)
      throw std::invalid_argument("lamina::loss::CrossEntropy: logits " + to_string(logits.shape) +
                                  " hold no samples; a batch needs at least one");
    const std::size_t n = logits.shape[0], c = logits.size() / n;
    if (targets.size() != n)
      throw std::invalid_argument("lamina::loss::CrossEntropy: got " + std::to_string(targets.size()) +
                                  " targets, expected one per sample (" + std::to_string(n) + ")");
    if (grad.data && grad.size() != logits.size())
      throw std::invalid_argument("lamina::loss::CrossEntropy: gradient has " +
                                  std::to_string(grad.size()) + " values, expected " +
                                  std::to_string(logits.size()));
    const double scale = reduce == reduction::mean ? 1.0 / double(n) : 1.0;
    for (std::size_t i = 0; i < n; ++i) check_target(targets[i], i, c);
    const auto t = kernels::readable(b, targets.data(), n);
    return float(kernels::sum_terms(b, n, detail::cross_entropy_row{logits.data, t.get(), c, label_smoothing, scale,
                                                                      grad.data}) * scale);
  }

 private:
  static void check_target(std::int32_t t, std::size_t i, std::size_t c) {
    if (t < 0 || std::size_t(t) >= c)
      throw std::out_of_range("lamina::loss::CrossEntropy: target " + std::to_string(i) + " is " +
                              std::to_string(t) + ", expected a class index in [0, " +
                              std::to_string(c) + ")");
  }
};

/// Binary cross-entropy on logits (torch.nn.BCEWithLogitsLoss), stable for any logit.
struct BCEWithLogits {
  reduction reduce = reduction::mean;  ///< Mean or sum over the elements.
  /// The loss of logits against targets in [0, 1] of the same size; writes dLoss/dlogits
  /// (sigmoid(x) - t, reduced) into `grad` when given one.
  float operator()(ConstTensorView logits, ConstTensorView targets, TensorView grad = {}) const {
    return (*this)(cpu{}, logits, targets, grad);
  }
  /// The same on a backend: logits and grad in its memory, targets in host or backend memory.
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView logits, ConstTensorView targets, TensorView grad = {}) const {
    return detail::pointwise(b, "BCEWithLogits", detail::bce_with_logits_term{}, logits, targets, grad, reduce);
  }
};

}  // namespace lamina::loss
