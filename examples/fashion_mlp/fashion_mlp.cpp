// The headline example: PyTorch's quick-start MLP (669,706 parameters) on Fashion-MNIST.
//
//   fashion_mlp [--epochs 5] [--batch 64] [--lr 0.01] [--momentum 0.9] [--seed 0]
//               [--data DIR] [--out results/fashion_mlp] [--device cpu|cuda] [--threads N]
//               [--precision fp32|bf16|fp16] [--quick]
//
// --quick trains one epoch on 12,000 images and tests on 2,000 (seconds; used by CTest).
// --precision bf16|fp16 trains and tests under mixed precision (Model::autocast; fp16 with a
// loss scaler), docs/training.md.
// The loss and accuracy of every epoch also go to --out as log.csv.
//
// The program is written once for any backend (run<Backend>): --device cuda runs the same code
// with lm::Model<FashionMLP, lm::Shape<1, 28, 28>, lm::cuda>, one template argument.
#include <lamina/lamina.hpp>

#include "../common/command_line.hpp"
#include "../common/device.hpp"
#include "networks.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace lm = lamina;
using namespace examples::fashion_mlp;

template <class Backend>
using Model = lm::Model<FashionMLP, lm::Shape<1, 28, 28>, Backend>;

struct options {
  int epochs = 5;
  std::size_t batch = 64, train_limit = 0, test_limit = 0;
  float lr = 0.01f, momentum = 0.9f;
  std::uint64_t seed = 0;
  std::string data = lm::data::fashion_mnist_default_dir().string();
  std::filesystem::path out = "results/fashion_mlp";
  bool quick = false;
  examples::device device = examples::device::cpu;
  lm::precision precision = lm::precision::fp32;
};

static options parse(int argc, char** argv) {
  options o;
  examples::cli cli("fashion_mlp",
                    "Trains PyTorch's quick-start MLP (Flatten, Linear 784-512, ReLU, Linear 512-512, ReLU, Linear "
                    "512-10: 669,706 parameters) on Fashion-MNIST with SGD and cross-entropy, and prints the training "
                    "and test loss and accuracy of every epoch (also written to log.csv in --out); the trained network is "
                    "written to fashion_mlp.onnx there.");
  cli.option("--epochs N", o.epochs, "training epochs (--quick: 1)", examples::at_least(1));
  cli.option("--batch N", o.batch, "images per training step", examples::at_least(1));
  cli.option("--lr X", o.lr, "SGD learning rate", examples::above(0));
  cli.option("--momentum X", o.momentum, "SGD momentum", examples::at_least(0).below(1));
  cli.option("--seed N", o.seed, "seed of the initial weights and of the shuffling");
  cli.option("--data DIR", o.data, "the Fashion-MNIST folder");
  cli.option("--out DIR", o.out, "where log.csv and fashion_mlp.onnx go");
  examples::device_option(cli, o.device);
  cli.choice("--precision NAME", o.precision,
             {{"fp32", lm::precision::fp32}, {"bf16", lm::precision::bf16}, {"fp16", lm::precision::fp16}},
             "mixed precision of the matrix products: bf16 or fp16 (with loss scaling); fp32: none");
  cli.flag("--quick", o.quick, "one epoch on 12,000 training images, tested on 2,000; fails below 65 % test accuracy "
                               "(seconds; CTest runs it)");
  cli.parse(argc, argv);
  if (o.quick) {
    o.epochs = 1;
    o.train_limit = 12000;
    o.test_limit = 2000;
  }
  return o;
}

struct evaluation {
  double loss, accuracy;
};

template <class Backend>
static evaluation evaluate(Model<Backend>& model, const lm::data::image_classification_set& set) {
  model.eval();
  lm::data::ClassificationLoader loader(set.images, set.labels, set.sample_size(), {.batch_size = 1000, .shuffle = false});
  double loss = 0;
  std::size_t hits = 0;
  for (std::size_t b = 0; b < loader.batches(); ++b) {
    const auto batch = loader.batch(b);
    const auto logits = model.forward(batch.x, batch.size);
    loss += lm::loss::CrossEntropy{}(Backend{}, logits, batch.labels) * double(batch.size);
    hits += lm::metrics::correct(model.to_host(logits).view(), batch.labels);
  }
  return {loss / double(set.size), double(hits) / double(set.size)};
}

