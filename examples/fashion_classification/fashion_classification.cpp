// L335 practical, Fashion-MNIST classification, tasks 1 and 2.
//
//   fashion_classification [--task 1|2|all] [--epochs 20] [--sweep-epochs 10] [--optimizer adam|sgd]
//                          [--train-images N] [--seed 0] [--data DIR]
//                          [--out results/fashion_classification] [--device cpu|cuda] [--threads N]
//                          [--quick] [--help]
//
// Task 1: the PyTorch quick-start MLP (669,706 parameters) against a CNN of 3 conv + 2 FC layers
//         sized to match it (663,724 parameters, 0.9 % fewer; the count is checked at compile
//         time and printed layer by layer), accuracy per epoch (train and test) for both,
//         an over/under-fitting verdict computed from the curves, and the feature maps of every
//         conv layer for one test image.
// Task 2: the CNN at lr 0.1 / 1e-3 / 1e-5 (batch 64), then at lr 1e-3 with batch 4 / 64 / 512.
//
// Outputs (under --out): task1_*.png / .csv / .md, task2_*.png / .csv / .md, summary printed.
// The optimizer is Adam (lr 1e-3, batch 64) by default: the report's lr 0.1 "random predictions"
// and 1e-5 "barely learns" are Adam's behaviour; --optimizer sgd uses SGD with momentum 0.9.
//
// --quick trains on 2,000 images (500 for batch 4) and tests on 1,000 for 1-2 epochs, writes
// every file and checks the outcomes (CTest runs it); the full mode uses all 60,000 / 10,000.
// --train-images N trains on the first N training images only (the test set stays whole): the
// task-2 sweep on 20,000 images takes a third of the time and shows the same effects.
#include <lamina/lamina.hpp>
#include <lamina/viz/viz.hpp>

#include "../common/command_line.hpp"
#include "../common/device.hpp"
#include "networks.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lm = lamina;
namespace fs = std::filesystem;
using namespace examples::fashion_classification;

template <class Backend>
using MLPModel = lm::Model<FashionMLP, Input, Backend>;
template <class Backend>
using CNNModel = lm::Model<FashionCNN, Input, Backend>;

// The first K layers of a Sequential, as a network of their own (feature maps of layer K-1).
template <std::size_t K, class Seq, class = std::make_index_sequence<K>>
struct prefix;
template <std::size_t K, class Seq, std::size_t... I>
struct prefix<K, Seq, std::index_sequence<I...>> {
  using type = lm::Sequential<typename Seq::template layer<I>...>;
};
template <std::size_t K, class Seq>
using prefix_t = typename prefix<K, Seq>::type;

// ---------------------------------------------------------------------------------------------
struct options {
  int task = 0;  // 0: all
  std::size_t epochs = 20, sweep_epochs = 10, train_limit = 0, test_limit = 0, small_batch_limit = 0;
  std::string optimizer = "adam";
  std::uint64_t seed = 0;
  std::string data = lm::data::fashion_mnist_default_dir().string();
  fs::path out = "results/fashion_classification";
  bool quick = false;
  examples::device device = examples::device::cpu;
};

