#pragma once
// The networks of the inr_regression example, as types (shared with tests/onnx, which exports each one).
#include <lamina/lamina.hpp>

#include <cstddef>

namespace examples::inr_regression {

namespace lm = lamina;

// ---- The networks, as types ------------------------------------------------------------------
using Input = lm::Shape<2>;  // (x, y)

// Three hidden layers of W on raw coordinates, RGB through a Sigmoid.
template <std::size_t W>
using CoordMLP = lm::Sequential<lm::Linear<2, W>, lm::ReLU,       // 0, 1
                                lm::Linear<W, W>, lm::ReLU,       // 2, 3
                                lm::Linear<W, W>, lm::ReLU,       // 4, 5
                                lm::Linear<W, 3>, lm::Sigmoid>;   // 6, 7
using BaseNet = CoordMLP<128>;  // tasks 1, 2a-c
static_assert(BaseNet::param_count == (2 * 128 + 128) + 2 * (128 * 128 + 128) + (128 * 3 + 3));
static_assert(BaseNet::param_count == 33'795);

using WideNet = CoordMLP<256>;  // task 2a, and the raw-coordinate baseline of task 2d
static_assert(WideNet::param_count == 133'123);
using RawNet = WideNet;

using DeepNet = lm::Sequential<lm::Linear<2, 128>, lm::ReLU,
                               lm::Linear<128, 128>, lm::ReLU, lm::Linear<128, 128>, lm::ReLU,
                               lm::Linear<128, 128>, lm::ReLU, lm::Linear<128, 128>, lm::ReLU,
                               lm::Linear<128, 128>, lm::ReLU,
                               lm::Linear<128, 3>, lm::Sigmoid>;  // six hidden layers of 128
static_assert(DeepNet::param_count == 33'795 + 3 * (128 * 128 + 128));
static_assert(DeepNet::param_count == 83'331);

// The reference workload W6: m = 256 Gaussian Fourier features (no parameters: B is a fixed
// buffer), then the RawNet layers on 512 inputs.
template <float Sigma>
using FourierNet = lm::Sequential<lm::FourierFeatures<2, 256, Sigma>,   // 0: 2 -> 512
                                  lm::Linear<512, 256>, lm::ReLU,       // 1, 2
                                  lm::Linear<256, 256>, lm::ReLU,       // 3, 4
                                  lm::Linear<256, 256>, lm::ReLU,       // 5, 6
                                  lm::Linear<256, 3>, lm::Sigmoid>;     // 7, 8
static_assert(FourierNet<5.f>::param_count == 263'683);
static_assert(FourierNet<5.f>::layer<0>::param_count == 0);
static_assert(FourierNet<5.f>::layer<1>::param_count == 512 * 256 + 256);
static_assert(lm::Model<FourierNet<5.f>, Input>::valid && lm::Model<BaseNet, Input>::valid);

}  // namespace examples::inr_regression
