#pragma once
// The networks of the conv_autoencoder example, as types (shared with tests/onnx, which exports each one).
#include <lamina/lamina.hpp>

#include <cstddef>
#include <type_traits>

namespace examples::conv_autoencoder {

namespace lm = lamina;

// ---- The network ------------------------------------------------------------------------------
template <std::size_t N, std::size_t M>
using ConvAE = lm::Sequential<lm::Conv2d<3, N, 5, 2, 2>, lm::ReLU,                  // 64 -> 32
                              lm::Conv2d<N, N, 5, 2, 2>, lm::ReLU,                  // 32 -> 16
                              lm::Conv2d<N, N, 5, 2, 2>, lm::ReLU,                  // 16 -> 8
                              lm::Conv2d<N, M, 5, 2, 2>,                            // 8 -> 4: the code
                              lm::ConvTranspose2d<M, N, 5, 2, 2, 1>, lm::ReLU,      // 4 -> 8
                              lm::ConvTranspose2d<N, N, 5, 2, 2, 1>, lm::ReLU,      // 8 -> 16
                              lm::ConvTranspose2d<N, N, 5, 2, 2, 1>, lm::ReLU,      // 16 -> 32
                              lm::ConvTranspose2d<N, 3, 5, 2, 2, 1>, lm::Sigmoid>;  // 32 -> 64
using Input = lm::Shape<3, 64, 64>;
constexpr std::size_t patch = 64, patch_values = 3 * patch * patch;

// Parameters by hand (weights + biases):
//   Conv(3,N)  75N + N          Conv(N,N) x2  2 (25N^2 + N)       Conv(N,M)  25NM + M
//   ConvT(M,N) 25MN + N         ConvT(N,N) x2 2 (25N^2 + N)       ConvT(N,3) 75N + 3
//   total = 100 N^2 + 50 N M + 156 N + M + 3
//   (32, 48):   102,400 +    76,800 +  4,992 +  48 + 3 =   184,243
//   (64, 96):   409,600 +   307,200 +  9,984 +  96 + 3 =   726,883   (W4)
//   (128, 192): 1,638,400 + 1,228,800 + 19,968 + 192 + 3 = 2,887,363
static_assert(ConvAE<32, 48>::param_count == 184'243);
static_assert(ConvAE<64, 96>::param_count == 726'883);
static_assert(ConvAE<128, 192>::param_count == 2'887'363);
static_assert(ConvAE<64, 96>::layer<0>::param_count == 75 * 64 + 64);
static_assert(ConvAE<64, 96>::layer<6>::param_count == 25 * 64 * 96 + 96);
static_assert(ConvAE<64, 96>::layer<7>::param_count == 25 * 96 * 64 + 64);
static_assert(std::is_same_v<lm::Model<ConvAE<64, 96>, Input>::output_shape, Input>,
              "the decoder gives back a 3x64x64 image");

}  // namespace examples::conv_autoencoder
