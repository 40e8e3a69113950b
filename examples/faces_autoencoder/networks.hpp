#pragma once
// The networks of the faces_autoencoder example, as types (shared with tests/onnx, which exports each one).
#include <lamina/lamina.hpp>

#include <cstddef>
#include <type_traits>

namespace examples::faces_autoencoder {

namespace lm = lamina;

// ---- the networks of Q1.1 (and the linear AE of Q1.2), as types --------------------------
constexpr std::size_t side = 64, pixels = side * side;
template <std::size_t N>
using FaceAE = lm::Sequential<lm::Linear<pixels, N>, lm::ReLU, lm::Linear<N, pixels>>;
template <std::size_t N>
using LinearFaceAE = lm::Sequential<lm::Linear<pixels, N>, lm::Linear<N, pixels>>;
using Input = lm::Shape<pixels>;
static_assert(FaceAE<64>::param_count == 528'448, "W5 of workloads.md");
static_assert(FaceAE<64>::layer<0>::param_count == 4096 * 64 + 64);
static_assert(FaceAE<64>::layer<2>::param_count == 64 * 4096 + 4096);
static_assert(FaceAE<16>::param_count == 135'184);
static_assert(LinearFaceAE<64>::param_count == FaceAE<64>::param_count);
static_assert(std::is_same_v<lm::output_shape_t<FaceAE<16>, Input>, Input>);

}  // namespace examples::faces_autoencoder
