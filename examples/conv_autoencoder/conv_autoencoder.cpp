// ELEC5306 project 2, section 1.4: a convolutional / deconvolutional autoencoder on RGB photo
// patches, swept over channel counts (N, M) and Adam learning rates.
//
//   conv_autoencoder [--jobs K] [--quick] [--out DIR] [--epochs 30] [--train 850] [--val 200]
//                    [--batch 16] [--seed 0] [--show 8] [--device cpu|cuda] [--threads N] [--help]
//   conv_autoencoder --run N,M,LR [same options]     one configuration, e.g. --run 64,96,1e-3
//   conv_autoencoder --aggregate [same options]      only the tables, from the runs' CSV files
//
// The network (W4 of workloads.md), written below as ConvAE<N, M>: four 5x5 convolutions with
// stride 2 and padding 2 (64 -> 32 -> 16 -> 8 -> 4 pixels; channels 3 -> N -> N -> N -> M), ReLU
// between them, then four 5x5 transposed convolutions with stride 2, padding 2 and output
// padding 1 (4 -> 8 -> 16 -> 32 -> 64; channels M -> N -> N -> N -> 3), ReLU between, Sigmoid
// out. Sizes (N, M) = (32, 48), (64, 96), (128, 192); learning rates 1e-3, 1e-4, 1e-5; Adam, MSE
// loss, batch 16, 30 epochs each: nine runs.
//
// Data: the ten photos of data/images as RGB (the four grey ones replicated to three channels),
// cut into non-overlapping 64x64 tiles (stride 64: 1,141 tiles). Nearly flat tiles (pixel
// standard deviation below 0.02: 84 tiles, 71 of them the retina photo's black border) are
// dropped: their reconstruction is trivial and would only inflate the PSNR. The seeded split
// (lm::data::split_indices) then takes --val validation and --train training tiles from the
// 1,057 left; no pixel is in both sets. Full mode: 850 training and 200 validation patches
// (nearly all tiles), so that the nine runs need about 15-20 minutes on an idle 2-core AVX-512
// machine (W4 trains at ~440 samples/s on 2 threads there; (128, 192) is ~3.5x slower, (32, 48)
// ~3x faster: 30 epochs x 850 patches x 3 learning rates is about 14 minutes of training), about
// 35 minutes on a 2-core AVX2 one (docs/examples/conv_autoencoder.md).
//
// The sweep runs every configuration in its own process: the program re-executes itself
// (posix_spawn of /proc/self/exe with --run), K processes at a time (--jobs, default: as many
// as there are cores, at most 9), each with OMP_NUM_THREADS set so that the threads of all
// running processes add up to the number of cores (or to --threads N); the largest networks
// start first. The children get the options that shape a run (--quick, --epochs, --train,
// --val, --batch, --show, --seed, --device) as they were given, and --run and an absolute --out.
// Each child writes its output to <tag>.log. A child that fails (non-zero exit status or a signal)
// is reported with its log's last lines, the sweep goes on, the tables mark its cells "n/a"
// and the program exits with 1. Then the aggregation step (also --aggregate alone) reads the
// per-run CSV files and writes the tables.
//
// Outputs (under --out, default results/conv_autoencoder); <tag> is e.g. n64_m96_lr1e-03:
//   networks.md                 torchinfo-like summaries of the three networks
//   <tag>.csv                   per epoch: training loss/MSE/PSNR/SSIM (running, over the epoch's
//                               batches), validation loss/MSE/PSNR/SSIM, lr, seconds, samples/s
//   <tag>_curves.png            two y axes: training loss and validation PSNR on the left,
//                               validation MSE and SSIM on the right (both log scale, so that
//                               quantities of different magnitude share an axis visibly)
//   <tag>_reconstructions.png   --show validation patches: originals above reconstructions
//   <tag>.log                   the run's console output (sweep mode)
//   results.md                  one table per metric per learning rate (rows: sizes, columns:
//                               epochs 10, 20, 30), first-epoch losses, run times, and the
//                               report's findings checked against these numbers
//   val_psnr_all.png            validation PSNR per epoch of every run
// Validation loss and validation MSE are the same number (MSE loss, mean reduction over equal
// sized images), so the "loss" tables show the *training* loss (mean over the epoch's batches).
//
// --quick: 96 training and 32 validation patches, 3 epochs, only (32, 48), learning rates 1e-3
// and 1e-4, through the same parallel machinery; it checks that every run's training loss
// decreased, its validation PSNR rose after the first epoch, and every file was written; a
// failed check exits with 1 (CTest runs it).
#include <lamina/lamina.hpp>
#include <lamina/train/trainer.hpp>
#include <lamina/viz/viz.hpp>

