#pragma once
// The network of the unet_denoise example, as a type (shared with tests/onnx, which exports it).
#include <lamina/lamina.hpp>

#include <cstddef>
#include <type_traits>

namespace examples::unet_denoise {

namespace lm = lamina;

// ---- The U-Net ----------------------------------------------------------------------------------
// Three resolutions (64, 32, 16 pixels; C, 2C, 4C channels). Each level below the top is a Concat:
// its input (the skip connection, Identity) next to what the levels below make of it (max-pool
// down, convolutions, upsample back), so the decoder sees the encoder's features at full detail.
template <std::size_t C>
using Level2 = lm::Concat<1, lm::Identity,                                        // 32x32: 2C + 2C
                          lm::Sequential<lm::MaxPool2d<2>,                        // 16x16
                                         lm::Conv2d<2 * C, 4 * C, 3, 1, 1>, lm::GroupNorm<8, 4 * C>, lm::ReLU,
                                         lm::Conv2d<4 * C, 4 * C, 3, 1, 1>, lm::ReLU,
                                         lm::Upsample<2>,                         // 32x32
                                         lm::Conv2d<4 * C, 2 * C, 3, 1, 1>, lm::ReLU>>;
template <std::size_t C>
using Level1 = lm::Concat<1, lm::Identity,                                        // 64x64: C + C
                          lm::Sequential<lm::MaxPool2d<2>,                        // 32x32
                                         lm::Conv2d<C, 2 * C, 3, 1, 1>, lm::GroupNorm<8, 2 * C>, lm::ReLU,
                                         Level2<C>,                               // 4C channels
                                         lm::Conv2d<4 * C, 2 * C, 3, 1, 1>, lm::ReLU,
                                         lm::Upsample<2>,                         // 64x64
                                         lm::Conv2d<2 * C, C, 3, 1, 1>, lm::ReLU>>;
// The residual form: the U-Net predicts what to add to the noisy input (minus the noise), so it
// starts near the identity.
template <std::size_t C>
using UNet = lm::Residual<lm::Sequential<lm::Conv2d<3, C, 3, 1, 1>, lm::ReLU,
                                         Level1<C>,                               // 2C channels
                                         lm::Conv2d<2 * C, C, 3, 1, 1>, lm::ReLU,
                                         lm::Conv2d<C, 3, 1>>>;
using Input = lm::Shape<3, 64, 64>;
constexpr std::size_t patch = 64, patch_values = 3 * patch * patch;

// Parameters by hand: 3x3 convolutions 9 in out + out, GroupNorm 2 per channel:
//   C^2:  18 (C->2C) + 72 (2C->4C) + 144 (4C->4C) + 72 (4C->2C) + 72 (4C->2C) + 18 (2C->C)
//         + 18 (2C->C)                                                           = 414 C^2
//   C:    28 (3->C) + 2 + 4 (GN 2C) + 4 + 8 (GN 4C) + 4 + 2 + 2 + 1 + 1 + 3 (C->3, 1x1) = 59 C
//   + 3 (the last bias):  C = 16: 105,984 + 944 + 3 = 106,931
static_assert(UNet<16>::param_count == 414 * 16 * 16 + 59 * 16 + 3);
static_assert(UNet<16>::param_count == 106'931);
static_assert(std::is_same_v<lm::output_shape_t<UNet<16>, Input>, Input>, "the U-Net gives back a 3x64x64 image");

}  // namespace examples::unet_denoise