static options parse(int argc, char** argv) {
  options o;
  examples::cli cli("fashion_classification",
                    "L335 practical, Fashion-MNIST classification. Task 1: PyTorch's quick-start MLP (669,706 "
                    "parameters) against a CNN of 3 conv + 2 FC layers of nearly the same size, accuracy per epoch, "
                    "an over/under-fitting verdict and the CNN's feature maps. Task 2: the CNN at learning rates 0.1, "
                    "1e-3 and 1e-5, then at batch sizes 4, 64 and 512. Tables, logs and figures go to --out.");
  cli.choice("--task N", o.task, {{"1", 1}, {"2", 2}, {"all", 0}}, "the task to run");
  cli.option("--epochs N", o.epochs, "epochs of task 1 (--quick: 2)", examples::at_least(1));
  cli.option("--sweep-epochs N", o.sweep_epochs, "epochs of each task-2 run (--quick: 1)", examples::at_least(1));
  cli.choice("--optimizer NAME", o.optimizer, {"adam", "sgd"}, "Adam (lr 1e-3) or SGD with momentum 0.9");
  cli.option("--train-images N", o.train_limit, "train on the first N training images only (0: all)");
  cli.option("--seed N", o.seed, "seed of the weights and the shuffling");
  cli.option("--data DIR", o.data, "the Fashion-MNIST folder");
  cli.option("--out DIR", o.out, "where the tables, logs and figures go");
  examples::device_option(cli, o.device);
  cli.flag("--quick", o.quick, "2,000 training and 1,000 test images; checks the outcomes, exits with 1 when one "
                               "fails (seconds; CTest runs it)");
  cli.parse(argc, argv);
  if (o.quick) {
    if (!cli.given("--epochs")) o.epochs = 2;
    if (!cli.given("--sweep-epochs")) o.sweep_epochs = 1;
    o.train_limit = 2000;
    o.test_limit = 1000;
    o.small_batch_limit = 500;  // batch 4 is 16x more steps per image
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// One training run: accuracy and loss per epoch on the training and the test set.
struct run_result {
  std::string label;
  std::vector<double> train_acc, test_acc, train_loss, test_loss;
  double seconds = 0;
};

template <class M>
static run_result train_run(M& model, const std::string& label, const lm::data::image_classification_set& train,
                            const lm::data::image_classification_set& test, const options& o, double lr,
                            std::size_t batch, std::size_t epochs, const fs::path& csv) {
  lm::data::ClassificationLoader train_loader(train.images, train.labels, train.sample_size(),
                                              {.batch_size = batch, .shuffle = true, .seed = o.seed});
  lm::data::ClassificationLoader test_loader(test.images, test.labels, test.sample_size(),
                                             {.batch_size = 250, .shuffle = false});
  run_result r{label, {}, {}, {}, {}, 0};
  auto fit = [&](auto& optimizer) {
    lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, optimizer,
                               {.progress = lm::train::progress_bar::style::silent});
    trainer.add_metric(lm::train::accuracy())
        .add_callback(std::make_shared<lm::train::CSVLogger>(csv))
        .on_epoch_end([&](const lm::train::epoch_record& e) {
          std::printf("  %-22s epoch %2zu/%zu  train loss %.4f acc %6.2f%%  test loss %.4f acc %6.2f%%  %5.1f s\n",
                      label.c_str(), e.epoch, epochs, e.get("loss"), 100 * e.get("accuracy"), e.get("val_loss"),
                      100 * e.get("val_accuracy"), e.seconds);
          std::fflush(stdout);
        });
    // The "validation" loader is the test set: the practical plots train and test accuracy.
    const auto& h = trainer.fit(train_loader, epochs, &test_loader);
    r.train_acc = h.series("accuracy");
    r.test_acc = h.series("val_accuracy");
    r.train_loss = h.series("loss");
    r.test_loss = h.series("val_loss");
    for (const auto& e : h.epochs) r.seconds += e.seconds;
  };
  if (o.optimizer == "adam") {
    lm::optim::Adam opt(model, {.lr = lr});
    fit(opt);
  } else {
    lm::optim::SGD opt(model, {.lr = float(lr), .momentum = 0.9f});
    fit(opt);
  }
  return r;
}

static std::vector<double> percent(const std::vector<double>& v) {
  std::vector<double> p;
  for (double x : v) p.push_back(100 * x);
  return p;
}

// Accuracy (%) per epoch, train dashed and test solid, one colour per run.
static void save_accuracy_plot(const fs::path& file, const std::string& title, const std::vector<run_result>& runs) {
  lm::viz::plot p;
  p.title = title;
  p.x.label = "epoch";
  p.y.label = "accuracy (%)";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    auto& test = p.add(percent(runs[i].test_acc), runs[i].label + " test");
    test.style.color = lm::viz::palette(i);
    test.style.mark = lm::viz::marker::circle;
    auto& train = p.add(percent(runs[i].train_acc), runs[i].label + " train");
    train.style.color = lm::viz::palette(i);
    train.style.line = lm::viz::line_style::dashed;
  }
  lm::viz::save_png(file, p);
}

