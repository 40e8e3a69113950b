// conv_bench: per-layer and whole-network timing of the convolution layers' training step
// (forward + backward) on the conv parts of the reference workloads W2, W3, W4, for tuning the
// kernels in include/lamina/kernels/cpu/conv2d_*.hpp. bench/conv_bench.py times the same in
// PyTorch. Whole workloads (with their optimizers) are in lamina_train_bench / bench/run.py.
//
//   conv_bench [reps] [dx|nets]   (threads: OMP_NUM_THREADS; dx: layers also compute their input
//                                  gradient; nets: only the whole networks)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <lamina/lamina.hpp>

namespace lm = lamina;

namespace {

bool input_grad = false;  // also the layer's input gradient (every layer but a network's first)

template <class Net, class In>
void time_net(const char* label, std::size_t batch, int reps) {
  lm::Model<Net, In> model(1);
  std::vector<float> x(batch * In::size);
  lm::rng gen(2);
  for (float& v : x) v = gen.uniform(0.f, 1.f);
  model.compute_input_grad(input_grad);
  auto step = [&] {
    const auto y = model.forward(x, batch);
    auto g = model.output_grad();
    for (std::size_t i = 0; i < g.size(); ++i) g[i] = y[i] * 1e-3f;
    model.backward();
  };
  for (int i = 0; i < 3; ++i) step();
  std::vector<double> fw, all;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    model.forward(x, batch);
    const auto t1 = std::chrono::steady_clock::now();
    step();
    const auto t2 = std::chrono::steady_clock::now();
    fw.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    all.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  std::sort(fw.begin(), fw.end());
  std::sort(all.begin(), all.end());
  std::printf("%-34s batch %3zu  forward %8.3f ms  fwd+bwd %8.3f ms  %9.1f samples/s\n", label, batch,
              fw[fw.size() / 2], all[all.size() / 2], double(batch) / all[all.size() / 2] * 1e3);
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 15;
  input_grad = argc > 2 && std::string(argv[2]) == "dx";
  // Whole networks (W3 without its classifier head's loss, W4 without its loss).
  using W3 = lm::Sequential<lm::Conv2d<1, 16, 3, 1, 1>, lm::ReLU, lm::Conv2d<16, 32, 3, 1, 1>, lm::ReLU,
                            lm::MaxPool2d<2>, lm::Conv2d<32, 16, 3, 1, 1>, lm::ReLU, lm::Conv2d<16, 16, 3, 1, 1>,
                            lm::ReLU, lm::MaxPool2d<2>, lm::Flatten, lm::Linear<1024, 64>, lm::ReLU, lm::Linear<64, 3>>;
  time_net<W3, lm::Shape<1, 32, 32>>("W3 network", 32, reps);
  using W4 = lm::Sequential<lm::Conv2d<3, 64, 5, 2, 2>, lm::ReLU, lm::Conv2d<64, 64, 5, 2, 2>, lm::ReLU,
                            lm::Conv2d<64, 64, 5, 2, 2>, lm::ReLU, lm::Conv2d<64, 96, 5, 2, 2>,
                            lm::ConvTranspose2d<96, 64, 5, 2, 2, 1>, lm::ReLU, lm::ConvTranspose2d<64, 64, 5, 2, 2, 1>,
                            lm::ReLU, lm::ConvTranspose2d<64, 64, 5, 2, 2, 1>, lm::ReLU,
                            lm::ConvTranspose2d<64, 3, 5, 2, 2, 1>, lm::Sigmoid>;
  time_net<W4, lm::Shape<3, 64, 64>>("W4 network", 16, reps);
  if (argc > 2 && std::string(argv[2]) == "nets") return 0;
  // W3 balls-cnn, layer by layer, and its conv trunk.
  time_net<lm::Conv2d<1, 16, 3, 1, 1>, lm::Shape<1, 32, 32>>("W3 conv1 1->16 k3 32x32", 32, reps);
  time_net<lm::Conv2d<16, 32, 3, 1, 1>, lm::Shape<16, 32, 32>>("W3 conv2 16->32 k3 32x32", 32, reps);
  time_net<lm::Conv2d<32, 16, 3, 1, 1>, lm::Shape<32, 16, 16>>("W3 conv3 32->16 k3 16x16", 32, reps);
  time_net<lm::Conv2d<16, 16, 3, 1, 1>, lm::Shape<16, 16, 16>>("W3 conv4 16->16 k3 16x16", 32, reps);
  // W2 fmnist-cnn.
  time_net<lm::Conv2d<1, 9, 5, 1, 2>, lm::Shape<1, 28, 28>>("W2 conv1 1->9 k5 28x28", 64, reps);
  time_net<lm::Conv2d<9, 9, 5, 1, 2>, lm::Shape<9, 27, 27>>("W2 conv2 9->9 k5 27x27", 64, reps);
  time_net<lm::Conv2d<9, 9, 5, 1, 2>, lm::Shape<9, 26, 26>>("W2 conv3 9->9 k5 26x26", 64, reps);
  // W4 conv-ae, layer by layer.
  time_net<lm::Conv2d<3, 64, 5, 2, 2>, lm::Shape<3, 64, 64>>("W4 enc1 3->64 k5s2 64x64", 16, reps);
  time_net<lm::Conv2d<64, 64, 5, 2, 2>, lm::Shape<64, 32, 32>>("W4 enc2 64->64 k5s2 32x32", 16, reps);
  time_net<lm::Conv2d<64, 64, 5, 2, 2>, lm::Shape<64, 16, 16>>("W4 enc3 64->64 k5s2 16x16", 16, reps);
  time_net<lm::Conv2d<64, 96, 5, 2, 2>, lm::Shape<64, 8, 8>>("W4 enc4 64->96 k5s2 8x8", 16, reps);
  time_net<lm::ConvTranspose2d<96, 64, 5, 2, 2, 1>, lm::Shape<96, 4, 4>>("W4 dec1 96->64 k5s2 4x4", 16, reps);
  time_net<lm::ConvTranspose2d<64, 64, 5, 2, 2, 1>, lm::Shape<64, 8, 8>>("W4 dec2 64->64 k5s2 8x8", 16, reps);
  time_net<lm::ConvTranspose2d<64, 64, 5, 2, 2, 1>, lm::Shape<64, 16, 16>>("W4 dec3 64->64 k5s2 16x16", 16, reps);
  time_net<lm::ConvTranspose2d<64, 3, 5, 2, 2, 1>, lm::Shape<64, 32, 32>>("W4 dec4 64->3 k5s2 32x32", 16, reps);
}
