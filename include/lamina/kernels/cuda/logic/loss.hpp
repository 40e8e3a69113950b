#pragma once
// Loss bodies: cross-entropy one row per index, the point-wise losses one element per index.
// Each writes its term of the loss (double) and, when asked, the gradient; the total is a
// deterministic segmented sum (reduce.hpp). The point-wise formulas are the ones the CPU
// losses evaluate (loss/regression.hpp and loss/classification.hpp call the same functions).
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../../../core/config.hpp"

namespace lamina::kernels::device {

// -sum_k q_k log p_k with q = (1 - eps) onehot(t) + eps / C; grad = (p - q) * scale.
struct cross_entropy_row_op {
  const float* logits; const std::int32_t* targets; std::size_t classes; double eps, scale; double* row_loss;
  float* grad;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
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
    row_loss[i] = -(1.0 - eps) * double(x[t] - lse) - eps * mean_logp / double(c);
    if (grad) {
      float* g = grad + i * c;
      for (std::size_t k = 0; k < c; ++k) {
        const double q = (t == k ? 1.0 - eps : 0.0) + eps / double(c);
        g[k] = float((::exp(double(x[k] - lse)) - q) * scale);
      }
    }
  }
};

// The point-wise losses: value(p, t) and derivative(p, t) in double.
enum class pointwise_kind : int { mse, l1, huber, bce_with_logits };

struct pointwise_loss_fn {
  pointwise_kind kind; double delta;  // delta: Huber's
  LAMINA_HOST_DEVICE double value(double p, double t) const {
    switch (kind) {
      case pointwise_kind::mse: return (p - t) * (p - t);
      case pointwise_kind::l1: return ::fabs(p - t);
      case pointwise_kind::huber: {
        const double e = ::fabs(p - t);
        return e <= delta ? 0.5 * e * e : delta * (e - 0.5 * delta);
      }
      default: return (p < 0.0 ? 0.0 : p) - p * t + ::log1p(::exp(-::fabs(p)));
    }
  }
  LAMINA_HOST_DEVICE double derivative(double p, double t) const {
    switch (kind) {
      case pointwise_kind::mse: return 2.0 * (p - t);
      case pointwise_kind::l1: return double((p > t) - (p < t));
      case pointwise_kind::huber: {
        const double e = p - t;
        return ::fabs(e) <= delta ? e : delta * double((e > 0) - (e < 0));
      }
      default: return 1.0 / (1.0 + ::exp(-p)) - t;
    }
  }
};

struct pointwise_loss_op {
  pointwise_loss_fn fn; const float* pred; const float* target; double scale; double* term; float* grad;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    term[i] = fn.value(pred[i], target[i]);
    if (grad) grad[i] = float(fn.derivative(pred[i], target[i]) * scale);
  }
};

}  // namespace lamina::kernels::device
