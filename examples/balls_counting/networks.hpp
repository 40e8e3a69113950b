#pragma once
// The networks of the balls_counting example, as types (shared with tests/onnx, which exports each one).
#include <lamina/lamina.hpp>

#include <cstddef>

namespace examples::balls_counting {

namespace lm = lamina;

// ---- Task 1: the network of the report, as a type ----------------------------------------
using BallsCNN = lm::Sequential<lm::Conv2d<1, 16, 3, 1, 1>, lm::ReLU,     // 0, 1
                                lm::Conv2d<16, 32, 3, 1, 1>, lm::ReLU,    // 2, 3
                                lm::MaxPool2d<2>,                         // 4
                                lm::Conv2d<32, 16, 3, 1, 1>, lm::ReLU,    // 5, 6
                                lm::Conv2d<16, 16, 3, 1, 1>, lm::ReLU,    // 7, 8
                                lm::MaxPool2d<2>,                         // 9
                                lm::Flatten,                              // 10
                                lm::Linear<1024, 64>, lm::ReLU,           // 11, 12
                                lm::Linear<64, 3>>;                       // 13
using Input = lm::Shape<1, 32, 32>;
static_assert(BallsCNN::param_count == 77'539);
static_assert(BallsCNN::layer<0>::param_count == 160);
static_assert(BallsCNN::layer<2>::param_count == 4'640);
static_assert(BallsCNN::layer<5>::param_count == 4'624);
static_assert(BallsCNN::layer<7>::param_count == 2'320);
static_assert(BallsCNN::layer<11>::param_count == 65'600);
static_assert(BallsCNN::layer<13>::param_count == 195);
static_assert(lm::Model<BallsCNN, Input>::valid, "padding 1 keeps 32x32: Flatten gives 16 * 8 * 8 = 1024");

// ---- Task 4: BatchNorm2d after every convolution (plus weight decay in the optimizer) -------
using BallsCNNBN = lm::Sequential<lm::Conv2d<1, 16, 3, 1, 1>, lm::BatchNorm2d<16>, lm::ReLU,
                                  lm::Conv2d<16, 32, 3, 1, 1>, lm::BatchNorm2d<32>, lm::ReLU,
                                  lm::MaxPool2d<2>,
                                  lm::Conv2d<32, 16, 3, 1, 1>, lm::BatchNorm2d<16>, lm::ReLU,
                                  lm::Conv2d<16, 16, 3, 1, 1>, lm::BatchNorm2d<16>, lm::ReLU,
                                  lm::MaxPool2d<2>,
                                  lm::Flatten, lm::Linear<1024, 64>, lm::ReLU, lm::Linear<64, 3>>;
static_assert(BallsCNNBN::param_count == 77'539 + 2 * (16 + 32 + 16 + 16));  // BN: weight and bias

// ---- Task 5: residual blocks (1x1 projection where the channels change) ---------------------
template <std::size_t In, std::size_t Out>
using ResBlock = lm::Residual<lm::Sequential<lm::Conv2d<In, Out, 3, 1, 1>, lm::BatchNorm2d<Out>, lm::ReLU,
                                             lm::Conv2d<Out, Out, 3, 1, 1>, lm::BatchNorm2d<Out>>,
                              lm::Conv2d<In, Out, 1>>;
using BallsResNet = lm::Sequential<lm::Conv2d<1, 16, 3, 1, 1>, lm::BatchNorm2d<16>, lm::ReLU,
                                   ResBlock<16, 32>, lm::ReLU, lm::MaxPool2d<2>,
                                   ResBlock<32, 16>, lm::ReLU, lm::MaxPool2d<2>,
                                   lm::Flatten, lm::Linear<1024, 64>, lm::ReLU, lm::Linear<64, 3>>;
static_assert(lm::Model<BallsResNet, Input>::valid);

}  // namespace examples::balls_counting
