// ECE4179 assignment 2, Q2-Q4: MLPs on Fashion-MNIST.
//
//   fashion_mlp_study [--task 2|3|4|all] [--epochs 100] [--seed 0] [--data DIR]
//                     [--out results/fashion_mlp_study] [--device cpu|cuda] [--threads N] [--quick] [--help]
//
// Q2: shallow MLPs 784-n-10 (n = 32, 128, 512) with SGD lr 0.1 / 0.01 / 1e-3, momentum 0.9,
//     weight decay 1e-4, batch 128, on 50,000 training images with 10,000 held out for
//     validation: curves of training loss, validation loss and validation accuracy; the best
//     checkpoint chosen by validation accuracy and by validation loss (both written by KeepBest,
//     read back and tested); a MultiStepLR schedule (1e-3 -> 1e-4 at 80 % of the epochs: epoch 80
//     of 100) against the constant lr; extras: ReLU vs Sigmoid, SGD vs Adam.
// Q3: DeepMLP 784-32-64-32-10 (29,642 parameters) and DeepWideMLP 784-128-64-128-10 (118,346),
//     SGD lr 1e-3 as in Q2, with the CarbonTracker-style energy / CO2 report of each.
// Q4: a deeper, wider MLP 784-512-256-128-10 with Adam lr 2e-4 that over-fits, then the same
//     with Dropout(0.3), weight decay 1e-4 and early stopping on the validation loss.
//
// Outputs (under --out): q*.md tables, q*_<run>.csv logs (train, validation and test per epoch),
// q*.png curves, q2_*_best_{acc,loss}.safetensors checkpoints.
// --quick: 5,000 training / 1,000 validation / 1,000 test images, 2 epochs (milestone at epoch 1),
// asserts the outcomes (CTest runs it); full mode: all images, --epochs (default 100) per run.
#include <lamina/lamina.hpp>
#include <lamina/train/energy.hpp>
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
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lm = lamina;
namespace fs = std::filesystem;
using namespace examples::fashion_mlp_study;

// ---------------------------------------------------------------------------------------------
struct options {
  int task = 0;  // 0: all
  std::size_t epochs = 100, train_limit = 0, test_limit = 0;
  std::uint64_t seed = 0;
  std::string data = lm::data::fashion_mnist_default_dir().string();
  fs::path out = "results/fashion_mlp_study";
  bool quick = false;
  examples::device device = examples::device::cpu;
};

static options parse(int argc, char** argv) {
  options o;
  examples::cli cli("fashion_mlp_study",
                    "ECE4179 assignment 2, Q2-Q4: MLPs on Fashion-MNIST. Q2: shallow MLPs 784-n-10 over three widths "
                    "and three SGD learning rates with validation curves, best checkpoints and a MultiStepLR "
                    "schedule; Q3: two deeper MLPs with the energy / CO2 report of each; Q4: a big MLP that "
                    "over-fits, then the same with dropout, weight decay and early stopping. Tables, logs, curves "
                    "and checkpoints go to --out.");
  cli.choice("--task N", o.task, {{"2", 2}, {"3", 3}, {"4", 4}, {"all", 0}}, "the question to run");
  cli.option("--epochs N", o.epochs, "epochs per run (--quick: 2)", examples::at_least(2));
  cli.option("--seed N", o.seed, "seed of the weights, the shuffling and the validation split");
  cli.option("--data DIR", o.data, "the Fashion-MNIST folder");
  cli.option("--out DIR", o.out, "where the tables, logs, curves and checkpoints go");
  examples::device_option(cli, o.device);
  cli.flag("--quick", o.quick, "5,000 training, 1,000 validation and 1,000 test images; checks the outcomes, exits "
                               "with 1 when one fails (seconds; CTest runs it)");
  cli.parse(argc, argv);
  if (o.quick) {
    if (!cli.given("--epochs")) o.epochs = 2;
    o.train_limit = 6000;  // 5,000 train + 1,000 validation
    o.test_limit = 1000;
  }
  return o;
}

struct datasets {
  lm::data::image_classification_set train, val, test;
};

