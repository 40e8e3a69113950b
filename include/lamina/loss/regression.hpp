#pragma once
// Point-wise regression losses with torch.nn semantics: MSELoss, L1Loss, HuberLoss.
// Each returns the loss and, given a gradient view (model.output_grad()), writes dLoss/dpred.
#include <cmath>

#include "reduction.hpp"

namespace lamina::loss {

// Each has the CPU form loss(pred, target, grad) and the backend form
// loss(backend, pred, target, grad) (see reduction.hpp); the formulas are shared with the
// device kernels (kernels/cuda/logic/loss.hpp).
namespace detail {
inline constexpr kernels::device::pointwise_loss_fn mse_fn{kernels::device::pointwise_kind::mse, 0.0};
inline constexpr kernels::device::pointwise_loss_fn l1_fn{kernels::device::pointwise_kind::l1, 0.0};
}  // namespace detail

struct MSE {
  reduction reduce = reduction::mean;
  float operator()(ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return (*this)(cpu{}, pred, target, grad);
  }
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return detail::pointwise_on(b, kernels::device::pointwise_kind::mse, 0.0, "MSE", pred, target, grad, reduce,
        [](double p, double t) { return detail::mse_fn.value(p, t); },
        [](double p, double t) { return detail::mse_fn.derivative(p, t); });
  }
};

// d|x|/dx at 0 is 0, as torch.sign gives.
struct L1 {
  reduction reduce = reduction::mean;
  float operator()(ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return (*this)(cpu{}, pred, target, grad);
  }
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return detail::pointwise_on(b, kernels::device::pointwise_kind::l1, 0.0, "L1", pred, target, grad, reduce,
        [](double p, double t) { return detail::l1_fn.value(p, t); },
        [](double p, double t) { return detail::l1_fn.derivative(p, t); });
  }
};

struct Huber {
  float delta = 1.0f;
  reduction reduce = reduction::mean;
  float operator()(ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return (*this)(cpu{}, pred, target, grad);
  }
  template <lamina::Backend Backend>
  float operator()(Backend b, ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    const kernels::device::pointwise_loss_fn fn{kernels::device::pointwise_kind::huber, double(delta)};
    return detail::pointwise_on(b, fn.kind, fn.delta, "Huber", pred, target, grad, reduce,
        [fn](double p, double t) { return fn.value(p, t); },
        [fn](double p, double t) { return fn.derivative(p, t); });
  }
};

}  // namespace lamina::loss
