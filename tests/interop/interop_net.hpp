#pragma once
// The network used by the PyTorch interoperability checks; pytorch_interop.py builds the same
// nn.Sequential (indices and names must match).
#include <lamina/lamina.hpp>

using InteropNet = lamina::Sequential<
    lamina::Flatten,                                   // 0
    lamina::Linear<48, 16>, lamina::BatchNorm1d<16>,   // 1, 2
    lamina::ReLU, lamina::Dropout<0.2f>,               // 3, 4
    lamina::Linear<16, 16>, lamina::Tanh,              // 5, 6
    lamina::Linear<16, 5>>;                            // 7
using InteropModel = lamina::Model<InteropNet, lamina::Shape<3, 4, 4>>;
inline constexpr std::size_t interop_batch = 6;
