// Compile-time facts: building this file is the test.
#include <lamina/lamina.hpp>

namespace lm = lamina;

// W1: the PyTorch quick-start MLP (L335 basic net).
using W1 = lm::Sequential<lm::Flatten, lm::Linear<784, 512>, lm::ReLU, lm::Linear<512, 512>, lm::ReLU,
                          lm::Linear<512, 10>>;
static_assert(W1::param_count == 669'706);
static_assert(std::is_same_v<lm::output_shape_t<W1, lm::Shape<1, 28, 28>>, lm::Shape<10>>);
static_assert(lm::forward_flops_v<W1, lm::Shape<1, 28, 28>> == 2 * (784 * 512 + 512 * 512 + 512 * 10) + 512 + 512 + 10 + 512 + 512);

// W7: ECE4179 DeepMLP 784-32-64-32-10.
using W7 = lm::Sequential<lm::Linear<784, 32>, lm::ReLU, lm::Linear<32, 64>, lm::ReLU, lm::Linear<64, 32>,
                          lm::ReLU, lm::Linear<32, 10>>;
static_assert(W7::param_count == 29'642);
static_assert(std::is_same_v<lm::output_shape_t<W7, lm::Shape<784>>, lm::Shape<10>>);

// ECE4179 DeepWideMLP 784-128-64-128-10.
using DeepWide = lm::Sequential<lm::Flatten, lm::Linear<784, 128>, lm::ReLU, lm::Linear<128, 64>, lm::ReLU,
                                lm::Linear<64, 128>, lm::ReLU, lm::Linear<128, 10>>;
static_assert(DeepWide::param_count == 118'346);
static_assert(std::is_same_v<lm::output_shape_t<DeepWide, lm::Shape<1, 28, 28>>, lm::Shape<10>>);

// Face autoencoder (W5) and bias-free layers.
using FaceAE = lm::Sequential<lm::Linear<4096, 64>, lm::ReLU, lm::Linear<64, 4096>>;
static_assert(FaceAE::param_count == 528'448);
static_assert(lm::Linear<10, 5, false>::param_count == 50);

// A nested Sequential is a layer: shapes and counts compose.
using Block = lm::Sequential<lm::Linear<64, 64>, lm::Tanh>;
using Nested = lm::Sequential<lm::Linear<8, 64>, Block, Block, lm::Linear<64, 2>, lm::Softmax>;
static_assert(Nested::param_count == (8 * 64 + 64) + 2 * (64 * 64 + 64) + (64 * 2 + 2));
static_assert(std::is_same_v<lm::output_shape_t<Nested, lm::Shape<8>>, lm::Shape<2>>);
static_assert(std::is_same_v<lm::output_shape_t<Block, lm::Shape<64>>, lm::Shape<64>>);

// Linear acts on the last dimension and keeps the leading ones, like torch.nn.Linear.
static_assert(std::is_same_v<lm::output_shape_t<lm::Linear<3, 7>, lm::Shape<5, 3>>, lm::Shape<5, 7>>);
static_assert(std::is_same_v<lm::output_shape_t<lm::Flatten, lm::Shape<3, 4, 5>>, lm::Shape<60>>);
static_assert(std::is_same_v<lm::output_shape_t<lm::FlattenOf<2, 3>, lm::Shape<3, 4, 5>>, lm::Shape<3, 20>>);
static_assert(std::is_same_v<lm::output_shape_t<lm::FlattenOf<-2, -1>, lm::Shape<2, 3, 4, 5>>, lm::Shape<2, 3, 20>>);
static_assert(std::is_same_v<lm::output_shape_t<lm::FlattenOf<1, 1>, lm::Shape<3, 4>>, lm::Shape<3, 4>>);
// Pooling with ceil_mode keeps the overhanging window; adaptive pooling and upsampling set the size.
static_assert(std::is_same_v<lm::output_shape_t<lm::MaxPool2d<2, 2, 0, 1, true>, lm::Shape<3, 5, 7>>, lm::Shape<3, 3, 4>>);
static_assert(std::is_same_v<lm::output_shape_t<lm::MaxPool2d<3, 1, 1, 2>, lm::Shape<3, 8, 8>>, lm::Shape<3, 6, 6>>);
static_assert(std::is_same_v<lm::output_shape_t<lm::AdaptiveAvgPool2d<1>, lm::Shape<64, 7, 9>>, lm::Shape<64, 1, 1>>);
static_assert(std::is_same_v<lm::output_shape_t<lm::Upsample<2>, lm::Shape<8, 5, 6>>, lm::Shape<8, 10, 12>>);
// LayerNorm's parameters have the normalised shape; GroupNorm's one per channel.
static_assert(lm::LayerNorm<4, 5>::param_count == 40 && lm::LayerNormOf<lm::Shape<8>, 1e-5f, false>::param_count == 0);
static_assert(lm::GroupNorm<4, 32>::param_count == 64 && lm::GroupNorm<4, 32, 1e-5f, false>::param_count == 0);
static_assert(std::is_same_v<lm::output_shape_t<lm::Sequential<lm::Conv2d<3, 8, 3, 1, 1>, lm::GroupNorm<2, 8>,
                                                               lm::LayerNorm<6, 6>, lm::SoftmaxOf<1>>,
                                              lm::Shape<3, 6, 6>>,
                             lm::Shape<8, 6, 6>>);

// Activations and Flatten keep the per-sample activation memory honest.
static_assert(lm::activation_bytes_v<W7, lm::Shape<784>> == (32 + 32 + 64 + 64 + 32 + 32 + 10) * 4);

// Concepts: layers are Layers; LayerFor checks a shape.
static_assert(lm::Layer<W1> && lm::Layer<lm::ReLU> && lm::Layer<lm::LeakyReLU>);
static_assert(lm::Layer<lm::GELU> && lm::Layer<lm::GELUTanh> && lm::Layer<lm::SiLU> && lm::Layer<lm::ELU> && lm::Layer<lm::Softplus>);
static_assert(lm::LayerFor<lm::Linear<784, 10>, lm::Shape<784>>);
static_assert(!lm::LayerFor<lm::Linear<784, 10>, lm::Shape<1024>>);
static_assert(!lm::Layer<int>);

// Model exposes the same facts.
static_assert(lm::Model<W1, lm::Shape<1, 28, 28>>::param_count == 669'706);
static_assert(std::is_same_v<lm::Model<W1, lm::Shape<1, 28, 28>>::output_shape, lm::Shape<10>>);
