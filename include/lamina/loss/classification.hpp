#pragma once
// Classification losses on logits. CrossEntropy (torch.nn.CrossEntropyLoss): log-softmax and negative log-likelihood
// fused, which is stable for any logits, with optional label smoothing.
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../kernels/cpu/softmax.hpp"
#include "reduction.hpp"

namespace lamina::loss {

struct CrossEntropy {
  float label_smoothing = 0.0f;
  reduction reduce = reduction::mean;

  // logits [N, C]; targets: N class indices in [0, C).
  float operator()(ConstTensorView logits, std::span<const std::int32_t> targets,
                   TensorView grad = {}) const {
    return (*this)(cpu{}, logits, targets, grad);
  }
  // On a backend: logits and grad in its memory, targets on the host (checked there).
  template <lamina::Backend Backend>
  float operator()(Backend, ConstTensorView logits, std::span<const std::int32_t> targets,
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
    const double eps = label_smoothing, scale = reduce == reduction::mean ? 1.0 / double(n) : 1.0;
    if constexpr (!std::is_same_v<Backend, cpu>) {
      for (std::size_t i = 0; i < n; ++i) check_target(targets[i], i, c);
      return kernels::cross_entropy(Backend{}, kernels::cross_entropy_args{
          .logits = logits.data, .targets = targets.data(), .n = n, .classes = c, .label_smoothing = eps,
          .scale = scale, .grad = grad.data});
    }
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t t = targets[i];
      check_target(t, i, c);
      const float* x = logits.data + i * c;
      const float lse = kernels::logsumexp(x, c);
      // -sum_k q_k log p_k with q = (1 - eps) onehot(t) + eps / C.
      double mean_logp = 0.0;
      if (eps > 0)
        for (std::size_t k = 0; k < c; ++k) mean_logp += double(x[k] - lse);
      total += -(1.0 - eps) * double(x[t] - lse) - eps * mean_logp / double(c);
      if (grad.data) {
        float* g = grad.data + i * c;
        for (std::size_t k = 0; k < c; ++k) {
          const double q = (std::size_t(t) == k ? 1.0 - eps : 0.0) + eps / double(c);
          g[k] = float((std::exp(double(x[k] - lse)) - q) * scale);
        }
      }
    }
    return float(total * scale);
  }

 private:
  static void check_target(std::int32_t t, std::size_t i, std::size_t c) {
    if (t < 0 || std::size_t(t) >= c)
      throw std::out_of_range("lamina::loss::CrossEntropy: target " + std::to_string(i) + " is " +
                              std::to_string(t) + ", expected a class index in [0, " +
                              std::to_string(c) + ")");
  }
};

// Binary cross-entropy on logits (torch.nn.BCEWithLogitsLoss), stable for any logit:
// l = max(x, 0) - x t + log(1 + exp(-|x|)), dl/dx = sigmoid(x) - t.
struct BCEWithLogits {
  reduction reduce = reduction::mean;
  float operator()(ConstTensorView logits, ConstTensorView targets, TensorView grad = {}) const {
    return (*this)(cpu{}, logits, targets, grad);
  }
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView logits, ConstTensorView targets, TensorView grad = {}) const {
    return detail::pointwise_on(b, kernels::device::pointwise_kind::bce_with_logits, 0.0, "BCEWithLogits", logits,
        targets, grad, reduce,
        [](double x, double t) { return std::max(x, 0.0) - x * t + std::log1p(std::exp(-std::abs(x))); },
        [](double x, double t) { return 1.0 / (1.0 + std::exp(-x)) - t; });
  }
};

}  // namespace lamina::loss
