// The lamina side of the ONNX round trip (driven by check_onnx.py): every network of every
// example, exported with export_onnx next to an input batch and lamina's eval-mode output,
//   export_networks DIR  ->  DIR/NAME.onnx, DIR/NAME.x.npy, DIR/NAME.y.npy  for each network.
// BatchNorm running statistics are set to values other than their defaults, so that the file
// must carry them.
#include <lamina/lamina.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "../../examples/balls_counting/networks.hpp"
#include "../../examples/conv_autoencoder/networks.hpp"
#include "../../examples/faces_autoencoder/networks.hpp"
#include "../../examples/fashion_classification/networks.hpp"
#include "../../examples/fashion_mlp/networks.hpp"
#include "../../examples/fashion_mlp_study/networks.hpp"
#include "../../examples/frame_prediction/networks.hpp"
#include "../../examples/inr_regression/networks.hpp"
#include "../../examples/unet_denoise/networks.hpp"

namespace lm = lamina;
namespace fs = std::filesystem;
namespace ex = examples;

constexpr std::size_t batch = 3;

static std::vector<std::size_t> with_batch(const lm::dims& sample) {
  std::vector<std::size_t> s{batch};
  for (std::size_t i = 0; i < sample.rank; ++i) s.push_back(sample[i]);
  return s;
}

// onnx_batch: 0 for a dynamic batch dimension, else the fixed batch size written in the file.
// random_parameters: every parameter drawn from [-1, 1] (normalisation layers start at weight 1
// and bias 0, which a file that swapped or dropped them would also reproduce).
template <class Net, class In>
static void export_one(const fs::path& dir, const std::string& name, std::size_t onnx_batch = 0,
                       bool random_parameters = false) {
  static std::uint64_t seed = 0;
  lm::Model<Net, In> model(++seed);
  lm::rng gen(seed);
  for (const auto& b : model.named_buffers()) {
    const bool mean = b.name.ends_with("running_mean"), var = b.name.ends_with("running_var");
    if (!mean && !var) continue;
    std::vector<float> v(b.value.size());
    for (float& x : v) x = mean ? gen.uniform(-0.5f, 0.5f) : gen.uniform(0.5f, 2.f);
    model.from_host(v, b.value);
  }
  if (random_parameters)
    for (const auto& p : model.named_parameters()) {
      std::vector<float> v(p.value.size());
      for (float& x : v) x = gen.uniform(-1.f, 1.f);
      model.from_host(v, p.value);
    }
  std::vector<float> x(batch * In::size);
  for (float& v : x) v = gen.uniform(0.f, 1.f);
  model.eval();
  const lm::Tensor y = model.to_host(model.forward(x, batch));
  lm::io::export_onnx(model, dir / (name + ".onnx"), {.batch = onnx_batch, .metadata = {{"example_network", name}}});
  lm::data::write_npy(dir / (name + ".x.npy"), x.data(), with_batch(In::value));
  lm::data::write_npy(dir / (name + ".y.npy"), y.data(), with_batch(lm::output_shape_t<Net, In>::value));
  std::printf("%-40s %9zu parameters\n", name.c_str(), Net::param_count);
}