// Over/under-fitting, from the curves: the gap between train and test accuracy at the end, how
// far test accuracy fell from its best epoch, and whether training accuracy was still rising.
static std::string fitting_verdict(const run_result& r) {
  const std::size_t n = r.test_acc.size();
  const double gap = r.train_acc.back() - r.test_acc.back();
  const auto best = std::max_element(r.test_acc.begin(), r.test_acc.end());
  const std::size_t best_epoch = std::size_t(best - r.test_acc.begin()) + 1;
  const double drop = *best - r.test_acc.back();
  const double last_gain = n >= 2 ? r.train_acc[n - 1] - r.train_acc[n - 2] : r.train_acc.back();
  const bool test_loss_rising = n >= 3 && r.test_loss[n - 1] > *std::min_element(r.test_loss.begin(), r.test_loss.end()) + 0.02;
  char buf[512];
  std::string verdict;
  if (r.train_acc.back() < 0.2)  // 10 classes: chance is 10 %
    verdict = "fails to learn: accuracy at chance level (random predictions)";
  else if (gap > 0.03 || drop > 0.005 || test_loss_rising)
    verdict = "over-fits: training accuracy keeps rising above test accuracy";
  else if (last_gain > 0.003)
    verdict = "under-fits (not converged): training accuracy still rose in the last epoch";
  else
    verdict = "fits well: train and test accuracy are close and flat";
  std::snprintf(buf, sizeof buf,
                "%s %s (final train %.2f%%, test %.2f%%, gap %+.2f points; best test %.2f%% at epoch %zu of %zu, "
                "%.2f points above the last; last-epoch train gain %+.2f points; test loss min %.4f, last %.4f)",
                r.label.c_str(), verdict.c_str(), 100 * r.train_acc.back(), 100 * r.test_acc.back(), 100 * gap,
                100 * *best, best_epoch, n, 100 * drop, 100 * last_gain,
                *std::min_element(r.test_loss.begin(), r.test_loss.end()), r.test_loss.back());
  return buf;
}

static std::string table(const std::vector<run_result>& runs, const std::string& first_column) {
  std::string s = "| " + first_column +
                  " | epochs | final train acc | final test acc | best test acc (epoch) | train - test | final train loss | s/epoch |\n"
                  "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  char buf[256];
  for (const auto& r : runs) {
    const auto best = std::max_element(r.test_acc.begin(), r.test_acc.end());
    std::snprintf(buf, sizeof buf, "| %s | %zu | %.2f %% | %.2f %% | %.2f %% (%zu) | %+.2f | %.4f | %.1f |\n",
                  r.label.c_str(), r.test_acc.size(), 100 * r.train_acc.back(), 100 * r.test_acc.back(), 100 * *best,
                  std::size_t(best - r.test_acc.begin()) + 1, 100 * (r.train_acc.back() - r.test_acc.back()),
                  r.train_loss.back(), r.seconds / double(r.test_acc.size()));
    s += buf;
  }
  return s;
}

static void write_text(const fs::path& file, const std::string& text) {
  std::ofstream f(file);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + file.string());
}

