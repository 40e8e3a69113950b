#pragma once
// Shared pieces of the losses: the reduction and the argument checks.
#include <concepts>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../core/backend.hpp"
#include "../core/tensor.hpp"
#include "../core/type_list.hpp"
#include "../kernels/kernels.hpp"
#include "../kernels/cuda/logic/loss.hpp"

namespace lamina::loss {

enum class reduction { mean, sum };

namespace detail {
inline void check_same_size(const char* loss, ConstTensorView pred, std::size_t target_size,
                            TensorView grad) {
  if (pred.size() == 0)
    throw std::invalid_argument(std::string("lamina::loss::") + loss + ": the prediction " + to_string(pred.shape) +
                                " holds no values; a batch needs at least one sample");
  if (target_size != pred.size())
    throw std::invalid_argument(std::string("lamina::loss::") + loss + ": target has " +
                                std::to_string(target_size) + " values, expected " +
                                std::to_string(pred.size()) + " (prediction shape " +
                                to_string(pred.shape) + ")");
  if (grad.data && grad.size() != pred.size())
    throw std::invalid_argument(std::string("lamina::loss::") + loss + ": gradient has " +
                                std::to_string(grad.size()) + " values, expected " +
                                std::to_string(pred.size()));
}

// sum_i f(p_i, t_i) in double and in index order (thread-count independent); when grad is
// given, grad_i = df(p_i, t_i) * scale.
template <class F, class DF>
float pointwise(const char* loss, ConstTensorView pred, ConstTensorView target, TensorView grad,
                reduction r, F f, DF df) {
  check_same_size(loss, pred, target.size(), grad);
  const std::size_t n = pred.size();
  const double scale = r == reduction::mean && n ? 1.0 / double(n) : 1.0;
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += f(pred[i], target[i]);
  if (grad.data)
    for (std::size_t i = 0; i < n; ++i) grad[i] = float(df(pred[i], target[i]) * scale);
  return float(total * scale);
}

// The point-wise loss `kind` on `backend`: the CPU loop above, else the backend's kernel.
template <class Backend, class F, class DF>
float pointwise_on(Backend, kernels::device::pointwise_kind kind, double delta, const char* loss, ConstTensorView pred,
                   ConstTensorView target, TensorView grad, reduction r, F f, DF df) {
  if constexpr (std::is_same_v<Backend, cpu>) {
    return pointwise(loss, pred, target, grad, r, f, df);
  } else {
    check_same_size(loss, pred, target.size(), grad);
    const std::size_t n = pred.size();
    return kernels::pointwise_loss(Backend{}, kernels::pointwise_loss_args{
        .kind = int(kind), .delta = delta, .pred = pred.data, .target = target.data, .n = n,
        .scale = r == reduction::mean && n ? 1.0 / double(n) : 1.0, .grad = grad.data});
  }
}
}  // namespace detail

// Backends: every lamina loss is callable as loss(pred, target, grad) on the CPU and as
// loss(backend, pred, target, grad) on any backend (pred and grad in that backend's memory,
// e.g. model.output() and model.output_grad(); targets in host or backend memory).
// evaluate() is what training loops call: the backend form when the loss has one, otherwise
// (a loss of yours with only the CPU form) the CPU form, which then needs a CPU model.
template <class Backend, class Loss, class Pred, class Target, class Grad>
float evaluate(const Loss& loss, Backend backend, const Pred& pred, const Target& target, const Grad& grad) {
  if constexpr (requires { { loss(backend, pred, target, grad) } -> std::convertible_to<float>; }) {
    return loss(backend, pred, target, grad);
  } else {
    static_assert(std::is_same_v<Backend, cpu>,
                  "lamina::loss::evaluate: this loss has no overload for the model's backend. Give it "
                  "`template <class Backend> float operator()(Backend, ConstTensorView pred, Target target, "
                  "TensorView grad) const` (see lamina::loss::MSE).");
    return loss(pred, target, grad);
  }
}

}  // namespace lamina::loss
