#pragma once
// Shared pieces of the losses: the reduction and the argument checks.
#include <concepts>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../core/backend.hpp"
#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "../core/type_list.hpp"
#include "../kernels/kernels.hpp"

namespace lamina::loss {

/// How a loss reduces its per-element (or per-sample) terms, as PyTorch's `reduction`
/// argument: their mean or their sum; `batchmean` divides the sum by the batch size (the first
/// dimension), as PyTorch recommends for KLDivLoss.
enum class reduction { mean, sum, batchmean };

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

// A point-wise loss's term for element i: Fn's value(p, t) (the loss) and derivative(p, t)
// (written to grad, times scale, when a gradient is asked for), in double.
template <class Fn>
struct pointwise_term {
  Fn fn; const float* pred; const float* target; double scale; float* grad;
  LAMINA_HOST_DEVICE double operator()(std::size_t i) const {
    const double p = pred[i], t = target[i];
    if (grad) grad[i] = float(fn.derivative(p, t) * scale);
    return fn.value(p, t);
  }
};

// The point-wise loss Fn on `backend`: the sum of its terms in a fixed order (thread-count
// independent), times 1/n for the mean. target may be host memory (read where the backend can).
template <class Backend, class Fn>
float pointwise(Backend backend, const char* loss, Fn fn, ConstTensorView pred, ConstTensorView target,
                TensorView grad, reduction r) {
  check_same_size(loss, pred, target.size(), grad);
  const std::size_t n = pred.size();
  const double scale = r == reduction::mean ? 1.0 / double(n)
                       : r == reduction::batchmean ? 1.0 / double(pred.rank() ? pred.shape[0] : 1)
                                                   : 1.0;
  const auto t = kernels::readable(backend, target.data, n);
  return float(kernels::sum_terms(backend, n, pointwise_term<Fn>{fn, pred.data, t.get(), scale, grad.data}) * scale);
}
}  // namespace detail

/// Backends: every lamina loss is callable as loss(pred, target, grad) on the CPU and as
/// loss(backend, pred, target, grad) on any backend (pred and grad in that backend's memory,
/// e.g. model.output() and model.output_grad(); targets in host or backend memory).
/// evaluate() is what training loops call: the backend form when the loss has one, otherwise
/// (a loss of yours with only the CPU form) the CPU form, which then needs a CPU model.
template <class Backend, class Loss, class Pred, class Target, class Grad>
float evaluate(const Loss& loss, Backend backend, const Pred& pred, const Target& target, const Grad& grad) {
  if constexpr (requires { { loss(backend, pred, target, grad) } -> std::convertible_to<float>; }) {
    return loss(backend, pred, target, grad);
  } else {
    static_assert(kernels::host_memory<Backend>,
                  "lamina::loss::evaluate: this loss has no overload for the model's backend. Give it "
                  "`template <class Backend> float operator()(Backend, ConstTensorView pred, Target target, "
                  "TensorView grad) const` (see lamina::loss::MSE).");
    return loss(pred, target, grad);
  }
}

}  // namespace lamina::loss