// ---------------------------------------------------------------------------------------------
// The parameter count, layer by layer, from the types (nothing here runs a network).
template <class Net, std::size_t I>
static std::string layer_count_line() {
  using L = typename Net::template layer<I>;
  constexpr auto shapes = Net::shapes(Input::value);
  const std::string out = lm::to_string(shapes[I + 1]);
  char buf[256];
  if constexpr (requires { L::kernel_size; }) {
    std::snprintf(buf, sizeof buf, "| %zu | Conv2d(%zu, %zu, k=%zu, s=%zu, p=%zu) | %s | %zu x %zu x %zu x %zu + %zu | %zu |\n", I,
                  L::in_channels, L::out_channels, L::kernel_size, L::stride, L::padding, out.c_str(), L::out_channels,
                  L::in_channels, L::kernel_size, L::kernel_size, L::out_channels, L::param_count);
  } else if constexpr (requires { L::in_features; }) {
    std::snprintf(buf, sizeof buf, "| %zu | Linear(%zu, %zu) | %s | %zu x %zu + %zu | %zu |\n", I, L::in_features,
                  L::out_features, out.c_str(), L::out_features, L::in_features, L::out_features, L::param_count);
  } else {
    std::string what(L::name);
    if constexpr (requires { L::describe(); }) what = L::describe();
    std::snprintf(buf, sizeof buf, "| %zu | %s | %s | - | 0 |\n", I, what.c_str(), out.c_str());
  }
  return buf;
}

template <class Net>
static std::string count_table(const std::string& title) {
  std::string s = "### " + title + "\n\n| # | layer | output shape | parameters | count |\n|---|---|---|---|---:|\n";
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((s += layer_count_line<Net, I>()), ...);
  }(std::make_index_sequence<Net::depth>{});
  s += "| | **total** | | | **" + std::to_string(Net::param_count) + "** |\n\n";
  return s;
}

// ---------------------------------------------------------------------------------------------
// Feature maps of the conv layer ending at index K-1 of the CNN, for one image: a network of the
// first K layers gets the trained parameters by name ("0.weight", "3.bias", ...) and runs it.
// Both models' memory is the backend's (device memory on lm::cuda): copies go through the host.
template <std::size_t K, class M>
static void save_feature_maps(M& full, const float* image, const fs::path& file, const std::string& title) {
  lm::Model<prefix_t<K, FashionCNN>, Input, typename M::backend> head(0);
  for (const auto& p : head.named_parameters()) head.from_host(full.to_host(full.parameter(p.name)), p.value);
  head.eval();
  const lm::Tensor host = head.to_host(head.forward(std::span<const float>(image, 28 * 28), 1));
  const auto maps = host.view();  // [1, 9, H, W]
  lm::viz::grid_options g;
  g.title = title + " " + lm::to_string(maps.shape);
  g.cols = 9;
  g.scale = 3;
  lm::viz::save_png(file, lm::viz::feature_maps(maps, g));
}

// ---------------------------------------------------------------------------------------------
struct checks {
  std::vector<std::string> failures;
  void require(bool ok, const std::string& what) {
    std::printf("  check: %-70s %s\n", what.c_str(), ok ? "ok" : "FAILED");
    if (!ok) failures.push_back(what);
  }
  void file(const fs::path& p) { require(fs::exists(p) && fs::file_size(p) > 0, "wrote " + p.string()); }
};