template <class Backend>
int run(const options& o) try {
  std::filesystem::create_directories(o.out);
  std::ofstream log(o.out / "log.csv");
  if (!log) throw std::runtime_error("cannot write " + (o.out / "log.csv").string());
  log << "epoch,train_loss,train_accuracy,test_loss,test_accuracy,samples_per_second\n";
  auto train = lm::data::load_fashion_mnist(lm::data::split::train, o.data);
  auto test = lm::data::load_fashion_mnist(lm::data::split::test, o.data);
  train.keep_first(o.train_limit);
  test.keep_first(o.test_limit);
  std::printf("Fashion-MNIST from %s: %zu training and %zu test images\n\n", o.data.c_str(), train.size, test.size);

  Model<Backend> model(o.seed);
  std::fputs(Model<Backend>::summary(o.batch).c_str(), stdout);
  model.autocast(o.precision);
  lm::train::grad_scaler scaler;  // used under fp16 only
  lm::train::grad_scaler* scaling = o.precision == lm::precision::fp16 ? &scaler : nullptr;
  lm::optim::SGD optimizer(model, {.lr = o.lr, .momentum = o.momentum});
  lm::data::ClassificationLoader loader(train.images, train.labels, train.sample_size(),
                                        {.batch_size = o.batch, .shuffle = true, .seed = o.seed});
  std::printf("\nSGD lr %g momentum %g, batch %zu, %d epochs, %s\n", o.lr, o.momentum, o.batch, o.epochs,
              std::string(lm::to_string(o.precision)).c_str());

  evaluation last{};
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    loader.start_epoch(std::size_t(epoch));
    double loss = 0;
    std::size_t hits = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t b = 0; b < loader.batches(); ++b) {
      const auto batch = loader.batch(b);
      loss += lm::train::step(model, batch.x, batch.size, batch.labels, lm::loss::CrossEntropy{}, optimizer,
                              scaling) *
              double(batch.size);
      hits += lm::metrics::correct(model.to_host(model.output()).view(), batch.labels);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    last = evaluate(model, test);
    std::printf("epoch %d/%d  train loss %.4f  train acc %5.2f%%  test loss %.4f  test acc %5.2f%%  %8.0f samples/s\n",
                epoch, o.epochs, loss / double(train.size), 100.0 * double(hits) / double(train.size), last.loss,
                100.0 * last.accuracy, double(train.size) / seconds);
    std::fflush(stdout);
    log << epoch << ',' << loss / double(train.size) << ',' << double(hits) / double(train.size) << ',' << last.loss
        << ',' << last.accuracy << ',' << double(train.size) / seconds << std::endl;
  }
  if (!log) throw std::runtime_error("cannot write " + (o.out / "log.csv").string());
  std::printf("\ntest accuracy: %.2f%%\n", 100.0 * last.accuracy);
  std::printf("per-epoch log: %s\n", (o.out / "log.csv").string().c_str());
  // The trained network, for onnxruntime & co. (docs/deploy.md).
  lm::io::export_onnx(model, o.out / "fashion_mlp.onnx");
  std::printf("trained network (ONNX): %s\n", (o.out / "fashion_mlp.onnx").string().c_str());
  // The quick run is a smoke test: a few thousand images must already beat chance (10 %) by far.
  if (o.quick && last.accuracy < 0.65) {
    std::fprintf(stderr, "quick run: test accuracy %.2f%% is below the expected 65%%\n", 100.0 * last.accuracy);
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fashion_mlp: %s\n", e.what());
  return 2;
}

#ifndef LAMINA_EXAMPLE_CUDA_PART
int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  return o.device == examples::device::cuda ? examples::cuda_main(argc, argv) : run<lm::cpu>(o);
}
#else
int examples::cuda_main(int argc, char** argv) {
  return examples::on_gpu("fashion_mlp", [&] { return run<lm::cuda>(parse(argc, argv)); });
}
#endif
