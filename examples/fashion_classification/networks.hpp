#pragma once
// The networks of the fashion_classification example, as types (shared with tests/onnx, which exports each one).
#include <lamina/lamina.hpp>

#include "../fashion_mlp/networks.hpp"

namespace examples::fashion_classification {

namespace lm = lamina;

// ---------------------------------------------------------------------------------------------
// The two networks. Both are types: shapes are checked and parameters counted at compile time.
// The MLP is the fashion_mlp example's (669,706 parameters).
using FashionMLP = examples::fashion_mlp::FashionMLP;

// Kernel 5, 9 channels, padding 2 (28 -> 28), max-pool 2 with stride 1 (28 -> 27 -> 26 -> 25):
// 9 x 25 x 25 = 5,625 features into a hidden layer of 117.
using FashionCNN = lm::Sequential<lm::Conv2d<1, 9, 5, 1, 2>, lm::ReLU, lm::MaxPool2d<2, 1>,
                                  lm::Conv2d<9, 9, 5, 1, 2>, lm::ReLU, lm::MaxPool2d<2, 1>,
                                  lm::Conv2d<9, 9, 5, 1, 2>, lm::ReLU, lm::MaxPool2d<2, 1>,
                                  lm::Flatten, lm::Linear<9 * 25 * 25, 117>, lm::ReLU, lm::Linear<117, 10>>;
static_assert(FashionCNN::param_count == 663'724);
// "Within a few percent": 0.89 % fewer parameters than the MLP.
static_assert(FashionMLP::param_count - FashionCNN::param_count < FashionMLP::param_count / 100);

using Input = lm::Shape<1, 28, 28>;

}  // namespace examples::fashion_classification
