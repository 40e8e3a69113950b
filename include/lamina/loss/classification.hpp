#pragma once
// Classification losses. CrossEntropy (torch.nn.CrossEntropyLoss): log-softmax and negative
// log-likelihood fused, which is stable for any logits, with PyTorch's options; NLL on
// log-probabilities; binary cross-entropy on logits and on probabilities; KLDiv between
// distributions.
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "reduction.hpp"

namespace lamina::loss {

namespace detail {
// Row i's term of cross-entropy on logits x (PyTorch's CrossEntropyLoss), and its gradient times
// `scale`; log-sum-exp from the row's maximum, sums in double. With class indices t: the term is
// -(1 - eps) w_t logp_t - eps / C sum_k w_k logp_k and its gradient
// (1 - eps) w_t (p_k - [k = t]) + eps / C (W p_k - w_k), W = sum_k w_k; a row whose target is
// ignore_index contributes nothing. With class probabilities q (`probs`): q' = (1 - eps) q + eps / C,
// the term -sum_k w_k q'_k logp_k and its gradient p_k sum_j w_j q'_j - w_k q'_k. Null weights
// count as 1.
struct cross_entropy_row {
  const float* logits; const std::int32_t* targets; const float* probs; const float* weights; std::size_t classes;
  std::int32_t ignore_index; double eps, scale; float* grad;
  LAMINA_HOST_DEVICE double w(std::size_t k) const { return weights ? double(weights[k]) : 1.0; }
  LAMINA_HOST_DEVICE double operator()(std::size_t i) const {
    const std::size_t c = classes;
    const float* x = logits + i * c;
    float* g = grad ? grad + i * c : nullptr;
    if (targets && targets[i] == ignore_index) {
      if (g)
        for (std::size_t k = 0; k < c; ++k) g[k] = 0.f;
      return 0.0;
    }
    float m = x[0];
    for (std::size_t k = 1; k < c; ++k) m = x[k] > m ? x[k] : m;
    double s = 0.0;
    for (std::size_t k = 0; k < c; ++k) s += ::exp(double(x[k] - m));
    const float lse = m + float(::log(s));
    const double smooth = eps / double(c);
    double loss = 0.0, mass = 0.0;  // mass: sum_k w_k q'_k (probabilities) or W (indices)
    if (probs) {
      for (std::size_t k = 0; k < c; ++k) {
        const double wq = w(k) * ((1.0 - eps) * probs[i * c + k] + smooth);
        loss -= wq * double(x[k] - lse);
        mass += wq;
      }
    } else {
      const std::size_t t = std::size_t(targets[i]);
      loss = -(1.0 - eps) * w(t) * double(x[t] - lse);
      if (eps > 0)
        for (std::size_t k = 0; k < c; ++k) loss -= smooth * w(k) * double(x[k] - lse), mass += w(k);
    }
    if (g)
      for (std::size_t k = 0; k < c; ++k) {
        const double p = ::exp(double(x[k] - lse));
        double d;
        if (probs) {
          d = p * mass - w(k) * ((1.0 - eps) * probs[i * c + k] + smooth);
        } else {
          const std::size_t t = std::size_t(targets[i]);
          d = (1.0 - eps) * w(t) * (p - (k == t ? 1.0 : 0.0)) + smooth * (mass * p - w(k));
        }
        g[k] = float(d * scale);
      }
    return loss;
  }
};

// Row i's term of the negative log-likelihood of log-probabilities x (PyTorch's NLLLoss):
// -w_t x_t, its gradient -w_t scale at t and 0 elsewhere; nothing for a target of ignore_index.
struct nll_row {
  const float* logp; const std::int32_t* targets; const float* weights; std::size_t classes; std::int32_t ignore_index;
  double scale; float* grad;
  LAMINA_HOST_DEVICE double operator()(std::size_t i) const {
    const std::int32_t t = targets[i];
    if (grad)
      for (std::size_t k = 0; k < classes; ++k) grad[i * classes + k] = 0.f;
    if (t == ignore_index) return 0.0;
    const double wt = weights ? double(weights[t]) : 1.0;
    if (grad) grad[i * classes + std::size_t(t)] = float(-wt * scale);
    return -wt * double(logp[i * classes + std::size_t(t)]);
  }
};

// Binary cross-entropy on logits: l = max(x, 0) - x t + log(1 + exp(-|x|)), dl/dx = sigmoid(x) - t.
struct bce_with_logits_term {
  LAMINA_HOST_DEVICE double value(double x, double t) const {
    return (x < 0.0 ? 0.0 : x) - x * t + ::log1p(::exp(-::fabs(x)));
  }
  LAMINA_HOST_DEVICE double derivative(double x, double t) const { return 1.0 / (1.0 + ::exp(-x)) - t; }
};
// Binary cross-entropy on probabilities, as PyTorch computes it: each log clamped at -100, the
// derivative (p - t) / max(p (1 - p), 1e-12).
struct bce_term {
  LAMINA_HOST_DEVICE double value(double p, double t) const {
    const double lp = ::log(p), lq = ::log(1.0 - p);
    return -(t * (lp > -100.0 ? lp : -100.0) + (1.0 - t) * (lq > -100.0 ? lq : -100.0));
  }
  LAMINA_HOST_DEVICE double derivative(double p, double t) const {
    const double d = p * (1.0 - p);
    return (p - t) / (d > 1e-12 ? d : 1e-12);
  }
};
// Kullback-Leibler divergence of log-probabilities x from target t (PyTorch's KLDivLoss):
// t (log t - x), 0 where t = 0, derivative -t; with log targets exp(t) (t - x), derivative -exp(t).
struct kl_div_term {
  bool log_target;
  LAMINA_HOST_DEVICE double value(double x, double t) const {
    if (log_target) return ::exp(t) * (t - x);
    return t > 0.0 ? t * (::log(t) - x) : 0.0;
  }
  LAMINA_HOST_DEVICE double derivative(double, double t) const { return log_target ? -::exp(t) : -t; }
};

// The checks shared by CrossEntropy and NLL: x [N, C, ...] non-empty, one target per sample,
// each a class index or ignore_index, weights empty or one per class, grad the size of x.
// Returns the mean reduction's divisor: the summed weights of the samples not ignored.
inline double check_class_targets(const char* loss, ConstTensorView x, std::span<const std::int32_t> targets,
                                  const std::vector<float>& weights, std::int32_t ignore_index, TensorView grad) {
  // Messages are built only on failure: a training step allocates nothing.
  auto who = [loss] { return std::string("lamina::loss::") + loss; };
  if (x.rank() < 2)
    throw std::invalid_argument(who() + ": the prediction must be [batch, classes], got " + to_string(x.shape));
  if (x.shape[0] == 0 || x.size() == 0)
    throw std::invalid_argument(who() + ": the prediction " + to_string(x.shape) +
                                " holds no samples; a batch needs at least one");
  const std::size_t n = x.shape[0], c = x.size() / n;
  if (targets.size() != n)
    throw std::invalid_argument(who() + ": got " + std::to_string(targets.size()) +
                                " targets, expected one per sample (" + std::to_string(n) + ")");
  if (!weights.empty() && weights.size() != c)
    throw std::invalid_argument(who() + ": weight has " + std::to_string(weights.size()) +
                                " values, expected one per class (" + std::to_string(c) + ")");
  if (grad.data && grad.size() != x.size())
    throw std::invalid_argument(who() + ": gradient has " + std::to_string(grad.size()) + " values, expected " +
                                std::to_string(x.size()));
  double divisor = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t t = targets[i];
    if (t == ignore_index) continue;
    if (t < 0 || std::size_t(t) >= c)
      throw std::out_of_range(who() + ": target " + std::to_string(i) + " is " + std::to_string(t) +
                              ", expected a class index in [0, " + std::to_string(c) + ") or ignore_index (" +
                              std::to_string(ignore_index) + ")");
    divisor += weights.empty() ? 1.0 : double(weights[std::size_t(t)]);
  }
  return divisor;
}
}  // namespace detail