template <class Backend>
static void task1(const options& o, const lm::data::image_classification_set& train,
                  const lm::data::image_classification_set& test, checks& c) {
  std::printf("\n== Task 1: MLP vs CNN ==\n\n");
  std::string md = "# Task 1: quick-start MLP vs CNN\n\n";
  md += count_table<FashionMLP>("FashionMLP") + count_table<FashionCNN>("FashionCNN");
  char buf[512];
  std::snprintf(buf, sizeof buf, "CNN / MLP parameters: %zu / %zu = %.4f (%.2f %% fewer).\n\n", FashionCNN::param_count,
                FashionMLP::param_count, double(FashionCNN::param_count) / double(FashionMLP::param_count),
                100.0 * (1.0 - double(FashionCNN::param_count) / double(FashionMLP::param_count)));
  md += buf;
  std::fputs(md.c_str(), stdout);

  const double lr = 1e-3;
  std::vector<run_result> runs;
  {
    MLPModel<Backend> mlp(o.seed);
    runs.push_back(train_run(mlp, "MLP", train, test, o, lr, 64, o.epochs, o.out / "task1_mlp.csv"));
  }
  CNNModel<Backend> cnn(o.seed);
  runs.push_back(train_run(cnn, "CNN", train, test, o, lr, 64, o.epochs, o.out / "task1_cnn.csv"));

  save_accuracy_plot(o.out / "task1_accuracy.png",
                     "MLP vs CNN, " + o.optimizer + " lr 1e-3, batch 64", runs);
  for (const auto& r : runs) {
    lm::viz::plot p;
    p.title = r.label + ": accuracy per epoch";
    p.x.label = "epoch";
    p.y.label = "accuracy (%)";
    p.add(percent(r.train_acc), "train").style.mark = lm::viz::marker::square;
    p.add(percent(r.test_acc), "test").style.mark = lm::viz::marker::circle;
    lm::viz::save_png(o.out / ("task1_" + std::string(r.label == "MLP" ? "mlp" : "cnn") + "_accuracy.png"), p);
  }

  // Feature maps of the three conv layers (after ReLU) for the first test image.
  const float* image = test.images.data();
  save_feature_maps<2>(cnn, image, o.out / "task1_feature_maps_conv1.png", "conv1 + ReLU");
  save_feature_maps<5>(cnn, image, o.out / "task1_feature_maps_conv2.png", "conv2 + ReLU");
  save_feature_maps<8>(cnn, image, o.out / "task1_feature_maps_conv3.png", "conv3 + ReLU");
  {
    lm::viz::grid_options g;
    g.scale = 6;
    g.title = "test image 0, label " + std::to_string(test.labels[0]);
    lm::viz::save_png(o.out / "task1_input.png", lm::viz::grid({image, lm::make_dims(1, 1, 28, 28)}, g));
  }

  md += "\n## Accuracy per epoch\n\n" + table(runs, "network") + "\n";
  const double diff = runs[1].test_acc.back() - runs[0].test_acc.back();
  std::snprintf(buf, sizeof buf, "CNN - MLP final test accuracy: %+.2f points.\n\n", 100 * diff);
  md += buf;
  md += "## Over / under-fitting (computed from the curves)\n\n";
  for (const auto& r : runs) md += "- " + fitting_verdict(r) + "\n";
  md += "\nFiles: task1_accuracy.png, task1_mlp_accuracy.png, task1_cnn_accuracy.png, task1_mlp.csv, task1_cnn.csv, "
        "task1_input.png, task1_feature_maps_conv{1,2,3}.png\n";
  write_text(o.out / "task1.md", md);
  std::printf("\n%s\n%s", table(runs, "network").c_str(), buf);
  for (const auto& r : runs) std::printf("%s\n", fitting_verdict(r).c_str());

  for (const auto& r : runs) {
    c.require(r.train_loss.back() < std::log(10.0), r.label + ": training loss below ln(10) (chance)");
    c.require(r.test_acc.back() > (o.quick ? 0.6 : 0.8), r.label + ": test accuracy well above chance");
  }
  for (const char* f : {"task1.md", "task1_accuracy.png", "task1_mlp_accuracy.png", "task1_cnn_accuracy.png",
                        "task1_mlp.csv", "task1_cnn.csv", "task1_input.png", "task1_feature_maps_conv1.png",
                        "task1_feature_maps_conv2.png", "task1_feature_maps_conv3.png"})
    c.file(o.out / f);
}

