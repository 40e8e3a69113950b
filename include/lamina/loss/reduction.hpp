#pragma once
// Shared pieces of the losses: the reduction and the argument checks.
#include <stdexcept>
#include <string>

#include "../core/tensor.hpp"

namespace lamina::loss {

enum class reduction { mean, sum };

namespace detail {
inline void check_same_size(const char* loss, ConstTensorView pred, std::size_t target_size,
                            TensorView grad) {
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
}  // namespace detail

}  // namespace lamina::loss