#include "../common/command_line.hpp"
#include "../common/device.hpp"
#include "../common/outcome_checks.hpp"
#include "networks.hpp"
#include "patches.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace lm = lamina;
namespace fs = std::filesystem;
using namespace examples::conv_autoencoder;

// ---- The sizes swept (the network, ConvAE<N, M>, is in networks.hpp) ------------------------
struct net_size {
  std::size_t n, m;
};
constexpr std::array<net_size, 3> all_sizes = {{{32, 48}, {64, 96}, {128, 192}}};
constexpr std::array<double, 3> all_lrs = {1e-3, 1e-4, 1e-5};

// Relative cost of a training step (W4 = 1): the sweep starts the slowest runs first.
static double relative_cost(const net_size& s) { return s.n == 32 ? 1.0 / 3 : s.n == 64 ? 1.0 : 3.5; }

static std::size_t param_count(const net_size& s) { return 100 * s.n * s.n + 50 * s.n * s.m + 156 * s.n + s.m + 3; }

// ---- Options ------------------------------------------------------------------------------------
struct config {
  net_size size;
  double lr;
};

static std::string lr_str(double lr) {  // 1e-03 -> "1e-3"
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0e", lr);
  std::string s = buf;
  const auto e = s.find("e-0");
  if (e != std::string::npos) s.erase(e + 2, 1);
  return s;
}
static std::string tag_of(const config& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "n%zu_m%zu_lr%.0e", c.size.n, c.size.m, c.lr);
  return buf;
}
static std::string title_of(const config& c) {
  return "(" + std::to_string(c.size.n) + ", " + std::to_string(c.size.m) + "), lr " + lr_str(c.lr);
}

struct options {
  bool quick = false, aggregate_only = false;
  std::optional<config> run;  // --run: one configuration in this process
  std::size_t jobs = 0;       // 0: the number of cores (at most the number of runs)
  int threads = 0;            // --threads: the sweep's threads in all (0: one per core)
  std::string out = "results/conv_autoencoder";
  int epochs = 30;
  std::size_t train = 850, val = 200, batch = 16, show = 8;
  std::uint64_t seed = 0;
  std::vector<net_size> sizes{all_sizes.begin(), all_sizes.end()};
  std::vector<double> lrs{all_lrs.begin(), all_lrs.end()};
  std::vector<std::string> passed;  // options handed on to the --run children
  examples::device device = examples::device::cpu;

  std::vector<config> configs() const {
    std::vector<config> cs;
    for (const auto& s : sizes)
      for (double lr : lrs) cs.push_back({s, lr});
    return cs;
  }
};

// --run N,M,LR: (N, M) must be a compiled size (the network is a compile-time type; add a size
// to all_sizes and run_config to sweep another).
static config parse_run(const std::vector<double>& v, const examples::cli& cli) {
  if (v.size() == 3)
    for (const auto& s : all_sizes)
      if (double(s.n) == v[0] && double(s.m) == v[1]) return {s, v[2]};
  std::string got;
  for (double x : v) got += (got.empty() ? "" : ",") + examples::format(x);
  cli.reject("--run", "\"" + got + "\"", "N,M,LR with (N, M) one of (32,48), (64,96), (128,192) (e.g. 64,96,1e-3)");
}

static options parse(int argc, char** argv) {
  options o;
  std::vector<double> run;
  examples::cli cli("conv_autoencoder",
                    "ELEC5306 project 2, section 1.4: a convolutional / deconvolutional autoencoder on 64x64 RGB photo "
                    "patches, swept over the channel counts (N, M) = (32, 48), (64, 96), (128, 192) and the Adam "
                    "learning rates 1e-3, 1e-4, 1e-5 (MSE loss), every configuration in its own process (the program "
                    "starts itself with --run), --jobs at a time, their threads adding up to the cores (or to "
                    "--threads). Then it reads the runs' CSV files and writes the MSE, PSNR and SSIM tables. Tables, "
                    "logs and figures go to --out.");
  cli.option("--jobs K", o.jobs, "processes at a time (0: one per core, at most the number of runs)");
  cli.option("--run N,M,LR", run, "train one configuration in this process, e.g. 64,96,1e-3", examples::above(0));
  cli.flag("--aggregate", o.aggregate_only, "only write the tables, from the runs' CSV files in --out");
  cli.option("--out DIR", o.out, "where the tables, logs and figures go");
  examples::device_option(cli, o.device);
  cli.option("--epochs N", o.epochs, "epochs per run (--quick: 3)", examples::at_least(1));
  cli.option("--train N", o.train, "training patches (--quick: 96)", examples::at_least(1));
  cli.option("--val N", o.val, "validation patches (--quick: 32)", examples::at_least(1));
  cli.option("--batch N", o.batch, "patches per training step", examples::at_least(1));
  cli.option("--show N", o.show, "validation patches in each reconstruction picture");
  cli.option("--seed N", o.seed, "seed of the weights, the shuffling and the patch split");
  cli.flag("--quick", o.quick, "96 training and 32 validation patches, 3 epochs, (32, 48) at lr 1e-3 and 1e-4; "
                               "checks the outcomes, exits with 1 when one fails (seconds; CTest runs it)");
  cli.parse(argc, argv);
  if (cli.given("--run")) o.run = parse_run(run, cli);
  if (o.run && o.aggregate_only) cli.fail("--run and --aggregate exclude each other");
  o.threads = cli.threads();
  // The options that shape a run, for the --run children (--out goes to them as an absolute path).
  // --device too: every run of a sweep trains where the sweep was asked to.
  o.passed =
      cli.arguments_of({"--quick", "--epochs", "--train", "--val", "--batch", "--show", "--seed", "--device"});
  if (o.quick) {
    if (!cli.given("--epochs")) o.epochs = 3;
    if (!cli.given("--train")) o.train = 96;
    if (!cli.given("--val")) o.val = 32;
    o.sizes = {all_sizes[0]};
    o.lrs = {1e-3, 1e-4};
  }
  return o;
}