// ---------------------------------------------------------------------------------------------
struct run_spec {
  std::string name;                      // file stem
  std::string label;                     // legend
  std::string optimizer = "sgd";         // sgd (momentum 0.9) or adam
  double lr = 1e-3, weight_decay = 1e-4;
  std::vector<std::size_t> milestones;   // MultiStepLR (gamma 0.1) when not empty
  std::size_t patience = 0;              // EarlyStopping on val_loss when > 0
  bool checkpoints = false;              // KeepBest by val accuracy and by val loss
  bool energy = false;                   // energy / CO2 report
};

struct best_row {
  std::size_t epoch = 0;
  double train_loss = 0, val_loss = 0, val_acc = 0, test_acc = 0, recorded_test_acc = 0;
};

struct run_result {
  run_spec spec;
  lm::train::history h;
  std::vector<double> test_acc, test_loss;
  best_row by_acc, by_loss;
  std::size_t stopped_epoch = 0, restored_epoch = 0;
  double final_test_acc = 0;  // of the weights the run ends with (restored ones with early stopping)
  std::string energy_md, energy_text;
  double kwh = 0, g_co2 = 0, seconds = 0;
  std::size_t params = 0;
};

// Starts the energy tracker's epochs (the first before training, the next after each epoch's
// callbacks), so that each tracked epoch covers training and validation, not the test pass.
class energy_epochs : public lm::train::callback {
 public:
  explicit energy_epochs(lm::train::energy_tracker& t) : t_(t) {}
  void on_train_begin(lm::train::callback_context&) override { t_.start_epoch(); }
  void on_epoch_end(const lm::train::history&, lm::train::callback_context&) override { t_.start_epoch(); }

 private:
  lm::train::energy_tracker& t_;
};

static void write_csv(const fs::path& file, const run_result& r) {
  std::ofstream f(file);
  f << "epoch,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,test_accuracy,lr,seconds\n";
  char buf[256];
  for (std::size_t i = 0; i < r.h.epochs.size(); ++i) {
    const auto& e = r.h.epochs[i];
    std::snprintf(buf, sizeof buf, "%zu,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.6g\n", e.epoch, e.get("loss"),
                  e.get("accuracy"), e.get("val_loss"), e.get("val_accuracy"), r.test_loss[i], r.test_acc[i],
                  e.get("lr"), e.seconds);
    f << buf;
  }
  if (!f) throw std::runtime_error("cannot write " + file.string());
}

