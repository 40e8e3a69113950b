#pragma once
// Point-wise regression losses with torch.nn semantics: MSELoss, L1Loss, HuberLoss, SmoothL1Loss.
// Each returns the loss and, given a gradient view (model.output_grad()), writes dLoss/dpred.
// Each is called as loss(pred, target, grad) on the CPU or loss(backend, pred, target, grad)
// on any backend (see reduction.hpp); its formula is one functor that every backend runs.
#include <cmath>

#include "../core/config.hpp"
#include "reduction.hpp"

namespace lamina::loss {

namespace detail {
struct mse_term {
  LAMINA_HOST_DEVICE double value(double p, double t) const { return (p - t) * (p - t); }
  LAMINA_HOST_DEVICE double derivative(double p, double t) const { return 2.0 * (p - t); }
};
// d|x|/dx at 0 is 0, as torch.sign gives.
struct l1_term {
  LAMINA_HOST_DEVICE double value(double p, double t) const { return ::fabs(p - t); }
  LAMINA_HOST_DEVICE double derivative(double p, double t) const { return double((p > t) - (p < t)); }
};
struct huber_term {
  double delta;
  LAMINA_HOST_DEVICE double value(double p, double t) const {
    const double e = ::fabs(p - t);
    return e <= delta ? 0.5 * e * e : delta * (e - 0.5 * delta);
  }
  LAMINA_HOST_DEVICE double derivative(double p, double t) const {
    const double e = p - t;
    return ::fabs(e) <= delta ? e : delta * double((e > 0) - (e < 0));
  }
};
// Huber's divided by beta (SmoothL1Loss); beta = 0 is L1.
struct smooth_l1_term {
  double beta;
  LAMINA_HOST_DEVICE double value(double p, double t) const {
    const double e = ::fabs(p - t);
    return e < beta ? 0.5 * e * e / beta : e - 0.5 * beta;
  }
  LAMINA_HOST_DEVICE double derivative(double p, double t) const {
    const double e = p - t;
    return ::fabs(e) < beta ? e / beta : double((e > 0) - (e < 0));
  }
};
}  // namespace detail

/// Mean squared error, (pred - target)^2 per element, as torch.nn.MSELoss.
struct MSE {
  reduction reduce = reduction::mean;  ///< Mean or sum over the elements.
  /// The loss of pred against a target of the same size; writes dLoss/dpred into `grad` when
  /// given one (e.g. model.output_grad()).
  float operator()(ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return (*this)(cpu{}, pred, target, grad);
  }
  /// The same on a backend: pred and grad in its memory, target in host or backend memory.
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return detail::pointwise(b, "MSE", detail::mse_term{}, pred, target, grad, reduce);
  }
};

/// Mean absolute error, |pred - target| per element, as torch.nn.L1Loss.
struct L1 {
  reduction reduce = reduction::mean;  ///< Mean or sum over the elements.
  /// The loss of pred against a target of the same size; writes dLoss/dpred into `grad` when
  /// given one (e.g. model.output_grad()).
  float operator()(ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return (*this)(cpu{}, pred, target, grad);
  }
  /// The same on a backend: pred and grad in its memory, target in host or backend memory.
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return detail::pointwise(b, "L1", detail::l1_term{}, pred, target, grad, reduce);
  }
};

/// Huber loss, as torch.nn.HuberLoss(delta): 0.5 e^2 for |e| <= delta, else
/// delta (|e| - 0.5 delta), with e = pred - target.
struct Huber {
  float delta = 1.0f;                  ///< Where the loss turns from quadratic to linear.
  reduction reduce = reduction::mean;  ///< Mean or sum over the elements.
  /// The loss of pred against a target of the same size; writes dLoss/dpred into `grad` when
  /// given one (e.g. model.output_grad()).
  float operator()(ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return (*this)(cpu{}, pred, target, grad);
  }
  /// The same on a backend: pred and grad in its memory, target in host or backend memory.
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return detail::pointwise(b, "Huber", detail::huber_term{double(delta)}, pred, target, grad, reduce);
  }
};

/// Smooth L1 loss, as torch.nn.SmoothL1Loss(beta): 0.5 e^2 / beta for |e| < beta, else
/// |e| - 0.5 beta, with e = pred - target (Huber divided by beta; beta = 0 is L1).
struct SmoothL1 {
  float beta = 1.0f;                   ///< Where the loss turns from quadratic to linear (>= 0).
  reduction reduce = reduction::mean;  ///< Mean or sum over the elements.
  /// The loss of pred against a target of the same size; writes dLoss/dpred into `grad` when
  /// given one (e.g. model.output_grad()).
  float operator()(ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return (*this)(cpu{}, pred, target, grad);
  }
  /// The same on a backend: pred and grad in its memory, target in host or backend memory.
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    if (!(beta >= 0.f))
      throw std::invalid_argument("lamina::loss::SmoothL1: beta is " + std::to_string(beta) + ", expected >= 0");
    return detail::pointwise(b, "SmoothL1", detail::smooth_l1_term{double(beta)}, pred, target, grad, reduce);
  }
};

}  // namespace lamina::loss