// ---- Data (patches.hpp) -------------------------------------------------------------------------
static int omp_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

// ---- One run ------------------------------------------------------------------------------------
// Sums over the images of a batch, as Trainer metrics (the epoch value is the mean per image).
static lm::train::metric mse_metric() {
  return {"mse", [](lm::ConstTensorView out, const lm::train::batch_target& t) {
            double s = 0;
            for (double v : lm::metrics::mse_per_image(out, t.values)) s += v;
            return s;
          }};
}

static void save_curves(const lm::train::history& h, const fs::path& file, const std::string& title) {
  lm::viz::plot p;
  p.title = title;
  p.x.label = "epoch";
  p.y.label = "loss, PSNR (dB); log scale";
  p.y2.label = "MSE, SSIM; log scale";
  p.y.log = p.y2.log = true;
  p.add(h.series("loss"), "training loss").style.mark = lm::viz::marker::circle;
  p.add(h.series("val_psnr"), "val PSNR (dB)").style.mark = lm::viz::marker::square;
  auto& mse = p.add(h.series("val_mse"), "val MSE", lm::viz::side::right);
  mse.style.line = lm::viz::line_style::dashed, mse.style.mark = lm::viz::marker::triangle;
  auto& ssim = p.add(h.series("val_ssim"), "val SSIM", lm::viz::side::right);
  ssim.style.line = lm::viz::line_style::dashed, ssim.style.mark = lm::viz::marker::diamond;
  p.width = 960;
  lm::viz::save_png(file, p);
}

template <std::size_t N, std::size_t M, class Backend>
static void train_run(const options& o, const config& c, const patch_data& d, const fs::path& dir) {
  using Model = lm::Model<ConvAE<N, M>, Input, Backend>;
  auto model = std::make_unique<Model>(o.seed);
  lm::data::RegressionLoader train(floats(d.train), floats(d.train), patch_values, Input::value,
                                   {.batch_size = o.batch, .shuffle = true, .seed = o.seed});
  lm::data::RegressionLoader val(floats(d.val), floats(d.val), patch_values, Input::value,
                                 {.batch_size = 50, .shuffle = false});
  lm::optim::Adam opt(*model, {.lr = c.lr});
  lm::train::Trainer trainer(*model, lm::loss::MSE{}, opt, {.progress = lm::train::progress_bar::style::silent});
  trainer.add_metric(mse_metric()).add_metric(lm::train::psnr()).add_metric(ssim_metric());

  const std::string tag = tag_of(c), title = title_of(c);
  std::printf("\n== %s: %zu parameters, Adam lr %s, MSE loss, batch %zu, %d epochs, %zu training / %zu validation "
              "patches, %d OpenMP threads ==\n",
              title.c_str(), Model::param_count, lr_str(c.lr).c_str(), o.batch, o.epochs, d.train.shape()[0],
              d.val.shape()[0], omp_threads());
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto& h = trainer.fit(train, std::size_t(epoch), &val);  // one more epoch, then validation
    const auto& e = h.last();
    std::printf("epoch %2d/%d  train loss %.5f  val MSE %.5f  PSNR %.2f dB  SSIM %.4f  %.1f s (%.0f samples/s)\n",
                epoch, o.epochs, e.get("loss"), e.get("val_mse"), e.get("val_psnr"), e.get("val_ssim"), e.seconds,
                e.samples_per_second);
    std::fflush(stdout);
    h.write_csv(dir / (tag + ".csv"));  // after every epoch: a long run shows its progress
  }
  const auto& h = trainer.get_history();
  save_curves(h, dir / (tag + "_curves.png"), title + ": training loss, validation metrics");

  // Reconstructions of validation patches spread over the set: originals above.
  const std::size_t shown = std::min(o.show, d.val.shape()[0]);
  if (shown > 0) {
    lm::Tensor originals(lm::make_dims(shown, 3, patch, patch));
    for (std::size_t k = 0; k < shown; ++k)
      std::copy_n(d.val.data() + (k * d.val.shape()[0] / shown) * patch_values, patch_values,
                  originals.data() + k * patch_values);
    model->eval();
    // A host copy: the metrics and the picture read host memory, the model's may be a GPU's.
    const lm::Tensor recon_host = model->to_host(model->forward(originals.view()));
    const auto recon = recon_host.view();
    lm::metrics::image_quality q;
    q.update(recon, originals.view());
    std::vector<std::string> captions;
    for (double v : lm::metrics::psnr_per_image(recon, originals.view())) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f dB", v);
      captions.push_back(buf);
    }
    lm::viz::grid_options g;
    g.norm = lm::viz::normalize::range(0.f, 1.f);
    g.scale = 2;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s, epoch %d: %zu validation patches (PSNR %.2f dB, SSIM %.3f)", title.c_str(),
                  o.epochs, shown, q.psnr(), q.ssim());
    g.title = buf;
    lm::viz::save_png(dir / (tag + "_reconstructions.png"),
                      lm::viz::rows({{"original", originals.view()}, {"reconstructed", recon, captions}}, g));
  }
}