template <class Net, class Backend>
static run_result train_run(const run_spec& spec, const datasets& d, const options& o) {
  using M = lm::Model<Net, Input, Backend>;
  M model(o.seed);
  lm::data::ClassificationLoader train(d.train.images, d.train.labels, 784, {.batch_size = 128, .seed = o.seed});
  lm::data::ClassificationLoader val(d.val.images, d.val.labels, 784, {.batch_size = 1000, .shuffle = false});
  lm::data::ClassificationLoader test(d.test.images, d.test.labels, 784, {.batch_size = 1000, .shuffle = false});
  run_result r;
  r.spec = spec;
  r.params = M::param_count;
  const fs::path acc_file = o.out / (spec.name + "_best_acc.safetensors");
  const fs::path loss_file = o.out / (spec.name + "_best_loss.safetensors");

  auto fit = [&](auto& opt) {
    using Opt = std::remove_reference_t<decltype(opt)>;
    lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = lm::train::progress_bar::style::silent});
    std::optional<lm::optim::MultiStepLR> sched;
    if (!spec.milestones.empty()) sched.emplace(opt, lm::optim::multi_step_lr_options{.milestones = spec.milestones, .gamma = 0.1});
    std::optional<lm::train::energy_tracker> tracker;
    if (spec.energy) tracker.emplace(lm::train::energy_config{});
    std::shared_ptr<lm::train::EarlyStopping> stopper;
    trainer.add_metric(lm::train::accuracy());
    trainer.on_epoch_end([&](const lm::train::epoch_record& e) {
      if (tracker) tracker->end_epoch();
      if (sched) sched->step();
      const auto t = trainer.evaluate(test);
      r.test_loss.push_back(t.at("loss"));
      r.test_acc.push_back(t.at("accuracy"));
      if (e.epoch == 1 || e.epoch % 10 == 0 || e.epoch == o.epochs)
        std::printf("  %-28s epoch %3zu/%zu  loss %.4f  val loss %.4f acc %6.2f%%  test acc %6.2f%%  lr %.3g  %.1f s\n",
                    spec.label.c_str(), e.epoch, o.epochs, e.get("loss"), e.get("val_loss"),
                    100 * e.get("val_accuracy"), 100 * t.at("accuracy"), e.get("lr"), e.seconds);
      std::fflush(stdout);
    });
    if (spec.checkpoints) {
      trainer.add_callback(std::make_shared<lm::train::KeepBest>(lm::train::KeepBest::options{
          .monitor = "val_accuracy", .mode = lm::train::goal::maximize, .path = acc_file}));
      trainer.add_callback(std::make_shared<lm::train::KeepBest>(lm::train::KeepBest::options{
          .monitor = "val_loss", .mode = lm::train::goal::minimize, .path = loss_file}));
    }
    if (spec.patience) {
      stopper = std::make_shared<lm::train::EarlyStopping>(lm::train::EarlyStopping::options{
          .monitor = "val_loss", .patience = spec.patience, .restore_best = true});
      trainer.add_callback(stopper);
    }
    if (tracker) trainer.add_callback(std::make_shared<energy_epochs>(*tracker));
    r.h = trainer.fit(train, o.epochs, &val);
    for (const auto& e : r.h.epochs) r.seconds += e.seconds;
    r.final_test_acc = trainer.evaluate(test).at("accuracy");
    if (stopper) {
      r.stopped_epoch = stopper->stopped_epoch();
      r.restored_epoch = stopper->best_epoch();
    }
    if (tracker) {
      const auto rep = tracker->report();
      r.energy_md = rep.markdown();
      r.energy_text = rep.str();
      r.kwh = rep.total.kwh;
      r.g_co2 = rep.total.g_co2eq;
    }
    if (spec.checkpoints) {
      // Read each best checkpoint back into a fresh model and test it.
      auto row = [&](const fs::path& file, const std::string& monitor, bool maximize) {
        best_row b;
        const auto& e = r.h.best(monitor, maximize);
        b.epoch = e.epoch;
        b.train_loss = e.get("loss");
        b.val_loss = e.get("val_loss");
        b.val_acc = e.get("val_accuracy");
        b.recorded_test_acc = r.test_acc[e.epoch - 1];
        M restored(o.seed + 1);
        Opt restored_opt(restored, {});
        const auto info = lm::train::load_checkpoint(file, restored, restored_opt);
        if (info.epoch != e.epoch) throw std::runtime_error(file.string() + ": checkpoint of epoch " +
                                                            std::to_string(info.epoch) + ", expected " + std::to_string(e.epoch));
        lm::train::Trainer tester(restored, lm::loss::CrossEntropy{}, restored_opt,
                                  {.progress = lm::train::progress_bar::style::silent});
        tester.add_metric(lm::train::accuracy());
        b.test_acc = tester.evaluate(test).at("accuracy");
        return b;
      };
      r.by_acc = row(acc_file, "val_accuracy", true);
      r.by_loss = row(loss_file, "val_loss", false);
    }
  };
  if (spec.optimizer == "adam") {
    lm::optim::Adam opt(model, {.lr = spec.lr, .weight_decay = spec.weight_decay});
    fit(opt);
  } else {
    lm::optim::SGD opt(model, {.lr = float(spec.lr), .momentum = 0.9f, .weight_decay = float(spec.weight_decay)});
    fit(opt);
  }
  write_csv(o.out / (spec.name + ".csv"), r);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Plots and tables.
static std::vector<double> percent(std::vector<double> v) {
  for (double& x : v) x *= 100;
  return v;
}

static std::vector<double> quantity(const run_result& r, const std::string& q) {
  if (q == "test_accuracy") return percent(r.test_acc);
  if (q == "test_loss") return r.test_loss;
  auto v = r.h.series(q);
  return q.find("accuracy") != std::string::npos ? percent(v) : v;
}

struct curve {
  const run_result* run;
  std::string quantity, label;
  lm::viz::line_style line = lm::viz::line_style::solid;
  std::size_t colour = 0;
};

static void save_plot(const fs::path& file, const std::string& title, const std::string& ylabel,
                      const std::vector<curve>& curves, bool log_y = false) {
  lm::viz::plot p;
  p.title = title;
  p.x.label = "epoch";
  p.y.label = ylabel;
  p.y.log = log_y;
  for (const auto& c : curves) {
    auto& s = p.add(quantity(*c.run, c.quantity), c.label);
    s.style.line = c.line;
    s.style.color = lm::viz::palette(c.colour);
  }
  lm::viz::save_png(file, p);
}

