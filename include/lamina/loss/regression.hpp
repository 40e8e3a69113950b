#pragma once
// Point-wise regression losses with torch.nn semantics: MSELoss, L1Loss, HuberLoss.
// Each returns the loss and, given a gradient view (model.output_grad()), writes dLoss/dpred.
#include <cmath>

#include "reduction.hpp"

namespace lamina::loss {

struct MSE {
  reduction reduce = reduction::mean;
  float operator()(ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return detail::pointwise("MSE", pred, target, grad, reduce,
        [](double p, double t) { return (p - t) * (p - t); },
        [](double p, double t) { return 2.0 * (p - t); });
  }
};

// d|x|/dx at 0 is 0, as torch.sign gives.
struct L1 {
  reduction reduce = reduction::mean;
  float operator()(ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    return detail::pointwise("L1", pred, target, grad, reduce,
        [](double p, double t) { return std::abs(p - t); },
        [](double p, double t) { return double((p > t) - (p < t)); });
  }
};

struct Huber {
  float delta = 1.0f;
  reduction reduce = reduction::mean;
  float operator()(ConstTensorView pred, ConstTensorView target, TensorView grad = {}) const {
    const double d = delta;
    return detail::pointwise("Huber", pred, target, grad, reduce,
        [d](double p, double t) {
          const double e = std::abs(p - t);
          return e <= d ? 0.5 * e * e : d * (e - 0.5 * d);
        },
        [d](double p, double t) {
          const double e = p - t;
          return std::abs(e) <= d ? e : d * double((e > 0) - (e < 0));
        });
  }
};

}  // namespace lamina::loss