template <class Backend>
static void task2(const options& o, const lm::data::image_classification_set& train,
                  const lm::data::image_classification_set& test, checks& c) {
  std::printf("\n== Task 2: learning rate and batch size (CNN) ==\n\n");
  std::vector<run_result> lrs, batches;
  for (double lr : {0.1, 1e-3, 1e-5}) {
    CNNModel<Backend> cnn(o.seed);
    char label[32], file[64];
    std::snprintf(label, sizeof label, "lr %g", lr);
    std::snprintf(file, sizeof file, "task2_lr_%g.csv", lr);
    lrs.push_back(train_run(cnn, label, train, test, o, lr, 64, o.sweep_epochs, o.out / file));
  }
  auto small = train;
  small.keep_first(o.small_batch_limit);
  for (std::size_t b : {std::size_t(4), std::size_t(64), std::size_t(512)}) {
    const std::string label = "batch " + std::to_string(b);
    // Batch 64 at lr 1e-3 is the lr sweep's middle run: reuse it.
    if (b == 64) {
      batches.push_back(lrs[1]);
      batches.back().label = label;
      continue;
    }
    CNNModel<Backend> cnn(o.seed);
    batches.push_back(train_run(cnn, label, b == 4 ? small : train, test, o, 1e-3, b, o.sweep_epochs,
                                o.out / ("task2_batch_" + std::to_string(b) + ".csv")));
  }
  save_accuracy_plot(o.out / "task2_lr.png", "CNN, " + o.optimizer + ", batch 64: learning rate", lrs);
  save_accuracy_plot(o.out / "task2_batch.png", "CNN, " + o.optimizer + ", lr 1e-3: batch size", batches);

  std::string md = "# Task 2: learning rate and batch size (CNN, " + o.optimizer + ")\n\n## Learning rate (batch 64)\n\n" +
                   table(lrs, "lr") + "\n## Batch size (lr 1e-3)\n\n" + table(batches, "batch") + "\n";
  md += "Trained on " + std::to_string(train.size) + " training images (batch 4: " + std::to_string(small.size) +
        "), tested on " + std::to_string(test.size) + " test images, " + std::to_string(o.sweep_epochs) +
        " epochs per run.\n\n## Fitting\n\n";
  for (const auto& r : lrs) md += "- " + fitting_verdict(r) + "\n";
  for (const auto& r : batches) md += "- " + fitting_verdict(r) + "\n";
  md += "\nFiles: task2_lr.png, task2_batch.png, task2_lr_*.csv, task2_batch_*.csv\n";
  write_text(o.out / "task2.md", md);
  std::printf("\n%s\n%s", table(lrs, "lr").c_str(), table(batches, "batch").c_str());

  c.require(lrs[1].test_acc.back() > 0.5, "lr 1e-3: test accuracy above 50 %");
  c.require(lrs[1].test_acc.back() > lrs[2].test_acc.back(), "lr 1e-3 beats lr 1e-5");
  for (const auto& r : batches) c.require(r.test_acc.back() > 0.2, r.label + ": test accuracy above chance");
  for (const char* f : {"task2.md", "task2_lr.png", "task2_batch.png"}) c.file(o.out / f);
}

template <class Backend>
int run(const options& o) try {
  const auto start = std::chrono::steady_clock::now();
  fs::create_directories(o.out);
  auto train = lm::data::load_fashion_mnist(lm::data::split::train, o.data);
  auto test = lm::data::load_fashion_mnist(lm::data::split::test, o.data);
  train.keep_first(o.train_limit);
  test.keep_first(o.test_limit);
  std::printf("Fashion-MNIST from %s: %zu training and %zu test images; outputs in %s\n", o.data.c_str(), train.size,
              test.size, o.out.string().c_str());

  checks c;
  if (o.task == 0 || o.task == 1) task1<Backend>(o, train, test, c);
  if (o.task == 0 || o.task == 2) task2<Backend>(o, train, test, c);
  std::printf("\n%.1f s in all\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!c.failures.empty()) {
    std::fprintf(stderr, "fashion_classification: %zu check(s) failed\n", c.failures.size());
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fashion_classification: %s\n", e.what());
  return 2;
}

#ifndef LAMINA_EXAMPLE_CUDA_PART
int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  return o.device == examples::device::cuda ? examples::cuda_main(argc, argv) : run<lm::cpu>(o);
}
#else
int examples::cuda_main(int argc, char** argv) {
  return examples::on_gpu("fashion_classification", [&] { return run<lm::cuda>(parse(argc, argv)); });
}
#endif