static std::string summary_table(const std::vector<const run_result*>& runs) {
  std::string s =
      "| run | parameters | epochs | final train loss | final val loss | final val acc | best val acc (epoch) | "
      "min val loss (epoch) | final test acc | s/epoch |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  char buf[384];
  for (const auto* r : runs) {
    const auto& l = r->h.last();
    const auto& ba = r->h.best("val_accuracy", true);
    const auto& bl = r->h.best("val_loss", false);
    std::snprintf(buf, sizeof buf, "| %s | %zu | %zu | %.4f | %.4f | %.2f %% | %.2f %% (%zu) | %.4f (%zu) | %.2f %% | %.2f |\n",
                  r->spec.label.c_str(), r->params, r->h.epochs.size(), l.get("loss"), l.get("val_loss"),
                  100 * l.get("val_accuracy"), 100 * ba.get("val_accuracy"), ba.epoch, bl.get("val_loss"), bl.epoch,
                  100 * r->final_test_acc, r->seconds / double(r->h.epochs.size()));
    s += buf;
  }
  return s;
}

static void write_text(const fs::path& file, const std::string& text) {
  std::ofstream f(file);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + file.string());
}

struct checks {
  std::vector<std::string> failures;
  void require(bool ok, const std::string& what) {
    std::printf("  check: %-76s %s\n", what.c_str(), ok ? "ok" : "FAILED");
    if (!ok) failures.push_back(what);
  }
  void file(const fs::path& p) { require(fs::exists(p) && fs::file_size(p) > 0, "wrote " + p.string()); }
};

static bool loss_decreased(const run_result& r) {
  const auto l = r.h.series("loss");
  return l.back() < l.front() || r.h.last().get("val_loss") < r.h.epochs.front().get("val_loss");
}

static std::string lr_name(double lr) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", lr);
  return b;
}

