#pragma once
// The networks of the frame_prediction example, as types (shared with tests/onnx, which exports each one).
#include <lamina/lamina.hpp>

#include <cstddef>
#include <type_traits>

namespace examples::frame_prediction {

namespace lm = lamina;

constexpr std::size_t K = 4;      // input frames, stacked as channels
constexpr std::size_t Side = 32;  // frame height and width

// ---- The network: encoder-decoder with additive U-Net skips, as a type -----------------------
// Conv + BatchNorm + ReLU: without the BatchNorm this encoder-decoder (sigmoid output, MSE, Adam
// lr 1e-3) collapses within ~30 steps to an all-black prediction: mostly-black targets push
// every output down, the coherent Adam steps through five ReLU layers grow the features until the
// sigmoid saturates at 0 and no gradient is left (measured: gradient norm 1e-8 after 45 steps,
// validation PSNR stuck at the all-black image's). BatchNorm keeps the features' scale fixed.
template <class Conv, std::size_t Out>
using ConvBNReLU = lm::Sequential<Conv, lm::BatchNorm2d<Out>, lm::ReLU>;
// Inner: [2C,16,16] -> down to [4C,8,8], a conv there, up again to [2C,16,16]; + its input.
template <std::size_t C>
using Inner = lm::Residual<lm::Sequential<ConvBNReLU<lm::Conv2d<2 * C, 4 * C, 3, 2, 1>, 4 * C>,
                                          ConvBNReLU<lm::Conv2d<4 * C, 4 * C, 3, 1, 1>, 4 * C>,
                                          ConvBNReLU<lm::ConvTranspose2d<4 * C, 2 * C, 4, 2, 1>, 2 * C>>>;
// Outer: [C,32,32] -> down to [2C,16,16], Inner, up again to [C,32,32]; + its input.
template <std::size_t C>
using Outer = lm::Residual<lm::Sequential<ConvBNReLU<lm::Conv2d<C, 2 * C, 3, 2, 1>, 2 * C>,
                                          Inner<C>,
                                          ConvBNReLU<lm::ConvTranspose2d<2 * C, C, 4, 2, 1>, C>>>;
template <std::size_t C>
using FramePredictor = lm::Sequential<ConvBNReLU<lm::Conv2d<K, C, 3, 1, 1>, C>,  // 0: [C, 32, 32]
                                      Outer<C>,                                  // 1: [C, 32, 32]
                                      lm::Conv2d<C, 1, 3, 1, 1>,                 // 2: [1, 32, 32]
                                      lm::Sigmoid>;                              // 3
using Input = lm::Shape<K, Side, Side>;

// The count by hand: a k x k conv In -> Out has In*Out*k*k weights + Out biases (the transposed
// conv's weight is [In, Out, 4, 4]); a BatchNorm2d has a weight and a bias per channel.
constexpr std::size_t conv_params(std::size_t in, std::size_t out, std::size_t k) { return in * out * k * k + out; }
constexpr std::size_t predictor_params(std::size_t c) {
  return conv_params(K, c, 3) + conv_params(c, 2 * c, 3) + conv_params(2 * c, 4 * c, 3) +
         conv_params(4 * c, 4 * c, 3) + conv_params(4 * c, 2 * c, 4) + conv_params(2 * c, c, 4) +
         conv_params(c, 1, 3) + 2 * (c + 2 * c + 4 * c + 4 * c + 2 * c + c);
}
using BaseNet = FramePredictor<16>;
using TunedNet = FramePredictor<24>;
static_assert(BaseNet::param_count == 102'257 && BaseNet::param_count == predictor_params(16));
static_assert(BaseNet::layer<0>::param_count == 592 + 32);
static_assert(BaseNet::layer<1>::param_count == (4'640 + 64) + (18'496 + 128) + (36'928 + 128) + (32'800 + 64) +
                                                    (8'208 + 32));
static_assert(BaseNet::layer<2>::param_count == 145);
static_assert(TunedNet::param_count == 229'033 && TunedNet::param_count == predictor_params(24));
static_assert(lm::Model<BaseNet, Input>::valid && lm::Model<TunedNet, Input>::valid,
              "stride-2 convs halve 32 -> 16 -> 8; the 4x4 stride-2 padding-1 transposed convs double it back");
static_assert(std::is_same_v<lm::Model<BaseNet, Input>::output_shape, lm::Shape<1, Side, Side>>);

}  // namespace examples::frame_prediction