/// Cross-entropy of logits, as torch.nn.CrossEntropyLoss: log-softmax and negative
/// log-likelihood fused, which is stable for any logits. Targets are class indices or class
/// probabilities; options are PyTorch's: class weights, ignore_index, label smoothing, mean or
/// sum (the mean over class indices divides by the summed weights of the samples not ignored,
/// over probabilities by the batch size).
struct CrossEntropy {
  float label_smoothing = 0.0f;        ///< PyTorch's label_smoothing: the share spread over all classes.
  reduction reduce = reduction::mean;  ///< Mean or sum over the samples.
  std::vector<float> weight = {};      ///< A weight per class (PyTorch's weight); empty: all 1.
  std::int32_t ignore_index = -100;    ///< Samples with this target add nothing (class-index targets).

  /// The loss of logits [N, C] for targets: N class indices in [0, C) or ignore_index
  /// (checked); writes dLoss/dlogits into `grad` when given one.
  float operator()(ConstTensorView logits, std::span<const std::int32_t> targets,
                   TensorView grad = {}) const {
    return (*this)(cpu{}, logits, targets, grad);
  }
  /// The loss of logits [N, C] for class probabilities [N, C] (each row a distribution, as
  /// PyTorch's probability targets); writes dLoss/dlogits into `grad` when given one.
  float operator()(ConstTensorView logits, ConstTensorView probabilities, TensorView grad = {}) const {
    return (*this)(cpu{}, logits, probabilities, grad);
  }
  /// On a backend: logits and grad in its memory, targets on the host (checked there). One
  /// detail::cross_entropy_row per sample, summed in a fixed order.
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView logits, std::span<const std::int32_t> targets,
                   TensorView grad = {}) const {
    const double divisor = detail::check_class_targets("CrossEntropy", logits, targets, weight, ignore_index, grad);
    const std::size_t n = logits.shape[0], c = logits.size() / n;
    const double scale = reduce == reduction::sum ? 1.0 : reduce == reduction::mean ? 1.0 / divisor : 1.0 / double(n);
    const auto t = kernels::readable(b, targets.data(), n);
    const auto w = kernels::readable(b, weight.empty() ? nullptr : weight.data(), weight.size());
    return float(kernels::sum_terms(b, n, detail::cross_entropy_row{logits.data, t.get(), nullptr, w.get(), c,
                                                                      ignore_index, label_smoothing, scale,
                                                                      grad.data}) * scale);
  }
  /// On a backend, for class probabilities in host or backend memory.
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView logits, ConstTensorView probabilities, TensorView grad = {}) const {
    if (logits.rank() < 2 || logits.shape[0] == 0)
      throw std::invalid_argument("lamina::loss::CrossEntropy: logits must be [batch, classes], got " +
                                  to_string(logits.shape));
    detail::check_same_size("CrossEntropy", logits, probabilities.size(), grad);
    const std::size_t n = logits.shape[0], c = logits.size() / n;
    if (!weight.empty() && weight.size() != c)
      throw std::invalid_argument("lamina::loss::CrossEntropy: weight has " + std::to_string(weight.size()) +
                                  " values, expected one per class (" + std::to_string(c) + ")");
    const double scale = reduce == reduction::sum ? 1.0 : 1.0 / double(n);
    const auto q = kernels::readable(b, probabilities.data, probabilities.size());
    const auto w = kernels::readable(b, weight.empty() ? nullptr : weight.data(), weight.size());
    return float(kernels::sum_terms(b, n, detail::cross_entropy_row{logits.data, nullptr, q.get(), w.get(), c,
                                                                      ignore_index, label_smoothing, scale,
                                                                      grad.data}) * scale);
  }
};

