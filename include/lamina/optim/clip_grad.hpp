#pragma once
// Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_, on the model's own
// backend: call it between model.backward() and optimizer.step() (the Trainer does, with
// trainer_options::clip_grad_norm / clip_grad_value).
//   model.backward();
//   const double norm = lm::optim::clip_grad_norm(model, 1.0);  // the norm before clipping
//   opt.step();
// clip_grad_norm scales every gradient by max_norm / (norm + 1e-6) when that is below 1, where
// norm is the p-norm of all gradients together (p = 2 by default; infinity for the largest |g|).
// clip_grad_value clamps each gradient to [-value, value].
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/backend.hpp"
#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "../kernels/kernels.hpp"

namespace lamina::optim {

/// clip_grad_norm's options: torch.nn.utils.clip_grad_norm_'s norm_type and error_if_nonfinite.
struct clip_grad_norm_options {
  double norm_type = 2.0;  ///< p > 0, or std::numeric_limits<double>::infinity()
  bool error_if_nonfinite = false;  ///< throw when the norm is NaN or infinite (gradients untouched)
};

namespace detail {
// |g[i]|^p in double: one term of the p-norm's sum.
struct pow_abs_term {
  const float* g;
  double p;
  LAMINA_HOST_DEVICE double operator()(std::size_t i) const {
    const double a = g[i] < 0 ? -double(g[i]) : double(g[i]);
    return p == 2.0 ? a * a : p == 1.0 ? a : pow(a, p);
  }
};
}  // namespace detail

/// Scales the gradients `grads` (backend memory) of any backend by max_norm / (norm + 1e-6)
/// when that is below 1, as torch.nn.utils.clip_grad_norm_; returns their norm before clipping.
template <class Backend>
double clip_grad_norm(Backend, TensorView grads, double max_norm, clip_grad_norm_options options = {}) {
  const double p = options.norm_type;
  if (!(max_norm >= 0))
    throw std::invalid_argument("lamina::optim::clip_grad_norm: max_norm must be >= 0, got " + std::to_string(max_norm));
  if (!(p > 0))
    throw std::invalid_argument("lamina::optim::clip_grad_norm: norm_type must be > 0 (or infinity), got " +
                                std::to_string(p));
  const std::size_t n = grads.size();
  double norm = 0;
  if (std::isinf(p)) {  // the largest |g|: a host pass (a copy from a device)
    std::vector<float> scratch;
    const float* g = kernels::on_host(Backend{}, grads.data, n, scratch);
    for (std::size_t i = 0; i < n; ++i) {
      const double a = std::abs(double(g[i]));
      if (std::isnan(a)) {  // a NaN norm, as PyTorch's
        norm = a;
        break;
      }
      norm = std::max(norm, a);
    }
  } else {
    norm = std::pow(kernels::sum_terms(Backend{}, n, detail::pow_abs_term{grads.data, p}), 1.0 / p);
  }
  if (options.error_if_nonfinite && !std::isfinite(norm))
    throw std::runtime_error("lamina::optim::clip_grad_norm: the total norm of order " + std::to_string(p) +
                             " of the gradients is " + std::to_string(norm) +
                             "; they cannot be clipped (error_if_nonfinite is set)");
  // PyTorch's float32 coefficient, clamped to 1; a NaN norm makes every gradient NaN, as there.
  const float coef = float(max_norm / (norm + 1e-6));
  if (coef < 1.0f || std::isnan(coef)) kernels::map(Backend{}, n, grads.data, kernels::fn::scale{coef}, grads.data);
  return norm;
}

/// The same for every parameter's gradient of `model`, after model.backward().
template <class Model>
double clip_grad_norm(Model& model, double max_norm, clip_grad_norm_options options = {}) {
  return clip_grad_norm(backend_of_t<Model>{}, model.gradients(), max_norm, options);
}

/// Clamps each gradient in `grads` (backend memory) to [-value, value], as
/// torch.nn.utils.clip_grad_value_.
template <class Backend>
void clip_grad_value(Backend, TensorView grads, double value) {
  if (!(value >= 0))
    throw std::invalid_argument("lamina::optim::clip_grad_value: value must be >= 0, got " + std::to_string(value));
  kernels::map(Backend{}, grads.size(), grads.data, kernels::fn::clamp_abs{float(value)}, grads.data);
}

/// The same for every parameter's gradient of `model`, after model.backward().
template <class Model>
void clip_grad_value(Model& model, double value) {
  clip_grad_value(backend_of_t<Model>{}, model.gradients(), value);
}

}  // namespace lamina::optim