template <class Backend>
static void run_config(const options& o, const config& c, const fs::path& dir) {
  const patch_data d = load_patches(o.train, o.val, o.seed);
  std::printf("data: %zu tiles of 64x64 from %zu photos, %zu nearly flat dropped; %zu training and %zu validation "
              "patches (seed %llu)\n",
              d.tiles, lm::data::photos.size(), d.flat, d.train.shape()[0], d.val.shape()[0],
              (unsigned long long)o.seed);
  std::fflush(stdout);  // the log is a file: show progress as it happens
  if (c.size.n == 32) train_run<32, 48, Backend>(o, c, d, dir);
  else if (c.size.n == 64) train_run<64, 96, Backend>(o, c, d, dir);
  else train_run<128, 192, Backend>(o, c, d, dir);
}

// ---- The sweep: one child process per configuration --------------------------------------------
struct job {
  config c;
  int threads = 1;
  pid_t pid = -1;
  fs::path log;
  std::chrono::steady_clock::time_point start;
};

static std::string last_lines(const fs::path& file, std::size_t count) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    lines.push_back(l);
    if (lines.size() > count) lines.pop_front();
  }
  std::string s;
  for (const auto& l : lines) s += "    | " + l + "\n";
  return s;
}

static pid_t spawn_run(const std::string& exe, const options& o, const fs::path& dir, job& j) {
  char run[64];
  std::snprintf(run, sizeof run, "%zu,%zu,%.17g", j.c.size.n, j.c.size.m, j.c.lr);
  std::vector<std::string> args = {exe, "--run", run, "--out", dir.string()};
  args.insert(args.end(), o.passed.begin(), o.passed.end());
  std::vector<std::string> env;
  bool wait_policy = false;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "OMP_NUM_THREADS=", 16) == 0) continue;
    wait_policy |= std::strncmp(*e, "OMP_WAIT_POLICY=", 16) == 0;
    env.push_back(*e);
  }
  env.push_back("OMP_NUM_THREADS=" + std::to_string(j.threads));
  // The processes share the cores: threads spinning while they wait would steal them.
  if (!wait_policy) env.push_back("OMP_WAIT_POLICY=passive");
  auto pointers = [](std::vector<std::string>& v) {
    std::vector<char*> p;
    for (auto& s : v) p.push_back(s.data());
    p.push_back(nullptr);
    return p;
  };
  auto argv = pointers(args), envp = pointers(env);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, j.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&files, 1, 2);
  pid_t pid = -1;
  const int err = posix_spawn(&pid, exe.c_str(), &files, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  if (err != 0)
    throw std::runtime_error("cannot start " + exe + " --run " + run + ": " + std::strerror(err));
  return pid;
}