/// Negative log-likelihood of log-probabilities (e.g. a LogSoftmax's output) against class
/// indices, as torch.nn.NLLLoss: -weight[t] logp[t] per sample; LogSoftmax followed by NLL is
/// CrossEntropy. The mean divides by the summed weights of the samples not ignored.
struct NLL {
  reduction reduce = reduction::mean;  ///< Mean or sum over the samples.
  std::vector<float> weight = {};      ///< A weight per class (PyTorch's weight); empty: all 1.
  std::int32_t ignore_index = -100;    ///< Samples with this target add nothing.

  /// The loss of log-probabilities [N, C] for N class indices in [0, C) or ignore_index
  /// (checked); writes dLoss/dlogp into `grad` when given one.
  float operator()(ConstTensorView logp, std::span<const std::int32_t> targets, TensorView grad = {}) const {
    return (*this)(cpu{}, logp, targets, grad);
  }
  /// The same on a backend: logp and grad in its memory, targets on the host.
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView logp, std::span<const std::int32_t> targets, TensorView grad = {}) const {
    const double divisor = detail::check_class_targets("NLL", logp, targets, weight, ignore_index, grad);
    const std::size_t n = logp.shape[0], c = logp.size() / n;
    const double scale = reduce == reduction::sum ? 1.0 : reduce == reduction::mean ? 1.0 / divisor : 1.0 / double(n);
    const auto t = kernels::readable(b, targets.data(), n);
    const auto w = kernels::readable(b, weight.empty() ? nullptr : weight.data(), weight.size());
    return float(kernels::sum_terms(b, n, detail::nll_row{logp.data, t.get(), w.get(), c, ignore_index, scale,
                                                           grad.data}) * scale);
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

/// Binary cross-entropy on probabilities in [0, 1] (a Sigmoid's output), as torch.nn.BCELoss:
/// each log clamped at -100 as PyTorch does. BCEWithLogits on the logits is more stable.
struct BCE {
  reduction reduce = reduction::mean;  ///< Mean or sum over the elements.
  /// The loss of probabilities against targets in [0, 1] of the same size; writes dLoss/dp
  /// into `grad` when given one.
  float operator()(ConstTensorView probabilities, ConstTensorView targets, TensorView grad = {}) const {
    return (*this)(cpu{}, probabilities, targets, grad);
  }
  /// The same on a backend: probabilities and grad in its memory, targets in host or backend
  /// memory. In host memory the probabilities are checked to lie in [0, 1].
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView probabilities, ConstTensorView targets, TensorView grad = {}) const {
    if constexpr (kernels::host_memory<Backend>)
      for (std::size_t i = 0; i < probabilities.size(); ++i)
        if (!(probabilities.data[i] >= 0.f && probabilities.data[i] <= 1.f))
          throw std::invalid_argument("lamina::loss::BCE: input " + std::to_string(i) + " is " +
                                      std::to_string(probabilities.data[i]) +
                                      ", expected a probability in [0, 1] (for logits use BCEWithLogits)");
    return detail::pointwise(b, "BCE", detail::bce_term{}, probabilities, targets, grad, reduce);
  }
};

/// Kullback-Leibler divergence of log-probabilities x (a LogSoftmax's output) from a target
/// distribution, as torch.nn.KLDivLoss: t (log t - x) per element (exp(t) (t - x) with
/// log_target). PyTorch's default reduction is the mean over elements; `reduction::batchmean`
/// gives the divergence per sample.
struct KLDiv {
  reduction reduce = reduction::mean;  ///< Mean or sum over the elements, or batchmean.
  bool log_target = false;             ///< Whether the target holds log-probabilities.
  /// The divergence of the target from log-probabilities of the same size; writes dLoss/dx
  /// into `grad` when given one.
  float operator()(ConstTensorView logp, ConstTensorView target, TensorView grad = {}) const {
    return (*this)(cpu{}, logp, target, grad);
  }
  /// The same on a backend: logp and grad in its memory, target in host or backend memory.
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView logp, ConstTensorView target, TensorView grad = {}) const {
    return detail::pointwise(b, "KLDiv", detail::kl_div_term{log_target}, logp, target, grad, reduce);
  }
};

}  // namespace lamina::loss
