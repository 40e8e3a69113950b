#pragma once
// The networks of the fashion_mlp_study example, as types (shared with tests/onnx, which exports each one).
#include <lamina/lamina.hpp>

#include <cstddef>

namespace examples::fashion_mlp_study {

namespace lm = lamina;

// ---------------------------------------------------------------------------------------------
// The networks (input: a flat 784-vector per image).
template <std::size_t N, class Act = lm::ReLU>
using ShallowMLP = lm::Sequential<lm::Linear<784, N>, Act, lm::Linear<N, 10>>;
static_assert(ShallowMLP<32>::param_count == 25'450);
static_assert(ShallowMLP<128>::param_count == 101'770);
static_assert(ShallowMLP<512>::param_count == 407'050);

using DeepMLP = lm::Sequential<lm::Linear<784, 32>, lm::ReLU, lm::Linear<32, 64>, lm::ReLU,
                               lm::Linear<64, 32>, lm::ReLU, lm::Linear<32, 10>>;
static_assert(DeepMLP::param_count == 29'642);
using DeepWideMLP = lm::Sequential<lm::Linear<784, 128>, lm::ReLU, lm::Linear<128, 64>, lm::ReLU,
                                   lm::Linear<64, 128>, lm::ReLU, lm::Linear<128, 10>>;
static_assert(DeepWideMLP::param_count == 118'346);

// Q4: deeper and wider; the regularised one adds Dropout (no parameters: same count).
using BigMLP = lm::Sequential<lm::Linear<784, 512>, lm::ReLU, lm::Linear<512, 256>, lm::ReLU,
                              lm::Linear<256, 128>, lm::ReLU, lm::Linear<128, 10>>;
using BigMLPDropout = lm::Sequential<lm::Linear<784, 512>, lm::ReLU, lm::Dropout<0.3f>,
                                     lm::Linear<512, 256>, lm::ReLU, lm::Dropout<0.3f>,
                                     lm::Linear<256, 128>, lm::ReLU, lm::Dropout<0.3f>, lm::Linear<128, 10>>;
static_assert(BigMLP::param_count == 567'434 && BigMLPDropout::param_count == BigMLP::param_count);

using Input = lm::Shape<784>;

}  // namespace examples::fashion_mlp_study
