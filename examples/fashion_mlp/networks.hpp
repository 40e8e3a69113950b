#pragma once
// The networks of the fashion_mlp example, as types (shared with tests/onnx, which exports each one).
#include <lamina/lamina.hpp>

namespace examples::fashion_mlp {

namespace lm = lamina;

// The network is a type: shapes are checked and the parameter count is known at compile time.
using FashionMLP = lm::Sequential<lm::Flatten,
                                  lm::Linear<28 * 28, 512>, lm::ReLU,
                                  lm::Linear<512, 512>, lm::ReLU,
                                  lm::Linear<512, 10>>;
static_assert(FashionMLP::param_count == 669'706);

}  // namespace examples::fashion_mlp