// ---------------------------------------------------------------------------------------------
template <class Backend>
static void q2(const datasets& d, const options& o, checks& c) {
  std::printf("\n== Q2: shallow MLPs 784-n-10, SGD momentum 0.9, weight decay 1e-4, batch 128 ==\n\n");
  const std::vector<double> lrs = {0.1, 0.01, 1e-3};
  std::vector<run_result> grid;
  auto run_n = [&]<std::size_t N>(double lr) {
    run_spec s{.name = "q2_n" + std::to_string(N) + "_lr" + lr_name(lr),
               .label = "n " + std::to_string(N) + ", lr " + lr_name(lr), .lr = lr, .checkpoints = true};
    grid.push_back(train_run<ShallowMLP<N>, Backend>(s, d, o));
  };
  for (double lr : lrs) {
    run_n.template operator()<32>(lr);
    run_n.template operator()<128>(lr);
    run_n.template operator()<512>(lr);
  }

  // Curves: colour by lr, line style by n.
  const lm::viz::line_style styles[3] = {lm::viz::line_style::dotted, lm::viz::line_style::dashed, lm::viz::line_style::solid};
  for (auto [q, file, ylabel, log] :
       {std::tuple{"loss", "q2_train_loss.png", "training loss", true},
        std::tuple{"val_loss", "q2_val_loss.png", "validation loss", true},
        std::tuple{"val_accuracy", "q2_val_accuracy.png", "validation accuracy (%)", false}}) {
    std::vector<curve> cs;
    for (std::size_t i = 0; i < grid.size(); ++i) cs.push_back({&grid[i], q, grid[i].spec.label, styles[i % 3], i / 3});
    save_plot(o.out / file, std::string("784-n-10 MLPs: ") + ylabel, ylabel, cs, log);
  }

  std::string md = "# Q2: shallow MLPs 784-n-10\n\nSGD, momentum 0.9, weight decay 1e-4, batch 128; " +
                   std::to_string(d.train.size) + " training, " + std::to_string(d.val.size) + " validation, " +
                   std::to_string(d.test.size) + " test images; " + std::to_string(o.epochs) + " epochs.\n\n";
  std::vector<const run_result*> ptrs;
  for (const auto& r : grid) ptrs.push_back(&r);
  md += "## All runs\n\n" + summary_table(ptrs);
  md += "\n## Best checkpoint: by validation accuracy vs by validation loss\n\n"
        "Each checkpoint was written by KeepBest during training, read back into a fresh model and tested.\n\n"
        "| run | chosen by | epoch | train loss | val loss | val acc | test acc |\n|---|---|---:|---:|---:|---:|---:|\n";
  char buf[320];
  const run_result* best_run = &grid[0];
  for (const auto& r : grid) {
    for (auto [by, b] : {std::pair{"val accuracy", &r.by_acc}, std::pair{"val loss", &r.by_loss}}) {
      std::snprintf(buf, sizeof buf, "| %s | %s | %zu | %.4f | %.4f | %.2f %% | %.2f %% |\n", r.spec.label.c_str(), by,
                    b->epoch, b->train_loss, b->val_loss, 100 * b->val_acc, 100 * b->test_acc);
      md += buf;
      c.require(std::abs(b->test_acc - b->recorded_test_acc) < 1e-9,
                r.spec.label + ": checkpoint by " + by + " tests as recorded at its epoch");
    }
    if (r.by_acc.val_acc > best_run->by_acc.val_acc) best_run = &r;
  }
  std::snprintf(buf, sizeof buf,
                "\nBest run by validation accuracy: %s, epoch %zu: val acc %.2f %%, test acc %.2f %% "
                "(the checkpoint chosen by val loss, epoch %zu: val acc %.2f %%, test acc %.2f %%).\n",
                best_run->spec.label.c_str(), best_run->by_acc.epoch, 100 * best_run->by_acc.val_acc,
                100 * best_run->by_acc.test_acc, best_run->by_loss.epoch, 100 * best_run->by_loss.val_acc,
                100 * best_run->by_loss.test_acc);
  md += buf;
  std::fputs(buf + 1, stdout);

  // MultiStepLR: lr 1e-3 -> 1e-4 at 80 % of the epochs (epoch 80 of 100), n = 128, against the
  // constant lr 1e-3 run of the grid (same seed, same everything else).
  const std::size_t milestone = std::max<std::size_t>(1, o.epochs * 4 / 5);
  run_spec sched{.name = "q2_n128_multistep", .label = "n 128, lr 1e-3 -> 1e-4 at " + std::to_string(milestone),
                 .lr = 1e-3, .milestones = {milestone}};
  const run_result multistep = train_run<ShallowMLP<128>, Backend>(sched, d, o);
  const run_result& constant = grid[7];  // n 128, lr 1e-3
  for (auto [q, file, ylabel, log] : {std::tuple{"val_accuracy", "q2_multistep_val_accuracy.png", "validation accuracy (%)", false},
                                      std::tuple{"val_loss", "q2_multistep_loss.png", "loss", true}}) {
    std::vector<curve> cs{{&constant, q, "constant lr 1e-3", lm::viz::line_style::solid, 0},
                          {&multistep, q, "MultiStepLR", lm::viz::line_style::solid, 1}};
    if (std::string(q) == "val_loss") {
      cs[0].label += " (val)";
      cs[1].label += " (val)";
      cs.push_back({&constant, "loss", "constant lr 1e-3 (train)", lm::viz::line_style::dashed, 0});
      cs.push_back({&multistep, "loss", "MultiStepLR (train)", lm::viz::line_style::dashed, 1});
    }
    save_plot(o.out / file, "784-128-10, SGD: constant lr vs MultiStepLR", ylabel, cs, log);
  }
  md += "\n## MultiStepLR (n = 128): lr 1e-3, x0.1 at epoch " + std::to_string(milestone) + "\n\n" +
        summary_table({&constant, &multistep});

  // Extras: ReLU vs Sigmoid, SGD vs Adam (n = 128; lr 0.01 for SGD, 1e-3 for Adam).
  const run_result& relu_sgd = grid[4];  // n 128, lr 0.01
  const run_result sigmoid = train_run<ShallowMLP<128, lm::Sigmoid>, Backend>(
      {.name = "q2_n128_sigmoid", .label = "n 128, Sigmoid, SGD lr 0.01", .lr = 0.01}, d, o);
  const run_result adam = train_run<ShallowMLP<128>, Backend>(
      {.name = "q2_n128_adam", .label = "n 128, ReLU, Adam lr 1e-3", .optimizer = "adam", .lr = 1e-3}, d, o);
  save_plot(o.out / "q2_extras_val_accuracy.png", "784-128-10: activation and optimizer", "validation accuracy (%)",
            {{&relu_sgd, "val_accuracy", "ReLU, SGD lr 0.01", lm::viz::line_style::solid, 0},
             {&sigmoid, "val_accuracy", "Sigmoid, SGD lr 0.01", lm::viz::line_style::solid, 1},
             {&adam, "val_accuracy", "ReLU, Adam lr 1e-3", lm::viz::line_style::solid, 2}});
  save_plot(o.out / "q2_extras_train_loss.png", "784-128-10: activation and optimizer", "training loss",
            {{&relu_sgd, "loss", "ReLU, SGD lr 0.01", lm::viz::line_style::solid, 0},
             {&sigmoid, "loss", "Sigmoid, SGD lr 0.01", lm::viz::line_style::solid, 1},
             {&adam, "loss", "ReLU, Adam lr 1e-3", lm::viz::line_style::solid, 2}},
            true);
  md += "\n## Extras (n = 128): ReLU vs Sigmoid, SGD vs Adam\n\n" + summary_table({&relu_sgd, &sigmoid, &adam});
  md += "\nFiles: q2_train_loss.png, q2_val_loss.png, q2_val_accuracy.png, q2_multistep_*.png, q2_extras_*.png, "
        "q2_*.csv, q2_*_best_{acc,loss}.safetensors\n";
  write_text(o.out / "q2.md", md);
  std::printf("\n%s\n", summary_table(ptrs).c_str());

  for (const auto& r : grid) c.require(loss_decreased(r), r.spec.label + ": loss decreased");
  c.require(best_run->by_acc.test_acc > (o.quick ? 0.6 : 0.8), "best Q2 checkpoint: test accuracy well above chance");
  for (const auto* r : {&multistep, &sigmoid, &adam}) {
    c.require(loss_decreased(*r), r->spec.label + ": loss decreased");
    c.require(r->h.last().get("val_accuracy") > 0.2, r->spec.label + ": validation accuracy above chance");
  }
  c.require(multistep.h.last().get("lr") < 2e-4, "MultiStepLR: lr is 1e-4 after the milestone");
  for (const char* f : {"q2.md", "q2_train_loss.png", "q2_val_loss.png", "q2_val_accuracy.png",
                        "q2_multistep_val_accuracy.png", "q2_multistep_loss.png", "q2_extras_val_accuracy.png",
                        "q2_extras_train_loss.png", "q2_n128_lr0.001.csv", "q2_n128_lr0.001_best_acc.safetensors",
                        "q2_n128_lr0.001_best_loss.safetensors"})
    c.file(o.out / f);
}