// Runs the configurations, `jobs` processes at a time; returns the failed ones.
static std::vector<config> run_sweep(const options& o, const fs::path& dir) {
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  auto pending = o.configs();
  std::stable_sort(pending.begin(), pending.end(),
                   [](const config& a, const config& b) { return relative_cost(a.size) > relative_cost(b.size); });
  const std::size_t cores = o.threads > 0 ? std::size_t(o.threads) : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t jobs = std::min(o.jobs ? o.jobs : cores, pending.size());
  std::printf("\nSweep: %zu runs, %zu processes at a time on %zu cores; logs in %s/<tag>.log\n", pending.size(), jobs,
              cores, dir.string().c_str());
  std::vector<job> running;
  std::vector<config> failed;
  std::size_t next = 0, done = 0, slot = 0;
  while (next < pending.size() || !running.empty()) {
    while (running.size() < jobs && next < pending.size()) {
      job j;
      j.c = pending[next++];
      // Threads per process: the cores shared out, the remainder to the first slots.
      j.threads = int(std::max<std::size_t>(1, cores / jobs + ((slot++ % jobs) < cores % jobs ? 1 : 0)));
      j.log = dir / (tag_of(j.c) + ".log");
      j.start = std::chrono::steady_clock::now();
      j.pid = spawn_run(exe, o, dir, j);
      std::printf("  started  %-24s pid %d, %d thread%s\n", title_of(j.c).c_str(), int(j.pid), j.threads,
                  j.threads == 1 ? "" : "s");
      std::fflush(stdout);
      running.push_back(j);
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    const auto it = std::find_if(running.begin(), running.end(), [&](const job& j) { return j.pid == pid; });
    if (it == running.end()) continue;  // not one of ours
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->start).count();
    ++done;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      std::printf("  [%zu/%zu] done   %-24s %.0f s\n", done, pending.size(), title_of(it->c).c_str(), secs);
    } else {
      const std::string why = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                              : WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                                                          strsignal(WTERMSIG(status)) + ")"
                                                    : "stopped abnormally";
      std::fprintf(stderr, "  [%zu/%zu] FAILED %-24s after %.0f s: %s; log %s ends with:\n%s", done, pending.size(),
                   title_of(it->c).c_str(), secs, why.c_str(), it->log.string().c_str(),
                   last_lines(it->log, 15).c_str());
      failed.push_back(it->c);
    }
    std::fflush(stdout);
    running.erase(it);
  }
  return failed;
}

// ---- Aggregation: tables from the runs' CSV files -----------------------------------------------
struct run_log {
  config c;
  bool present = false;
  std::map<std::string, std::vector<double>> columns;
  std::size_t epochs() const { return columns.count("epoch") ? columns.at("epoch").size() : 0; }
  double at(const std::string& name, std::size_t epoch) const {  // 1-based; NaN if absent
    const auto it = columns.find(name);
    return it == columns.end() || epoch == 0 || epoch > it->second.size() ? NAN : it->second[epoch - 1];
  }
};

static run_log read_run(const fs::path& file, const config& c) {
  run_log r{c};
  std::ifstream in(file);
  if (!in) return r;
  std::string header, line;
  if (!std::getline(in, header)) throw std::runtime_error(file.string() + ": empty file, expected a CSV header");
  std::vector<std::string> names;
  std::stringstream hs(header);
  for (std::string n; std::getline(hs, n, ',');) names.push_back(n);
  for (const char* need : {"epoch", "loss", "val_mse", "val_psnr", "val_ssim", "seconds", "samples_per_second"})
    if (std::find(names.begin(), names.end(), need) == names.end())
      throw std::runtime_error(file.string() + ": no column '" + need + "' in the header '" + header + "'");
  for (std::size_t row = 2; std::getline(in, line); ++row) {
    std::stringstream ls(line);
    std::size_t k = 0;
    for (std::string cell; std::getline(ls, cell, ','); ++k) {
      if (k >= names.size()) throw std::runtime_error(file.string() + " line " + std::to_string(row) + ": more cells than the header's " + std::to_string(names.size()));
      try {
        r.columns[names[k]].push_back(std::stod(cell));
      } catch (const std::exception&) {
        r.columns[names[k]].push_back(NAN);  // "nan" / "inf" from a diverged run
      }
    }
    if (k != names.size())
      throw std::runtime_error(file.string() + " line " + std::to_string(row) + ": " + std::to_string(k) +
                               " cells, expected " + std::to_string(names.size()));
  }
  r.present = r.epochs() > 0;
  return r;
}

// Epochs the tables show: 10, 20, 30 (multiples of 10 and the last); every epoch of short runs.
static std::vector<std::size_t> milestones(std::size_t epochs) {
  std::vector<std::size_t> m;
  if (epochs < 10) {
    for (std::size_t e = 1; e <= epochs; ++e) m.push_back(e);
    return m;
  }
  for (std::size_t e = 10; e <= epochs; e += 10) m.push_back(e);
  if (m.back() != epochs) m.push_back(epochs);
  return m;
}

static std::string fmt(const char* f, double v) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

