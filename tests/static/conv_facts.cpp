// Compile-time facts of the convolution layers: parameter counts, output shapes, FLOPs,
// workspace and the shapes they accept. Building this file is the test.
#include <lamina/kernels/cuda/conv2d_plan.hpp>  // the CUDA plan is plain C++: checked here too
#include <lamina/lamina.hpp>

namespace lm = lamina;

template <class Net, class In>
using out_t = lm::output_shape_t<Net, In>;

// --- Conv2d: counts and PyTorch's output-size formula ------------------------------------------
static_assert(lm::Conv2d<1, 16, 3, 1, 1>::param_count == 160);
static_assert(lm::Conv2d<16, 32, 3, 1, 1>::param_count == 4'640);
static_assert(lm::Conv2d<16, 32, 3, 1, 1, 1, 1, false>::param_count == 4'608);
static_assert(lm::Conv2d<8, 16, 3, 1, 1, 1, 4>::param_count == 16 * 2 * 9 + 16);  // groups
static_assert(std::is_same_v<out_t<lm::Conv2d<1, 16, 3, 1, 1>, lm::Shape<1, 32, 32>>, lm::Shape<16, 32, 32>>);
static_assert(std::is_same_v<out_t<lm::Conv2d<3, 8, 5>, lm::Shape<3, 28, 28>>, lm::Shape<8, 24, 24>>);
static_assert(std::is_same_v<out_t<lm::Conv2d<3, 8, 5, 2, 2>, lm::Shape<3, 64, 63>>, lm::Shape<8, 32, 32>>);
static_assert(std::is_same_v<out_t<lm::Conv2d<3, 8, 3, 3>, lm::Shape<3, 10, 8>>, lm::Shape<8, 3, 2>>);
static_assert(std::is_same_v<out_t<lm::Conv2d<2, 2, 3, 1, 0, 2>, lm::Shape<2, 5, 9>>, lm::Shape<2, 1, 5>>);
static_assert(std::is_same_v<out_t<lm::Conv2d<2, 2, 7>, lm::Shape<2, 7, 7>>, lm::Shape<2, 1, 1>>);
// Multiply-adds: 2 * (In/G * K^2) per output, plus the bias.
static_assert(lm::Conv2d<1, 16, 3, 1, 1>::flops(lm::make_dims(1, 32, 32)) == 16 * 32 * 32 * (2 * 9 + 1));
static_assert(lm::Conv2d<4, 4, 3, 1, 1, 1, 2, false>::flops(lm::make_dims(4, 8, 8)) == 4 * 64 * 2 * 18);

// --- what Conv2d accepts and what it says it expects -------------------------------------------
using C3 = lm::Conv2d<3, 8, 3>;
static_assert(C3::accepts(lm::make_dims(3, 3, 3)) && !C3::accepts(lm::make_dims(3, 2, 5)));
static_assert(!C3::accepts(lm::make_dims(1, 8, 8)) && !C3::accepts(lm::make_dims(3, 8)));
static_assert(C3::expected(lm::make_dims(1, 8, 9)) == lm::make_dims(3, 8, 9));   // channel mismatch
static_assert(C3::expected(lm::make_dims(3, 2, 5)) == lm::make_dims(3, 3, 5));   // too small
static_assert(lm::Conv2d<1, 4, 7>::expected(lm::make_dims(1, 5, 5)) == lm::make_dims(1, 7, 7));
static_assert(lm::Conv2d<1, 4, 7, 1, 1>::accepts(lm::make_dims(1, 5, 5)));       // padding makes room
static_assert(lm::Conv2d<1, 4, 3, 1, 0, 3>::expected(lm::make_dims(1, 4, 4)) == lm::make_dims(1, 7, 7));
static_assert(!lm::LayerFor<lm::Conv2d<3, 4, 3>, lm::Shape<1, 8, 8>>);
static_assert(lm::LayerFor<lm::Conv2d<3, 4, 3>, lm::Shape<3, 8, 8>>);

// --- ConvTranspose2d --------------------------------------------------------------------------
static_assert(lm::ConvTranspose2d<96, 64, 5, 2, 2, 1>::param_count == 96 * 64 * 25 + 64);
static_assert(lm::ConvTranspose2d<4, 6, 3, 1, 0, 0, 2, false>::param_count == 4 * 3 * 9);
static_assert(std::is_same_v<out_t<lm::ConvTranspose2d<96, 64, 5, 2, 2, 1>, lm::Shape<96, 4, 4>>, lm::Shape<64, 8, 8>>);
static_assert(std::is_same_v<out_t<lm::ConvTranspose2d<3, 2, 4, 3, 0, 2>, lm::Shape<3, 3, 5>>, lm::Shape<2, 12, 18>>);
static_assert(std::is_same_v<out_t<lm::ConvTranspose2d<2, 2, 3, 1, 1, 0, 1, true, 2>, lm::Shape<2, 5, 4>>,
                             lm::Shape<2, 7, 6>>);
static_assert(!lm::ConvTranspose2d<2, 2, 3, 1, 2>::accepts(lm::make_dims(2, 1, 1)));  // output would be empty
static_assert(lm::ConvTranspose2d<2, 2, 3, 1, 2>::expected(lm::make_dims(2, 1, 1)) == lm::make_dims(2, 3, 3));
static_assert(lm::ConvTranspose2d<2, 2, 3>::flops(lm::make_dims(2, 4, 4)) == 16 * 2 * 2 * 2 * 9 + 2 * 36);

// --- the reference workloads -------------------------------------------------------------------
// W2 fmnist-cnn (L335 CNN): 663,724 parameters, 9x25x25 before the classifier.
using W2 = lm::Sequential<lm::Conv2d<1, 9, 5, 1, 2>, lm::ReLU, lm::MaxPool2d<2, 1>,
                          lm::Conv2d<9, 9, 5, 1, 2>, lm::ReLU, lm::MaxPool2d<2, 1>,
                          lm::Conv2d<9, 9, 5, 1, 2>, lm::ReLU, lm::MaxPool2d<2, 1>,
                          lm::Flatten, lm::Linear<5625, 117>, lm::ReLU, lm::Linear<117, 10>>;
static_assert(W2::param_count == 663'724);
static_assert(std::is_same_v<lm::output_shape_t<W2, lm::Shape<1, 28, 28>>, lm::Shape<10>>);
static_assert(W2::shapes(lm::make_dims(1, 28, 28))[9] == lm::make_dims(9, 25, 25));

// W3 balls-cnn (CSIT6000M task 1, the design notes' BallNet): 77,539 parameters.
using W3 = lm::Sequential<lm::Conv2d<1, 16, 3, 1, 1>, lm::ReLU,
                          lm::Conv2d<16, 32, 3, 1, 1>, lm::ReLU, lm::MaxPool2d<2>,
                          lm::Conv2d<32, 16, 3, 1, 1>, lm::ReLU,
                          lm::Conv2d<16, 16, 3, 1, 1>, lm::ReLU, lm::MaxPool2d<2>,
                          lm::Flatten, lm::Linear<1024, 64>, lm::ReLU, lm::Linear<64, 3>>;
static_assert(W3::param_count == 77'539);
static_assert(std::is_same_v<lm::output_shape_t<W3, lm::Shape<1, 32, 32>>, lm::Shape<3>>);

// W4 conv-ae (ELEC5306, N = 64, M = 96): Conv/ConvTranspose/ReLU/Sigmoid only, 726,883 parameters,
// 3x64x64 -> 96x4x4 -> 3x64x64.
using Encoder = lm::Sequential<lm::Conv2d<3, 64, 5, 2, 2>, lm::ReLU, lm::Conv2d<64, 64, 5, 2, 2>, lm::ReLU,
                               lm::Conv2d<64, 64, 5, 2, 2>, lm::ReLU, lm::Conv2d<64, 96, 5, 2, 2>>;
using Decoder = lm::Sequential<lm::ConvTranspose2d<96, 64, 5, 2, 2, 1>, lm::ReLU,
                               lm::ConvTranspose2d<64, 64, 5, 2, 2, 1>, lm::ReLU,
                               lm::ConvTranspose2d<64, 64, 5, 2, 2, 1>, lm::ReLU,
                               lm::ConvTranspose2d<64, 3, 5, 2, 2, 1>, lm::Sigmoid>;
using W4 = lm::Sequential<Encoder, Decoder>;
static_assert(W4::param_count == 726'883);
static_assert(Encoder::param_count == 363'488 && Decoder::param_count == 363'395);
static_assert(std::is_same_v<lm::output_shape_t<Encoder, lm::Shape<3, 64, 64>>, lm::Shape<96, 4, 4>>);
static_assert(std::is_same_v<lm::output_shape_t<W4, lm::Shape<3, 64, 64>>, lm::Shape<3, 64, 64>>);
static_assert(lm::Model<W4, lm::Shape<3, 64, 64>>::param_count == 726'883);

// --- each backend's plan (kernels/cpu/conv2d_plan.hpp, kernels/cuda/conv2d_plan.hpp) -----------
namespace k = lm::kernels;
using C16 = lm::Conv2d<16, 32, 3, 1, 1>;  // W3's second convolution
constexpr lm::dims c16_in = lm::make_dims(16, 32, 32);
static_assert(C16::plan<lm::cpu>(c16_in).algorithm == k::conv_algorithm::implicit_gemm);
static_assert(C16::plan<lm::cpu>(c16_in).dx == k::conv_dx_algorithm::implicit_convolution &&
              C16::plan<lm::cpu>(c16_in).same_padding);
static_assert(C16::plan<lm::cuda>(c16_in).algorithm == k::conv_algorithm::im2col_gemm);
static_assert(C16::plan<lm::cuda>(c16_in).dx == k::conv_dx_algorithm::col2im);  // In < Out
// Each backend's workspace is its own algorithm's: on CUDA x lowered [16*9, P] and y channel-major
// [32, P]; on the CPU x's frame and the backward's frames, less.
static_assert(C16::workspace_per_sample<lm::cuda>(c16_in) == 16 * 9 * 1024 + 32 * 1024);
static_assert(C16::workspace_per_sample<lm::cpu>(c16_in) < C16::workspace_per_sample<lm::cuda>(c16_in));
// In > Out at stride 1: dx as the convolution of dy, on the CPU's im2col path and on CUDA.
static_assert(lm::Conv2d<4, 2, 3, 1, 1>::plan<lm::cpu>(lm::make_dims(4, 5, 6)).algorithm ==
              k::conv_algorithm::im2col_gemm);
static_assert(lm::Conv2d<4, 2, 3, 1, 1>::plan<lm::cpu>(lm::make_dims(4, 5, 6)).dx == k::conv_dx_algorithm::convolution);
static_assert(lm::Conv2d<32, 16, 3, 1, 1>::plan<lm::cuda>(lm::make_dims(32, 16, 16)).dx ==
              k::conv_dx_algorithm::convolution);
// A fused ReLU only where the plan has it (the CPU's implicit path); the layer traits follow.
using C1 = lm::Conv2d<1, 16, 3, 1, 1>;
static_assert(lm::layer_traits::absorbs<C1, lm::cpu>(lm::epilogue::relu, lm::make_dims(1, 32, 32)));
static_assert(!lm::layer_traits::absorbs<C1, lm::cuda>(lm::epilogue::relu, lm::make_dims(1, 32, 32)));
// ConvTranspose2d: GEMM + col2im forward everywhere; the CPU's backward from dy's frame.
using T64 = lm::ConvTranspose2d<64, 64, 5, 2, 2, 1>;  // W4's
static_assert(T64::plan<lm::cpu>(lm::make_dims(64, 16, 16)).algorithm == k::conv_algorithm::implicit_gemm);
static_assert(T64::plan<lm::cuda>(lm::make_dims(64, 16, 16)).algorithm == k::conv_algorithm::im2col_gemm);
static_assert(T64::workspace_per_sample<lm::cuda>(lm::make_dims(64, 16, 16)) == 64 * 25 * 256 + 64 * 256);
// Networks and models sum their layers' workspace on their backend.
static_assert(W4::workspace_per_sample<lm::cpu>(lm::make_dims(3, 64, 64)) ==
              lm::Model<W4, lm::Shape<3, 64, 64>>::workspace_per_sample);
static_assert(W4::workspace_per_sample<lm::cuda>(lm::make_dims(3, 64, 64)) > 0);