template <class Backend>
static void q3(const datasets& d, const options& o, checks& c) {
  std::printf("\n== Q3: DeepMLP (29,642) vs DeepWideMLP (118,346), SGD lr 1e-3, with energy reports ==\n\n");
  const run_result deep =
      train_run<DeepMLP, Backend>({.name = "q3_deep", .label = "DeepMLP 784-32-64-32-10", .energy = true}, d, o);
  const run_result wide = train_run<DeepWideMLP, Backend>(
      {.name = "q3_deep_wide", .label = "DeepWideMLP 784-128-64-128-10", .energy = true}, d, o);
  save_plot(o.out / "q3_val_accuracy.png", "DeepMLP vs DeepWideMLP", "accuracy (%)",
            {{&deep, "val_accuracy", "DeepMLP val", lm::viz::line_style::solid, 0},
             {&deep, "accuracy", "DeepMLP train", lm::viz::line_style::dashed, 0},
             {&wide, "val_accuracy", "DeepWideMLP val", lm::viz::line_style::solid, 1},
             {&wide, "accuracy", "DeepWideMLP train", lm::viz::line_style::dashed, 1}});
  save_plot(o.out / "q3_loss.png", "DeepMLP vs DeepWideMLP", "loss",
            {{&deep, "val_loss", "DeepMLP val", lm::viz::line_style::solid, 0},
             {&deep, "loss", "DeepMLP train", lm::viz::line_style::dashed, 0},
             {&wide, "val_loss", "DeepWideMLP val", lm::viz::line_style::solid, 1},
             {&wide, "loss", "DeepWideMLP train", lm::viz::line_style::dashed, 1}},
            true);
  std::string md = "# Q3: DeepMLP vs DeepWideMLP\n\nSGD lr 1e-3, momentum 0.9, weight decay 1e-4, batch 128, " +
                   std::to_string(o.epochs) + " epochs. Parameter counts are checked at compile time "
                   "(static_assert: 29,642 and 118,346).\n\n" + summary_table({&deep, &wide});
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "\n| run | parameters | training time (s) | energy (kWh, PUE incl.) | CO2eq (g) |\n|---|---:|---:|---:|---:|\n"
                "| DeepMLP | %zu | %.1f | %.3g | %.3g |\n| DeepWideMLP | %zu | %.1f | %.3g | %.3g |\n",
                deep.params, deep.seconds, deep.kwh, deep.g_co2, wide.params, wide.seconds, wide.kwh, wide.g_co2);
  md += buf;
  md += "\n## Energy: DeepMLP\n\n" + deep.energy_md + "\n## Energy: DeepWideMLP\n\n" + wide.energy_md;
  md += "\nFiles: q3_val_accuracy.png, q3_loss.png, q3_deep.csv, q3_deep_wide.csv\n";
  write_text(o.out / "q3.md", md);
  std::printf("\n%s\nDeepMLP:\n%s\nDeepWideMLP:\n%s\n", summary_table({&deep, &wide}).c_str(), deep.energy_text.c_str(),
              wide.energy_text.c_str());
  for (const auto* r : {&deep, &wide}) {
    c.require(loss_decreased(*r), r->spec.label + ": loss decreased");
    c.require(r->kwh > 0 && r->g_co2 > 0, r->spec.label + ": energy and CO2 reported");
  }
  // At lr 1e-3 these deep, narrow nets need many epochs: the quick run (2 epochs) only checks the loss.
  if (!o.quick)
    for (const auto* r : {&deep, &wide})
      c.require(r->h.last().get("val_accuracy") > 0.5, r->spec.label + ": validation accuracy well above chance");
  for (const char* f : {"q3.md", "q3_val_accuracy.png", "q3_loss.png", "q3_deep.csv", "q3_deep_wide.csv"}) c.file(o.out / f);
}