struct metric_column {
  const char* column;
  const char* title;
  const char* format;
};
constexpr std::array<metric_column, 4> table_metrics = {{{"loss", "training loss (MSE)", "%.5f"},
                                                         {"val_mse", "validation MSE", "%.5f"},
                                                         {"val_psnr", "validation PSNR (dB)", "%.2f"},
                                                         {"val_ssim", "validation SSIM", "%.4f"}}};

// Returns false if a run's log is missing.
static bool aggregate(const options& o, const fs::path& dir, const patch_data* data_info) {
  std::vector<run_log> runs;
  bool complete = true;
  for (const auto& c : o.configs()) {
    runs.push_back(read_run(dir / (tag_of(c) + ".csv"), c));
    if (!runs.back().present) {
      std::fprintf(stderr, "aggregate: no results for %s (expected %s)\n", title_of(c).c_str(),
                   (dir / (tag_of(c) + ".csv")).string().c_str());
      complete = false;
    } else if (runs.back().epochs() < std::size_t(o.epochs)) {
      std::fprintf(stderr, "aggregate: %s has %zu of %d epochs (unfinished run?)\n", title_of(c).c_str(),
                   runs.back().epochs(), o.epochs);
      complete = false;
    }
  }
  auto find = [&](const net_size& s, double lr) -> const run_log* {
    for (const auto& r : runs)
      if (r.present && r.c.size.n == s.n && r.c.lr == lr) return &r;
    return nullptr;
  };
  const auto ms = milestones(std::size_t(o.epochs));
  const std::size_t last = std::size_t(o.epochs);

  std::string md = "# Conv/deconv autoencoder sweep (ELEC5306 section 1.4)\n\n";
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "Adam, MSE loss, batch %zu, %d epochs, %zu training and %zu validation 64x64 RGB patches, seed %llu%s.\n",
                o.batch, o.epochs, o.train, o.val, (unsigned long long)o.seed, o.quick ? " (--quick)" : "");
  md += buf;
  if (data_info) {
    std::snprintf(buf, sizeof buf,
                  "Patches: non-overlapping tiles of the %zu photos in data/images (%zu tiles, %zu nearly flat ones "
                  "dropped), split by a seeded shuffle.\n",
                  lm::data::photos.size(), data_info->tiles, data_info->flat);
    md += buf;
  }
  md += "Validation metrics are means over the validation patches of the per-patch value; the training loss is the "
        "mean over the epoch's batches while the weights change.\n";

  for (double lr : o.lrs) {
    md += "\n## Learning rate " + lr_str(lr) + "\n";
    for (const auto& m : table_metrics) {
      md += "\n**" + std::string(m.title) + ", lr " + lr_str(lr) + "**\n\n| (N, M) | parameters |";
      std::string rule = "|---|---:|";
      for (auto e : ms) md += " epoch " + std::to_string(e) + " |", rule += "---:|";
      md += "\n" + rule + "\n";
      for (const auto& s : o.sizes) {
        const run_log* r = find(s, lr);
        md += "| (" + std::to_string(s.n) + ", " + std::to_string(s.m) + ") | " + std::to_string(param_count(s)) + " |";
        for (auto e : ms) md += " " + fmt(m.format, r ? r->at(m.column, e) : NAN) + " |";
        md += "\n";
      }
    }
  }

  // First-epoch training loss (the report: (128, 192) at lr 1e-3 started at ~4109) and time.
  md += "\n## First-epoch training loss\n\n| (N, M) |";
  std::string rule = "|---|";
  for (double lr : o.lrs) md += " lr " + lr_str(lr) + " |", rule += "---:|";
  md += "\n" + rule + "\n";
  for (const auto& s : o.sizes) {
    md += "| (" + std::to_string(s.n) + ", " + std::to_string(s.m) + ") |";
    for (double lr : o.lrs) {
      const run_log* r = find(s, lr);
      md += " " + fmt("%.5f", r ? r->at("loss", 1) : NAN) + " |";
    }
    md += "\n";
  }
  md += "\n## Run times\n\nTraining time over all epochs (validation excluded) and mean training throughput.\n\n"
        "| (N, M) | lr | training time (s) | samples/s |\n|---|---|---:|---:|\n";
  for (const auto& r : runs) {
    if (!r.present) continue;
    double secs = 0, sps = 0;
    for (double v : r.columns.at("seconds")) secs += v;
    for (double v : r.columns.at("samples_per_second")) sps += v;
    std::snprintf(buf, sizeof buf, "| (%zu, %zu) | %s | %.1f | %.0f |\n", r.c.size.n, r.c.size.m,
                  lr_str(r.c.lr).c_str(), secs, sps / double(r.epochs()));
    md += buf;
  }

  // The report's findings, checked on these numbers (validation PSNR).
  md += "\n## The report's findings, checked\n\n";
  auto psnr = [&](const net_size& s, double lr, std::size_t e) {
    const run_log* r = find(s, lr);
    return r ? r->at("val_psnr", e) : NAN;
  };
  {
    std::size_t better = 0, counted = 0;
    std::string detail;
    for (const auto& r : runs) {
      if (!r.present || ms.size() < 2) continue;
      ++counted;
      bool up = true;
      for (std::size_t k = 1; k < ms.size(); ++k) up &= r.at("val_psnr", ms[k]) > r.at("val_psnr", ms[k - 1]);
      better += up;
      if (!up) detail += " " + title_of(r.c) + ";";
    }
    std::snprintf(buf, sizeof buf, "- *More epochs are better*: validation PSNR rises at every milestone in %zu of %zu runs.",
                  better, counted);
    md += buf;
    if (!detail.empty()) md += " Not in:" + detail.substr(0, detail.size() - 1) + ".";
    md += "\n";
  }
  if (o.lrs.size() >= 2) {
    md += "- *At a fixed size, a larger learning rate is better* (validation PSNR at epoch " + std::to_string(last) +
          ", lr " ;
    for (std::size_t k = 0; k < o.lrs.size(); ++k) md += (k ? " / " : "") + lr_str(o.lrs[k]);
    md += "):";
    for (const auto& s : o.sizes) {
      bool ordered = true;
      std::string vals;
      for (std::size_t k = 0; k < o.lrs.size(); ++k) {
        vals += (k ? " / " : "") + fmt("%.2f", psnr(s, o.lrs[k], last));
        if (k) ordered &= psnr(s, o.lrs[k - 1], last) > psnr(s, o.lrs[k], last);
      }
      const bool missing = vals.find("n/a") != std::string::npos;
      md += " (" + std::to_string(s.n) + ", " + std::to_string(s.m) + "): " + vals +
            (missing ? " (runs missing);" : ordered ? " (yes);" : " (no);");
    }
    md.back() = '.';
    md += "\n";
  }
  if (o.sizes.size() >= 2) {
    md += "- *A small learning rate favours wider networks* (validation PSNR at epoch " + std::to_string(last) +
          ", sizes in increasing order):";
    for (double lr : o.lrs) {
      bool increasing = true;
      std::string vals;
      for (std::size_t k = 0; k < o.sizes.size(); ++k) {
        vals += (k ? " / " : "") + fmt("%.2f", psnr(o.sizes[k], lr, last));
        if (k) increasing &= psnr(o.sizes[k], lr, last) > psnr(o.sizes[k - 1], lr, last);
      }
      const bool missing = vals.find("n/a") != std::string::npos;
      md += " lr " + lr_str(lr) + ": " + vals +
            (missing ? " (runs missing);" : increasing ? " (wider is better);" : " (not monotonic in width);");
    }
    md.back() = '.';
    md += "\n";
    const net_size big = o.sizes.back();
    const double lr = o.lrs.front();
    if (const run_log* r = find(big, lr)) {
      std::snprintf(buf, sizeof buf,
                    "- *(%zu, %zu) at lr %s starts with a huge loss and ends worse than the smaller networks* (the "
                    "report: first-epoch loss ~4109, PSNR 17.2 dB against 22.0): first-epoch training loss %.5f "
                    "against",
                    big.n, big.m, lr_str(lr).c_str(), r->at("loss", 1));
      md += buf;
      for (std::size_t k = 0; k + 1 < o.sizes.size(); ++k) {
        const run_log* q = find(o.sizes[k], lr);
        md += " " + fmt("%.5f", q ? q->at("loss", 1) : NAN) + " (" + std::to_string(o.sizes[k].n) + ", " +
              std::to_string(o.sizes[k].m) + ")";
      }
      md += "; validation PSNR at epoch " + std::to_string(last) + " " + fmt("%.2f", r->at("val_psnr", last)) +
            " dB against";
      for (std::size_t k = 0; k + 1 < o.sizes.size(); ++k)
        md += " " + fmt("%.2f", psnr(o.sizes[k], lr, last));
      md += " dB.\n";
    }
  }
  md += "\nPer run: `<tag>.csv` (every epoch), `<tag>_curves.png`, `<tag>_reconstructions.png`.\n\n"
        "![validation PSNR of every run](val_psnr_all.png)\n";
  lm::io::write_atomically(dir / "results.md", [&](std::ostream& out) { out << md; });

  // Validation PSNR of every run: colour by size, line style by learning rate.
  lm::viz::plot p;
  p.title = "Validation PSNR per epoch";
  p.x.label = "epoch";
  p.y.label = "validation PSNR (dB)";
  const lm::viz::line_style styles[] = {lm::viz::line_style::solid, lm::viz::line_style::dashed,
                                        lm::viz::line_style::dotted};
  for (std::size_t si = 0; si < o.sizes.size(); ++si)
    for (std::size_t li = 0; li < o.lrs.size(); ++li)
      if (const run_log* r = find(o.sizes[si], o.lrs[li])) {
        auto& c = p.add(r->columns.at("epoch"), r->columns.at("val_psnr"), title_of(r->c));
        c.style.color = lm::viz::palette(si);
        c.style.line = styles[li % 3];
      }
  if (!p.curves.empty()) {
    p.width = 1000;
    lm::viz::save_png(dir / "val_psnr_all.png", p);
  }
  std::printf("\n%s\nWritten to %s\n", md.c_str(), dir.string().c_str());
  return complete;
}