int main(int argc, char** argv) try {
  if (argc != 2) throw std::invalid_argument("usage: export_networks DIR");
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  {
    namespace n = ex::fashion_mlp;
    export_one<n::FashionMLP, lm::Shape<1, 28, 28>>(dir, "fashion_mlp.FashionMLP");
    export_one<n::FashionMLP, lm::Shape<1, 28, 28>>(dir, "fashion_mlp.FashionMLP_fixed_batch", batch);
  }
  {
    namespace n = ex::fashion_mlp_study;
    export_one<n::ShallowMLP<32>, n::Input>(dir, "fashion_mlp_study.ShallowMLP_32");
    export_one<n::ShallowMLP<128>, n::Input>(dir, "fashion_mlp_study.ShallowMLP_128");
    export_one<n::ShallowMLP<512>, n::Input>(dir, "fashion_mlp_study.ShallowMLP_512");
    export_one<n::ShallowMLP<128, lm::Sigmoid>, n::Input>(dir, "fashion_mlp_study.ShallowMLP_128_Sigmoid");
    export_one<n::DeepMLP, n::Input>(dir, "fashion_mlp_study.DeepMLP");
    export_one<n::DeepWideMLP, n::Input>(dir, "fashion_mlp_study.DeepWideMLP");
    export_one<n::BigMLP, n::Input>(dir, "fashion_mlp_study.BigMLP");
    export_one<n::BigMLPDropout, n::Input>(dir, "fashion_mlp_study.BigMLPDropout");
  }
  {
    namespace n = ex::fashion_classification;  // its MLP is fashion_mlp's
    export_one<n::FashionCNN, n::Input>(dir, "fashion_classification.FashionCNN");
  }
  {
    namespace n = ex::balls_counting;
    export_one<n::BallsCNN, n::Input>(dir, "balls_counting.BallsCNN");
    export_one<n::BallsCNNBN, n::Input>(dir, "balls_counting.BallsCNNBN");
    export_one<n::BallsResNet, n::Input>(dir, "balls_counting.BallsResNet");
  }
  {
    namespace n = ex::frame_prediction;
    export_one<n::BaseNet, n::Input>(dir, "frame_prediction.BaseNet");
    export_one<n::TunedNet, n::Input>(dir, "frame_prediction.TunedNet");
  }
  {
    namespace n = ex::conv_autoencoder;
    export_one<n::ConvAE<32, 48>, n::Input>(dir, "conv_autoencoder.ConvAE_32_48");
    export_one<n::ConvAE<64, 96>, n::Input>(dir, "conv_autoencoder.ConvAE_64_96");
    export_one<n::ConvAE<128, 192>, n::Input>(dir, "conv_autoencoder.ConvAE_128_192");
  }
  {
    namespace n = ex::faces_autoencoder;
    export_one<n::FaceAE<16>, n::Input>(dir, "faces_autoencoder.FaceAE_16");
    export_one<n::FaceAE<64>, n::Input>(dir, "faces_autoencoder.FaceAE_64");
    export_one<n::LinearFaceAE<16>, n::Input>(dir, "faces_autoencoder.LinearFaceAE_16");
    export_one<n::LinearFaceAE<64>, n::Input>(dir, "faces_autoencoder.LinearFaceAE_64");
  }
  {
    namespace n = ex::inr_regression;
    export_one<n::BaseNet, n::Input>(dir, "inr_regression.BaseNet");
    export_one<n::DeepNet, n::Input>(dir, "inr_regression.DeepNet");
    export_one<n::WideNet, n::Input>(dir, "inr_regression.WideNet");
    export_one<n::FourierNet<1.f>, n::Input>(dir, "inr_regression.FourierNet_1");
    export_one<n::FourierNet<5.f>, n::Input>(dir, "inr_regression.FourierNet_5");
    export_one<n::FourierNet<10.f>, n::Input>(dir, "inr_regression.FourierNet_10");
    export_one<n::FourierNet<25.f>, n::Input>(dir, "inr_regression.FourierNet_25");
    export_one<n::FourierNet<50.f>, n::Input>(dir, "inr_regression.FourierNet_50");
  }
  {
    namespace n = ex::unet_denoise;
    export_one<n::UNet<16>, n::Input>(dir, "unet_denoise.UNet_16");
  }
  {
    // The activations no example uses, each after a Linear that spreads its input over both signs.
    using Activations = lm::Sequential<lm::Linear<6, 8>, lm::GELU, lm::Linear<8, 8>, lm::GELUTanh, lm::Linear<8, 8>,
                                       lm::SiLU, lm::Linear<8, 8>, lm::ELUOf<0.5f>, lm::Linear<8, 8>,
                                       lm::SoftplusOf<2.0f, 0.5f>, lm::Linear<8, 8>, lm::Softplus>;
    export_one<Activations, lm::Shape<6>>(dir, "layers.Activations");
    // Normalisation within a sample, softmax along a dimension and a partial flatten.
    using Normalization =
        lm::Sequential<lm::Conv2d<3, 4, 3, 1, 1>, lm::GroupNorm<2, 4>, lm::SoftmaxOf<1>, lm::LayerNorm<5, 6>,
                       lm::FlattenOf<2, 3>, lm::LogSoftmaxOf<-1>, lm::GroupNorm<4, 4, 1e-3f, false>,
                       lm::LayerNormOf<lm::Shape<30>, 1e-3f, false>, lm::Flatten, lm::Linear<120, 5>>;
    export_one<Normalization, lm::Shape<3, 5, 6>>(dir, "layers.Normalization", 0, true);
    // Pooling options and resampling.
    using Resampling =
        lm::Sequential<lm::Conv2d<3, 4, 3, 1, 1>, lm::MaxPool2d<3, 2, 1, 1, true>,
                       lm::Upsample<2, lm::upsample_mode::bilinear>, lm::AvgPool2d<3, 2, 1, true, false>, lm::Upsample<3>,
                       lm::MaxPool2d<2, 1, 1, 2>, lm::AdaptiveAvgPool2d<3, 5>, lm::AvgPool2d<2, 2, 0, true>>;
    export_one<Resampling, lm::Shape<3, 7, 6>>(dir, "layers.Resampling");
    // A two-level U-Net: each level concatenates its input (the skip) with the level below.
    using Level2 = lm::Concat<1, lm::Identity,
                              lm::Sequential<lm::MaxPool2d<2>, lm::Conv2d<8, 8, 3, 1, 1>, lm::ReLU, lm::Upsample<2>>>;
    using Level1 =
        lm::Concat<1, lm::Identity,
                   lm::Sequential<lm::MaxPool2d<2>, lm::Conv2d<4, 8, 3, 1, 1>, lm::GroupNorm<2, 8>, lm::ReLU, Level2,
                                  lm::Conv2d<16, 4, 1>, lm::Upsample<2, lm::upsample_mode::bilinear>>>;
    using UNet = lm::Sequential<lm::Conv2d<1, 4, 3, 1, 1>, lm::ReLU, Level1, lm::Conv2d<8, 1, 1>>;
    export_one<UNet, lm::Shape<1, 8, 8>>(dir, "layers.UNet", 0, true);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "export_networks: %s\n", e.what());
  return 1;
}