template <class Backend>
static void q4(const datasets& d, const options& o, checks& c) {
  std::printf("\n== Q4: 784-512-256-128-10 (567,434), Adam lr 2e-4: over-fitting, then regularised ==\n\n");
  const std::size_t patience = o.quick ? 1 : 10;
  const run_result plain = train_run<BigMLP, Backend>(
      {.name = "q4_plain", .label = "no regularisation", .optimizer = "adam", .lr = 2e-4, .weight_decay = 0}, d, o);
  const run_result reg = train_run<BigMLPDropout, Backend>({.name = "q4_regularised",
                                                   .label = "Dropout 0.3 + wd 1e-4 + early stopping",
                                                   .optimizer = "adam",
                                                   .lr = 2e-4,
                                                   .weight_decay = 1e-4,
                                                   .patience = patience},
                                                  d, o);
  save_plot(o.out / "q4_accuracy.png", "784-512-256-128-10, Adam lr 2e-4", "accuracy (%)",
            {{&plain, "accuracy", "plain train", lm::viz::line_style::dashed, 0},
             {&plain, "val_accuracy", "plain val", lm::viz::line_style::solid, 0},
             {&plain, "test_accuracy", "plain test", lm::viz::line_style::dotted, 0},
             {&reg, "accuracy", "regularised train", lm::viz::line_style::dashed, 1},
             {&reg, "val_accuracy", "regularised val", lm::viz::line_style::solid, 1},
             {&reg, "test_accuracy", "regularised test", lm::viz::line_style::dotted, 1}});
  save_plot(o.out / "q4_loss.png", "784-512-256-128-10, Adam lr 2e-4", "loss",
            {{&plain, "loss", "plain train", lm::viz::line_style::dashed, 0},
             {&plain, "val_loss", "plain val", lm::viz::line_style::solid, 0},
             {&reg, "loss", "regularised train", lm::viz::line_style::dashed, 1},
             {&reg, "val_loss", "regularised val", lm::viz::line_style::solid, 1}},
            true);
  std::string md = "# Q4: over-fitting and regularisation\n\n784-512-256-128-10 (567,434 parameters), Adam lr 2e-4, "
                   "batch 128. Regularised: Dropout(0.3) after each hidden ReLU, weight decay 1e-4, early stopping "
                   "on the validation loss (patience " + std::to_string(patience) + ", best weights restored).\n\n" +
                   summary_table({&plain, &reg});
  char buf[512];
  for (const auto* r : {&plain, &reg}) {
    const auto peak = std::max_element(r->test_acc.begin(), r->test_acc.end());
    const auto& bl = r->h.best("val_loss", false);
    std::snprintf(buf, sizeof buf,
                  "- %s: test accuracy peaks at %.2f %% (epoch %zu) and ends at %.2f %% (epoch %zu); val loss is lowest "
                  "at epoch %zu (%.4f) and ends at %.4f; train - val accuracy at the end: %+.2f points%s\n",
                  r->spec.label.c_str(), 100 * *peak, std::size_t(peak - r->test_acc.begin()) + 1, 100 * r->test_acc.back(),
                  r->test_acc.size(), bl.epoch, bl.get("val_loss"), r->h.last().get("val_loss"),
                  100 * (r->h.last().get("accuracy") - r->h.last().get("val_accuracy")),
                  r->stopped_epoch ? (", stopped early at epoch " + std::to_string(r->stopped_epoch) +
                                      ", weights of epoch " + std::to_string(r->restored_epoch) + " restored")
                                         .c_str()
                                   : "");
    md += buf;
    std::fputs(buf, stdout);
  }
  std::snprintf(buf, sizeof buf, "\nTest accuracy of the final weights: plain %.2f %%, regularised %.2f %%.\n",
                100 * plain.final_test_acc, 100 * reg.final_test_acc);
  md += buf;
  md += "\nFiles: q4_accuracy.png, q4_loss.png, q4_plain.csv, q4_regularised.csv\n";
  write_text(o.out / "q4.md", md);
  std::printf("%s\n%s", buf, summary_table({&plain, &reg}).c_str());
  for (const auto* r : {&plain, &reg}) {
    c.require(loss_decreased(*r), r->spec.label + ": loss decreased");
    c.require(r->final_test_acc > (o.quick ? 0.4 : 0.8), r->spec.label + ": test accuracy well above chance");
  }
  for (const char* f : {"q4.md", "q4_accuracy.png", "q4_loss.png", "q4_plain.csv", "q4_regularised.csv"}) c.file(o.out / f);
}