static void write_networks(const fs::path& dir, std::size_t batch) {
  std::string s = "# The three autoencoders (W4 shape)\n";
  s += "\n## (32, 48)\n\n```\n" + lm::Model<ConvAE<32, 48>, Input>::summary(batch) + "```\n";
  s += "\n## (64, 96)\n\n```\n" + lm::Model<ConvAE<64, 96>, Input>::summary(batch) + "```\n";
  s += "\n## (128, 192)\n\n```\n" + lm::Model<ConvAE<128, 192>, Input>::summary(batch) + "```\n";
  lm::io::write_atomically(dir / "networks.md", [&](std::ostream& out) { out << s; });
}

template <class Backend>
int run(const options& o) try {
  const auto start = std::chrono::steady_clock::now();
  const fs::path dir = fs::absolute(o.out);
  fs::create_directories(dir);

  if (o.run) {  // one configuration, in this process
    run_config<Backend>(o, *o.run, dir);
    return 0;
  }
  if (o.aggregate_only) return aggregate(o, dir, nullptr) ? 0 : 1;

  std::printf("The (64, 96) network (W4), 726,883 parameters (checked at compile time):\n\n%s",
              lm::Model<ConvAE<64, 96>, Input>::summary(o.batch).c_str());
  write_networks(dir, o.batch);
  const patch_data d = load_patches(o.train, o.val, o.seed);  // also checks that the data are there before the children start
  std::printf("\nData: %zu tiles of 64x64, %zu nearly flat dropped; %zu training and %zu validation patches\n",
              d.tiles, d.flat, d.train.shape()[0], d.val.shape()[0]);

  const auto failed = run_sweep(o, dir);
  const bool complete = aggregate(o, dir, &d);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("total time %.1f s\n", seconds);

  examples::outcome_checks check;
  for (const auto& c : failed) {
    std::fprintf(stderr, "run %s failed (see %s)\n", title_of(c).c_str(),
                 (dir / (tag_of(c) + ".log")).string().c_str());
    check.fail();
  }
  if (!complete && failed.empty()) check.fail();
  if (o.quick) {  // the smoke test's checks
    std::vector<fs::path> files = {dir / "results.md", dir / "networks.md", dir / "val_psnr_all.png"};
    for (const auto& c : o.configs()) {
      const std::string tag = tag_of(c);
      for (const char* suffix : {".csv", ".log", "_curves.png", "_reconstructions.png"})
        files.push_back(dir / (tag + suffix));
      const run_log r = read_run(dir / (tag + ".csv"), c);
      if (!r.present) continue;  // reported above
      const std::size_t e = r.epochs();
      check(r.at("loss", e) < r.at("loss", 1), tag + ": training loss did not decrease (" +
                                                   fmt("%.5f", r.at("loss", 1)) + " -> " + fmt("%.5f", r.at("loss", e)) + ")");
      check(r.at("val_psnr", e) > r.at("val_psnr", 1),
            tag + ": validation PSNR did not improve after the first epoch (" + fmt("%.2f", r.at("val_psnr", 1)) +
                " -> " + fmt("%.2f", r.at("val_psnr", e)) + " dB)");
      check(r.at("val_ssim", e) > 0 && r.at("val_ssim", e) <= 1, tag + ": validation SSIM out of (0, 1]");
    }
    check.written(files);
    if (check.failures() == 0) std::printf("quick run: all checks passed\n");
  }
  return check.failures() ? 1 : 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "conv_autoencoder: %s\n", e.what());
  return 2;
}

#ifndef LAMINA_EXAMPLE_CUDA_PART
int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  return o.device == examples::device::cuda ? examples::cuda_main(argc, argv) : run<lm::cpu>(o);
}
#else
int examples::cuda_main(int argc, char** argv) {
  return examples::on_gpu("conv_autoencoder", [&] { return run<lm::cuda>(parse(argc, argv)); });
}
#endif