template <class Backend>
int run(const options& o) try {
  const auto start = std::chrono::steady_clock::now();
  fs::create_directories(o.out);
  auto all = lm::data::load_fashion_mnist(lm::data::split::train, o.data);
  all.keep_first(o.train_limit);
  datasets d;
  const auto s = lm::data::split_indices(all.size, {.validation = 1.0 / 6, .seed = o.seed});
  d.val = lm::data::subset(all, s.validation);
  d.train = lm::data::subset(all, s.train);
  d.test = lm::data::load_fashion_mnist(lm::data::split::test, o.data);
  d.test.keep_first(o.test_limit);
  std::printf("Fashion-MNIST from %s: %zu training, %zu validation, %zu test images; %zu epochs; outputs in %s\n",
              o.data.c_str(), d.train.size, d.val.size, d.test.size, o.epochs, o.out.string().c_str());

  checks c;
  if (o.task == 0 || o.task == 2) q2<Backend>(d, o, c);
  if (o.task == 0 || o.task == 3) q3<Backend>(d, o, c);
  if (o.task == 0 || o.task == 4) q4<Backend>(d, o, c);
  std::printf("\n%.1f s in all\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!c.failures.empty()) {
    std::fprintf(stderr, "fashion_mlp_study: %zu check(s) failed\n", c.failures.size());
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fashion_mlp_study: %s\n", e.what());
  return 2;
}

#ifndef LAMINA_EXAMPLE_CUDA_PART
int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  return o.device == examples::device::cuda ? examples::cuda_main(argc, argv) : run<lm::cpu>(o);
}
#else
int examples::cuda_main(int argc, char** argv) {
  return examples::on_gpu("fashion_mlp_study", [&] { return run<lm::cuda>(parse(argc, argv)); });
}
#endif
