// ECE4179 assignment 2, Q1.1-Q1.3: autoencoders of 64x64 faces (Olivetti), eigenfaces by SVD,
// and what the autoencoders do with noisy faces.
//
//   faces_autoencoder [--quick] [--out DIR] [--epochs 400] [--batch 64] [--optimizer adam|sgd]
//                     [--lr 1e-2] [--momentum 0] [--constant-lr] [--raw] [--test-fraction 0.2]
//                     [--dropout 0.5] [--no-extras] [--seed 0] [--device cpu|cuda] [--threads N]
//                     [--help]
//
// Data: the 400 Olivetti faces (data/faces), flattened to 4096 values in [0, 1], split 80/20 with
// a seed: 320 training and 80 test faces (a subject's ten images spread over both sets).
// Recipe of every network unless said otherwise: MSE, Adam lr 1e-2 with a cosine decay to 0
// over the run (--constant-lr: none), batch 64, PyTorch's initialisation; the input is the face
// minus the mean training face, the target the face itself (the decoder's bias learns the mean).
// Why centred inputs: all raw faces point the same way in R^4096 (positive pixels, one mean face
// dominates), so a hidden unit's pre-activation has the same sign for every face, and an early
// large step (Adam moves each of the 4096 weights of a row by ~lr at once) leaves it negative for
// all of them: a dead ReLU that never recovers. --raw trains on raw faces; the full run keeps
// one raw-face AE<64> as a reference, and its table counts the live hidden units.
//
//   Q1.1  AE<n> = Linear(4096, n), ReLU, Linear(n, 4096) for n = 16 and 64 (135,184 and 528,448
//         parameters, checked at compile time). Outputs: input/output pairs of test faces
//         (inputs above outputs), the rows of the first layer's weight as 64x64 images at
//         epochs 0 (initialisation), 1, 2, 5, 10, 20, 50, 100, 200 and the last (one row per
//         epoch; for n = 64 also an 8 x 8 grid of all 64 rows per epoch): the "ghost faces";
//         train/test MSE and test PSNR curves; the n = 16 vs n = 64 table (MSE, PSNR, SSIM).
//         References (full run): AE<64> on raw faces, and the W5 workload's recipe (raw faces,
//         SGD lr 1e-2, no momentum, constant lr), which barely moves with the mean-reduced MSE.
//   Q1.2  Eigenfaces: the SVD of the mean-subtracted training matrix [320, 4096] (checked:
//         U S Vt gives it back), the mean face and the first 24 eigenfaces, the explained
//         variance. Compared with the autoencoders: PCA with n components against the AE with
//         n hidden units as reconstructions (train and test MSE, PSNR, SSIM), and the principal
//         angles between the top-n PCA subspace and (a) the decoder's column space (the columns
//         of Linear(n, 4096).weight), (b) the encoder's row space (the rows of
//         Linear(4096, n).weight), (c) a random n-dimensional subspace (what "unrelated" looks
//         like in R^4096), plus the share of each weight matrix's squared norm that lies inside
//         the PCA subspace. A linear AE (no ReLU) is trained too: at its optimum it spans the
//         PCA subspace (Baldi and Hornik, 1989), so it shows how far training gets towards that.
//         Fact checked in every run: an AE's outputs lie in the n-dimensional affine subspace
//         b2 + span(W2), so on the training faces no AE can beat PCA with n components.
//   Q1.3  Noise on the test faces: uniform +-0.4, uniform +-0.9 (clamped to [0, 1]) and pixel
//         dropout (probability --dropout, pixels set to 0), fed to the trained AE<16>, AE<64>
//         and projected on PCA-64; plus a denoising AE<64> per noise kind (noisy input, clean
//         target, fresh noise every batch). Rows clean / noisy / AE<64> / denoising AE<64> per
//         noise kind, and a PSNR/SSIM table.
//
// --no-extras skips the reference, linear and denoising autoencoders.
// --quick: 60 epochs, no raw-face or W5 references, weight snapshots at epochs 0, 1 and 60; checks
// that every training loss decreased, that AE<16> and AE<64> beat the mean face on the test
// faces, that the SVD gives the centred matrix back (max error < 1e-9), that PCA beats every AE
// on the training faces (Eckart-Young, above), that each denoising AE beats the plain AE<64> on
// its noise, and that every output file was written; a failed check exits with 1.
// Full mode: 400 epochs for each of the 9 networks: about 80 CPU-seconds (measured: 78 s user time,
// 258 s wall on the 2-core machine shared with other jobs; an idle one needs roughly 1-1.5 min).
//
// Everything goes to --out (default results/faces_autoencoder): summary.md (all tables);
// q1_1_*: reconstructions, weight snapshots, MSE and PSNR curves, <run>_log.csv per network;
// q1_2_*: eigenfaces, explained variance, principal angles (PNG + CSV), AE vs PCA rows;
// q1_3_*: noise rows, denoising AE logs.
#include <lamina/lamina.hpp>
#include <lamina/io/atomic_file.hpp>
#include <lamina/linalg/linalg.hpp>  // SVD, PCA, principal angles: needs lamina::linalg (LAPACK)

#include "../common/command_line.hpp"
#include "../common/device.hpp"
#include "../common/outcome_checks.hpp"
#include "networks.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace lm = lamina;
namespace la = lamina::linalg;
namespace fs = std::filesystem;
using namespace examples::faces_autoencoder;

struct options {
  bool quick = false, extras = true, raw = false, cosine = true;
  std::string optimizer = "adam";
  double momentum = 0.0;
  std::string out = "results/faces_autoencoder";
  int epochs = 400;
  std::size_t batch = 64;
  double lr = 1e-2, test_fraction = 0.2;
  float dropout = 0.5f;
  std::uint64_t seed = 0;
  examples::device device = examples::device::cpu;
};

static options parse(int argc, char** argv) {
  options o;
  examples::cli cli("faces_autoencoder",
                    "ECE4179 assignment 2, Q1.1-Q1.3, on the 400 Olivetti faces (64x64): Q1.1 autoencoders "
                    "Linear(4096, n), ReLU, Linear(n, 4096) for n = 16 and 64, their reconstructions and the first "
                    "layer's weights over the epochs; Q1.2 eigenfaces by SVD, PCA against the autoencoders and the "
                    "principal angles between their subspaces; Q1.3 the autoencoders and PCA on noisy faces, and "
                    "denoising autoencoders. Tables, logs and figures go to --out.");
  cli.option("--out DIR", o.out, "where the tables, logs and figures go");
  examples::device_option(cli, o.device);
  cli.option("--epochs N", o.epochs, "epochs per network (--quick: 60)", examples::at_least(1));
  cli.option("--batch N", o.batch, "faces per training step", examples::at_least(1));
  cli.choice("--optimizer NAME", o.optimizer, {"adam", "sgd"}, "the optimizer of every network");
  cli.option("--lr X", o.lr, "learning rate", examples::above(0));
  cli.option("--momentum X", o.momentum, "SGD momentum", examples::at_least(0).below(1));
  cli.flag("--constant-lr", o.cosine, "no cosine decay of the learning rate", false);
  cli.flag("--raw", o.raw, "train on the raw faces, not the faces minus the mean training face");
  cli.option("--test-fraction X", o.test_fraction, "share of the faces held out for testing",
             examples::above(0).below(1));
  cli.option("--dropout X", o.dropout, "pixel-dropout probability of the Q1.3 noise", examples::at_least(0).below(1));
  cli.flag("--no-extras", o.extras, "skip the reference, linear and denoising autoencoders", false);
  cli.option("--seed N", o.seed, "seed of the split, the weights, the shuffling and the noise");
  cli.flag("--quick", o.quick, "60 epochs, no references; checks the outcomes, exits with 1 when one fails "
                               "(seconds; CTest runs it)");
  cli.parse(argc, argv);
  if (o.quick && !cli.given("--epochs")) o.epochs = 60;
  return o;
}

// ---- small helpers ---------------------------------------------------------------------------

// Rows [N, 4096] as images [N, 1, 64, 64] (the metrics' layout); no copy.
static lm::ConstTensorView as_images(lm::ConstTensorView rows) {
  return {rows.data, lm::make_dims(rows.shape[0], 1, side, side)};
}
static double mse(lm::ConstTensorView a, lm::ConstTensorView b) { return lm::metrics::mse(as_images(a), as_images(b)); }
static double psnr(lm::ConstTensorView a, lm::ConstTensorView b) { return lm::metrics::psnr(as_images(a), as_images(b)); }
static double ssim(lm::ConstTensorView a, lm::ConstTensorView b) { return lm::metrics::ssim(as_images(a), as_images(b)); }

static xt::xtensor<double, 2> to_xt(lm::ConstTensorView t) {
  xt::xtensor<double, 2> m = xt::zeros<double>({t.shape[0], t.size() / t.shape[0]});
  std::copy(t.begin(), t.end(), m.begin());
  return m;
}
static lm::Tensor to_tensor(const xt::xtensor<double, 2>& m) {
  lm::Tensor t(lm::make_dims(m.shape()[0], m.shape()[1]));
  std::transform(m.begin(), m.end(), t.begin(), [](double v) { return float(v); });
  return t;
}
// The first k rows of [N, D].
static lm::Tensor first_rows(lm::ConstTensorView t, std::size_t k) {
  k = std::min(k, t.shape[0]);
  const std::size_t d = t.size() / t.shape[0];
  lm::Tensor out(lm::make_dims(k, d));
  std::copy_n(t.data, k * d, out.data());
  return out;
}
// k rows of [N, D] spread evenly over it (test faces of different subjects, not one subject's).
static lm::Tensor spread_rows(lm::ConstTensorView t, std::size_t k) {
  const std::size_t n = t.shape[0];
  k = std::min(k, n);
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < k; ++i) idx.push_back(i * n / k);
  return lm::data::take_rows(t, idx);
}
static std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
static void write_text(const fs::path& file, const std::string& text) {
  lm::io::write_atomically(file, [&](std::ostream& out) { out << text; });
}
static constexpr double degrees(double radians) { return radians * 180.0 / std::numbers::pi; }

struct face_split {
  lm::Tensor train, test;  // [N, 4096]
  std::vector<std::size_t> train_idx, test_idx;
  std::vector<float> mean;  // the mean training face [4096]

  // What a network is fed for faces x [N, 4096]: x - mean when centred (targets stay x).
  lm::Tensor input(lm::ConstTensorView x, bool center) const {
    lm::Tensor t(x.shape);
    for (std::size_t i = 0; i < x.size(); ++i) t[i] = center ? x[i] - mean[i % pixels] : x[i];
    return t;
  }
  // A per-batch transform of faces (noise) applied to network inputs: around x, not x - mean.
  lm::data::batch_transform on_inputs(lm::data::batch_transform f, bool center) const {
    if (!f || !center) return f;
    return [this, f](lm::TensorView x, lm::rng& gen) {
      for (std::size_t i = 0; i < x.size(); ++i) x[i] += mean[i % pixels];
      f(x, gen);
      for (std::size_t i = 0; i < x.size(); ++i) x[i] -= mean[i % pixels];
    };
  }
};

// ---- training ---------------------------------------------------------------------------------

enum class optimizer_kind { adam, sgd };

struct run_spec {
  std::string tag, title;
  optimizer_kind optimizer = optimizer_kind::adam;
  double lr = 1e-3, momentum = 0;
  bool center = true;        // feed x - mean face
  bool constant_lr = false;  // no cosine schedule
  lm::data::batch_transform noise = {};  // denoising AE: noise on the inputs, clean targets
  const lm::Tensor* val_inputs = nullptr;  // default: the clean test faces
  std::vector<int> snapshot_epochs = {};   // when to keep the first layer's weights (0: before training)
};

// A trained autoencoder: its history, weights and a way to run it again.
struct trained_ae {
  std::string tag, title;
  std::string optimizer;
  bool center = true;
  std::size_t n = 0, params = 0, live_units = 0;  // live: active (> 0) on at least one training face
  lm::train::history history;
  lm::Tensor w1, w2;  // first layer's weight [n, 4096]; last layer's weight [4096, n]
  std::vector<std::pair<int, lm::Tensor>> snapshots;  // (epoch, W1)
  std::function<lm::Tensor(lm::ConstTensorView)> apply;  // [M, 4096] -> [M, 4096], evaluation mode
  double seconds = 0, first_loss = 0, last_loss = 0;
};

// A host copy of the parameter `name` ("0.weight": the first layer's weight); the model's
// memory may be a GPU's, the SVD and the pictures read host memory.
template <class M>
static lm::Tensor weight_of(const M& model, const std::string& name) {
  for (const auto& p : model.named_parameters())
    if (p.name == name) return model.to_host(p.value);
  throw std::logic_error("no parameter named " + name);
}

template <class Net, class Backend>
static trained_ae train_ae(const options& o, const face_split& d, const run_spec& spec) {
  using M = lm::Model<Net, Input, Backend>;
  constexpr std::size_t n = Net::template layer<0>::out_features;
  auto model = std::make_shared<M>(o.seed);
  const std::string last = std::to_string(Net::depth - 1) + ".weight";
  trained_ae r;
  r.tag = spec.tag, r.title = spec.title, r.n = n, r.params = M::param_count;
  auto keep_snapshot = [&](int epoch) {
    if (std::find(spec.snapshot_epochs.begin(), spec.snapshot_epochs.end(), epoch) != spec.snapshot_epochs.end())
      r.snapshots.emplace_back(epoch, weight_of(*model, "0.weight"));
  };
  keep_snapshot(0);

  const lm::Tensor train_in = d.input(d.train.view(), spec.center);
  lm::data::RegressionLoader train(train_in.span(), d.train.span(), pixels, lm::make_dims(pixels),
                                   {.batch_size = o.batch, .shuffle = true, .seed = o.seed + 1,
                                    .transform = d.on_inputs(spec.noise, spec.center)});
  const lm::Tensor val_in = d.input(spec.val_inputs ? spec.val_inputs->view() : d.test.view(), spec.center);
  lm::data::RegressionLoader val(val_in.span(), d.test.span(), pixels, lm::make_dims(pixels),
                                 {.batch_size = d.test.shape()[0], .shuffle = false});
  const auto start = std::chrono::steady_clock::now();
  auto fit = [&](auto& optimizer) {
    lm::train::Trainer trainer(*model, lm::loss::MSE{}, optimizer, {.progress = lm::train::progress_bar::style::silent});
    trainer.add_metric(lm::train::psnr());
    std::unique_ptr<lm::optim::CosineAnnealingLR> schedule;
    if (o.cosine && !spec.constant_lr) {
      schedule = std::make_unique<lm::optim::CosineAnnealingLR>(optimizer, lm::optim::cosine_annealing_lr_options{.t_max = std::size_t(o.epochs)});
      trainer.on_epoch_end([&](const lm::train::epoch_record&) { schedule->step(); });
    }
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
      const auto& h = trainer.fit(train, std::size_t(epoch), &val);
      keep_snapshot(epoch);
      if (epoch == 1 || epoch % std::max(1, o.epochs / 10) == 0 || epoch == o.epochs) {
        const auto& e = h.last();
        std::printf("  %-28s epoch %4d/%d  train MSE %.5f  test MSE %.5f  test PSNR %.2f dB\n", spec.title.c_str(),
                    epoch, o.epochs, e.get("loss"), e.get("val_loss"), e.get("val_psnr"));
        std::fflush(stdout);
      }
    }
    return trainer.get_history();
  };
  if (spec.optimizer == optimizer_kind::adam) {
    lm::optim::Adam opt(*model, {.lr = spec.lr});
    r.history = fit(opt);
    r.optimizer = "Adam lr " + fmt("%g", spec.lr);
  } else {
    lm::optim::SGD opt(*model, {.lr = float(spec.lr), .momentum = float(spec.momentum)});
    r.history = fit(opt);
    r.optimizer = "SGD lr " + fmt("%g", spec.lr) + (spec.momentum > 0 ? ", momentum " + fmt("%g", spec.momentum) : "");
  }
  if (o.cosine && !spec.constant_lr) r.optimizer += ", cosine";
  r.center = spec.center;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.first_loss = r.history.epochs.front().get("loss");
  r.last_loss = r.history.last().get("loss");
  model->eval();
  r.w1 = weight_of(*model, "0.weight");
  r.w2 = weight_of(*model, last);
  if constexpr (std::is_same_v<typename Net::template layer<1>, lm::ReLU>) {
    // hidden units that fire for some training face (a unit dead on all of them never learns again)
    const lm::Tensor b1 = weight_of(*model, "0.bias");
    for (std::size_t j = 0; j < n; ++j) {
      bool live = false;
      for (std::size_t i = 0; i < d.train.shape()[0] && !live; ++i) {
        double z = b1[j];
        for (std::size_t k = 0; k < pixels; ++k) z += double(r.w1[j * pixels + k]) * train_in[i * pixels + k];
        live = z > 0;
      }
      r.live_units += live;
    }
  } else {
    r.live_units = n;  // no ReLU: every unit passes its value on
  }
  std::printf("  %-28s trained in %.1f s; %zu of %zu hidden units live\n", spec.title.c_str(), r.seconds, r.live_units, n);
  r.apply = [model, &d, center = spec.center](lm::ConstTensorView x) {
    const std::size_t m = x.shape[0];
    const lm::Tensor in = d.input(x, center);
    return model->to_host(model->forward(in, m));  // [m, 4096] on the host
  };
  return r;
}

// ---- figures -----------------------------------------------------------------------------------

static lm::viz::grid_options face_options(std::string title = {}) {
  lm::viz::grid_options g;
  g.norm = lm::viz::normalize::range(0.f, 1.f);  // outputs are not clamped: show them on the pixels' scale
  g.title = std::move(title);
  return g;
}

// First-layer weights over training: one row per snapshot epoch (the first `units` rows of W1).
static void save_weight_rows(const trained_ae& r, std::size_t units, const fs::path& file) {
  std::vector<lm::Tensor> kept;
  std::vector<lm::viz::row> rows;
  for (const auto& [epoch, w] : r.snapshots) kept.push_back(first_rows(w.view(), units));
  for (std::size_t i = 0; i < kept.size(); ++i)
    rows.push_back({"epoch " + std::to_string(r.snapshots[i].first), kept[i].view()});
  lm::viz::grid_options g;  // each weight image min-max normalised on its own
  g.title = r.title + ": first " + std::to_string(std::min(units, r.n)) + " rows of Linear(4096, " +
            std::to_string(r.n) + ").weight as 64x64 images";
  lm::viz::save_png(file, lm::viz::rows(rows, g));
}

template <class Backend>
int run(const options& o) try {
  const auto start = std::chrono::steady_clock::now();
  const fs::path dir = o.out;
  fs::create_directories(dir);
  std::vector<fs::path> written;
  auto out_file = [&](const std::string& name) {
    written.push_back(dir / name);
    return dir / name;
  };
  std::string md = "# Face autoencoders, eigenfaces and denoising (ECE4179 assignment 2, Q1.1-Q1.3)\n\n";

  // ---- data: the 400 Olivetti faces, flattened, split 80/20 with a seed ----------------------
  const auto faces = lm::data::load_olivetti_faces({.flatten = true});
  const auto split = lm::data::split_indices(faces.size(), {.test = o.test_fraction, .seed = o.seed});
  face_split d{lm::data::take_rows(faces.images.view(), split.train), lm::data::take_rows(faces.images.view(), split.test),
               split.train, split.test};
  d.mean.assign(pixels, 0.0f);
  {
    std::vector<double> sum(pixels, 0.0);
    for (std::size_t i = 0; i < d.train.shape()[0]; ++i)
      for (std::size_t j = 0; j < pixels; ++j) sum[j] += d.train[i * pixels + j];
    for (std::size_t j = 0; j < pixels; ++j) d.mean[j] = float(sum[j] / double(d.train.shape()[0]));
  }
  const std::size_t n_train = d.train.shape()[0], n_test = d.test.shape()[0];
  std::printf("Olivetti faces: %zu images 64x64 of %zu subjects; %zu training, %zu test faces (seed %llu)\n\n",
              faces.size(), lm::data::olivetti_subjects, n_train, n_test, (unsigned long long)o.seed);
  std::printf("Q1.1 networks (parameter counts checked at compile time):\n\n%s\n%s\n",
              lm::Model<FaceAE<16>, Input>::summary(o.batch).c_str(), lm::Model<FaceAE<64>, Input>::summary(o.batch).c_str());

  char line[512];
  std::snprintf(line, sizeof line,
                "%zu training and %zu test faces (seeded split, seed %llu), 64x64 grey in [0, 1]; MSE loss, batch %zu, "
                "%d epochs per network%s.\n\n",
                n_train, n_test, (unsigned long long)o.seed, o.batch, o.epochs, o.quick ? " (--quick)" : "");
  md += line;
  md += "## Networks\n\n```\n" + lm::Model<FaceAE<16>, Input>::summary(o.batch) + "\n" +
        lm::Model<FaceAE<64>, Input>::summary(o.batch) + "```\n\n";

  // The mean training face: the n = 0 baseline every autoencoder must beat.
  lm::Tensor mean_face(lm::make_dims(n_test, pixels));
  for (std::size_t i = 0; i < n_test; ++i) std::copy(d.mean.begin(), d.mean.end(), mean_face.data() + i * pixels);
  const double mean_face_mse = mse(mean_face.view(), d.test.view());

  // ---- Q1.1: the autoencoders -----------------------------------------------------------------
  std::vector<int> snapshots = o.quick ? std::vector<int>{0, 1, o.epochs}
                                       : std::vector<int>{0, 1, 2, 5, 10, 20, 50, 100, 200, o.epochs};
  snapshots.erase(std::remove_if(snapshots.begin(), snapshots.end(), [&](int e) { return e > o.epochs; }), snapshots.end());
  snapshots.erase(std::unique(snapshots.begin(), snapshots.end()), snapshots.end());
  // The recipe of every network below unless said otherwise (--optimizer, --lr, --momentum, --raw).
  const run_spec recipe{.optimizer = o.optimizer == "sgd" ? optimizer_kind::sgd : optimizer_kind::adam,
                        .lr = o.lr, .momentum = o.momentum, .center = !o.raw};
  auto with = [&](std::string tag, std::string title, auto&&... changes) {
    run_spec s = recipe;
    s.tag = std::move(tag), s.title = std::move(title);
    (changes(s), ...);
    return s;
  };
  std::printf("Q1.1: training the autoencoders\n");
  const auto snap = [&](run_spec& s) { s.snapshot_epochs = snapshots; };
  trained_ae ae16 = train_ae<FaceAE<16>, Backend>(o, d, with("ae16", "AE n=16", snap));
  trained_ae ae64 = train_ae<FaceAE<64>, Backend>(o, d, with("ae64", "AE n=64", snap));
  std::vector<trained_ae*> q11 = {&ae16, &ae64};
  trained_ae raw64, sgd64, lin16, lin64;
  if (o.extras) {
    std::printf("References: raw (uncentred) faces, the W5 recipe, linear autoencoders\n");
    if (!o.raw && !o.quick) {
      raw64 = train_ae<FaceAE<64>, Backend>(o, d, with("ae64_raw", "AE n=64, raw faces", snap, [](run_spec& s) { s.center = false; }));
      q11.push_back(&raw64);
    }
    if (!o.quick) {
      sgd64 = train_ae<FaceAE<64>, Backend>(o, d, with("ae64_w5", "AE n=64, raw faces, W5 recipe", [](run_spec& s) {
                                              s.center = false, s.optimizer = optimizer_kind::sgd, s.lr = 1e-2,
                                              s.momentum = 0;
                                              s.constant_lr = true;
                                            }));
      q11.push_back(&sgd64);
    }
    lin16 = train_ae<LinearFaceAE<16>, Backend>(o, d, with("linear16", "linear AE n=16"));
    lin64 = train_ae<LinearFaceAE<64>, Backend>(o, d, with("linear64", "linear AE n=64"));
  }
  std::vector<trained_ae*> all_runs = q11;
  if (o.extras) all_runs.insert(all_runs.end(), {&lin16, &lin64});
  for (const trained_ae* r : all_runs) r->history.write_csv(out_file("q1_1_" + r->tag + "_log.csv"));

  // Input/output pairs of the first 10 test faces, per n.
  const std::size_t shown = std::min<std::size_t>(10, n_test);
  const lm::Tensor shown_in = spread_rows(d.test.view(), shown);
  for (const trained_ae* r : {&ae16, &ae64}) {
    const lm::Tensor y = r->apply(shown_in.view());
    lm::viz::save_png(out_file("q1_1_reconstructions_" + r->tag + ".png"),
                      lm::viz::rows({{"input", shown_in.view()}, {"output", y.view()}},
                                    face_options(r->title + ": test faces (input above output)")));
  }
  // Ghost faces: the first layer's weights at the snapshot epochs.
  save_weight_rows(ae16, 16, out_file("q1_1_weights_ae16_epochs.png"));
  save_weight_rows(ae64, 8, out_file("q1_1_weights_ae64_epochs.png"));  // all 64: the grids below
  if (!raw64.snapshots.empty()) save_weight_rows(raw64, 8, out_file("q1_1_weights_ae64_raw_epochs.png"));
  for (const auto& [epoch, w] : ae64.snapshots) {
    lm::viz::grid_options g;
    g.cols = 8;
    g.title = "AE n=64, epoch " + std::to_string(epoch) + ": the 64 rows of Linear(4096, 64).weight";
    char name[64];
    std::snprintf(name, sizeof name, "q1_1_weights_ae64_epoch%03d.png", epoch);
    lm::viz::save_png(out_file(name), lm::viz::grid(w.view(), g));
  }

  // ---- Q1.2: eigenfaces by SVD, PCA vs the autoencoders ---------------------------------------
  std::printf("\nQ1.2: SVD of the mean-subtracted training faces [%zu, %zu]\n", n_train, pixels);
  const auto x_train = to_xt(d.train.view()), x_test = to_xt(d.test.view());
  const auto p = la::pca(x_train);  // all min(n, d) components
  const xt::xtensor<double, 2> centred = x_train - xt::view(p.mean, xt::newaxis(), xt::all());
  const auto decomposition = la::svd(centred);
  const double svd_error = xt::amax(xt::abs(la::reconstruct(decomposition) - centred))();
  std::printf("max |U S Vt - X| = %.3g (rank <= %zu); explained variance of 16 / 64 components: %.1f %% / %.1f %%\n",
              svd_error, decomposition.s.size(), 100 * xt::sum(xt::view(p.explained_variance_ratio, xt::range(0, 16)))(),
              100 * xt::sum(xt::view(p.explained_variance_ratio, xt::range(0, 64)))());

  {  // mean face and the first 24 eigenfaces
    const std::size_t k = std::min<std::size_t>(24, p.size());
    lm::Tensor eig(lm::make_dims(k + 1, pixels));
    std::copy(p.mean.begin(), p.mean.end(), eig.begin());
    std::copy_n(p.components.begin(), k * pixels, eig.begin() + pixels);
    lm::viz::grid_options g;
    g.cols = 5;
    g.title = "Mean face and the first " + std::to_string(k) + " eigenfaces (% of the variance)";
    g.captions.push_back("mean");
    for (std::size_t i = 0; i < k; ++i)
      g.captions.push_back("PC" + std::to_string(i + 1) + fmt(" %.1f%%", 100 * p.explained_variance_ratio(i)));
    lm::viz::save_png(out_file("q1_2_eigenfaces.png"), lm::viz::grid(eig.view(), g));  // each image min-max

    lm::viz::plot v;
    v.title = "Explained variance of the training faces";
    v.x.label = "number of components";
    v.y.label = "cumulative fraction of variance";
    v.y.min = 0, v.y.max = 1;
    std::vector<double> cum;
    double acc = 0;
    for (double r : p.explained_variance_ratio) cum.push_back(acc += r);
    v.add(cum, "cumulative");
    v.add(std::vector<double>{16, 16}, std::vector<double>{0, 1}, "n = 16").style.line = lm::viz::line_style::dashed;
    v.add(std::vector<double>{64, 64}, std::vector<double>{0, 1}, "n = 64").style.line = lm::viz::line_style::dotted;
    v.legend = lm::viz::legend_position::bottom_right;
    lm::viz::save_png(out_file("q1_2_explained_variance.png"), v);
  }

  // Reconstructions of the test (and training) faces by PCA with n components.
  std::map<std::size_t, lm::Tensor> pca_test, pca_train;
  for (std::size_t n : {16, 64}) {
    pca_test[n] = to_tensor(p.reconstruct(x_test, n));
    pca_train[n] = to_tensor(p.reconstruct(x_train, n));
  }
  struct recon_row {
    std::string method;
    std::size_t n;
    double train_mse, test_mse, test_psnr, test_ssim;
  };
  std::vector<recon_row> recon;
  {
    lm::Tensor mean_train(lm::make_dims(n_train, pixels));
    for (std::size_t i = 0; i < n_train; ++i) std::copy_n(mean_face.data(), pixels, mean_train.data() + i * pixels);
    recon.push_back({"mean training face", 0, mse(mean_train.view(), d.train.view()), mean_face_mse,
                     psnr(mean_face.view(), d.test.view()), ssim(mean_face.view(), d.test.view())});
  }
  std::map<std::string, double> ae_train_mse;
  for (std::size_t n : {16, 64}) {
    recon.push_back({"PCA (eigenfaces)", n, mse(pca_train[n].view(), d.train.view()), mse(pca_test[n].view(), d.test.view()),
                     psnr(pca_test[n].view(), d.test.view()), ssim(pca_test[n].view(), d.test.view())});
    for (const trained_ae* r : all_runs) {
      if (r->n != n) continue;
      const lm::Tensor yt = r->apply(d.test.view()), ytr = r->apply(d.train.view());
      ae_train_mse[r->tag] = mse(ytr.view(), d.train.view());
      recon.push_back({r->title, n, ae_train_mse[r->tag], mse(yt.view(), d.test.view()), psnr(yt.view(), d.test.view()),
                       ssim(yt.view(), d.test.view())});
    }
  }

  // Principal angles between the top-n PCA subspace and the networks' weight spaces.
  struct angle_row {
    std::string what;
    std::size_t n;
    std::vector<double> degrees;  // ascending
    double energy;                // fraction of the weights' squared norm inside the PCA subspace
  };
  std::vector<angle_row> angle_rows;
  auto summarise = [](const std::vector<double>& v, double q) { return v[std::size_t(std::lround(q * double(v.size() - 1)))]; };
  for (std::size_t n : {16, 64}) {
    const xt::xtensor<double, 2> pcs = xt::transpose(xt::view(p.components, xt::range(0, n), xt::all()));  // [4096, n]
    auto add = [&](const std::string& what, const xt::xtensor<double, 2>& basis) {
      const auto theta = la::principal_angles(pcs, basis);
      const xt::xtensor<double, 2> inside = xt::linalg::dot(xt::transpose(pcs), basis);
      angle_row a{what, n, {}, xt::sum(xt::square(inside))() / xt::sum(xt::square(basis))()};
      for (double t : theta) a.degrees.push_back(degrees(t));
      angle_rows.push_back(std::move(a));
    };
    for (const trained_ae* r : all_runs) {
      if (r->n != n) continue;
      add(r->title + ": decoder columns (W2)", to_xt(r->w2.view()));
      add(r->title + ": encoder rows (W1)", xt::transpose(to_xt(r->w1.view())));
    }
    lm::rng gen(o.seed + 99);
    xt::xtensor<double, 2> random = xt::zeros<double>({pixels, n});
    for (double& v : random) v = gen.normal();
    add("random subspace", random);
  }
  for (std::size_t n : {16, 64}) {  // sorted angles per subspace, one curve each
    lm::viz::plot a;
    a.title = "Principal angles to the top-" + std::to_string(n) + " PCA subspace";
    a.x.label = "index (ascending)";
    a.y.label = "angle (degrees)";
    a.y.min = 0, a.y.max = 90;
    std::string csv = "index";
    std::vector<const angle_row*> mine;
    for (const auto& r : angle_rows)
      if (r.n == n) mine.push_back(&r), csv += ",\"" + r.what + "\"";
    csv += "\n";
    for (std::size_t i = 0; i < n; ++i) {
      csv += std::to_string(i + 1);
      for (const auto* r : mine) csv += fmt(",%.6f", i < r->degrees.size() ? r->degrees[i] : NAN);
      csv += "\n";
    }
    for (const auto* r : mine)  // the raw-face runs look like the random subspace: in the table and CSV only
      if (r->what.find("raw faces") == std::string::npos) a.add(r->degrees, r->what);
    a.width = 1000;
    lm::viz::save_png(out_file("q1_2_principal_angles_n" + std::to_string(n) + ".png"), a);
    write_text(out_file("q1_2_principal_angles_n" + std::to_string(n) + ".csv"), csv);
  }

  // Test faces: input, PCA-16, AE-16, PCA-64, AE-64.
  {
    const lm::Tensor a16 = ae16.apply(shown_in.view()), a64 = ae64.apply(shown_in.view());
    const lm::Tensor p16 = spread_rows(pca_test[16].view(), shown), p64 = spread_rows(pca_test[64].view(), shown);
    lm::viz::save_png(out_file("q1_2_ae_vs_pca.png"),
                      lm::viz::rows({{"input", shown_in.view()}, {"PCA 16", p16.view()}, {"AE n=16", a16.view()},
                                     {"PCA 64", p64.view()}, {"AE n=64", a64.view()}},
                                    face_options("Test faces: PCA with n components vs the AE with n hidden units")));
  }

  // ---- Q1.3: noisy faces ---------------------------------------------------------------------------
  std::printf("\nQ1.3: noisy test faces\n");
  struct noise_kind {
    std::string tag, title;
    lm::data::batch_transform transform;
  };
  const std::vector<noise_kind> kinds = {
      {"uniform04", "uniform +-0.4", lm::data::transform::uniform_noise(0.4f)},
      {"uniform09", "uniform +-0.9", lm::data::transform::uniform_noise(0.9f)},
      {"dropout", "pixel dropout p=" + fmt("%.2g", o.dropout), lm::data::transform::dropout(o.dropout)}};
  struct noise_row {
    std::string title;
    double noisy, ae16, ae64, pca64, dae;  // PSNR (dB) against the clean faces
    double noisy_ssim, ae64_ssim, dae_ssim;
  };
  std::vector<noise_row> noise_rows;
  std::vector<trained_ae> daes;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    const auto& kind = kinds[k];
    lm::Tensor noisy = d.test;
    lm::rng gen(o.seed + 1000 + k);
    kind.transform(noisy.view(), gen);
    const lm::Tensor y16 = ae16.apply(noisy.view()), y64 = ae64.apply(noisy.view());
    const lm::Tensor yp = to_tensor(p.reconstruct(to_xt(noisy.view()), 64));
    noise_row row{kind.title, psnr(noisy.view(), d.test.view()), psnr(y16.view(), d.test.view()),
                  psnr(y64.view(), d.test.view()), psnr(yp.view(), d.test.view()), NAN,
                  ssim(noisy.view(), d.test.view()), ssim(y64.view(), d.test.view()), NAN};
    lm::Tensor yd;
    if (o.extras) {
      daes.push_back(train_ae<FaceAE<64>, Backend>(o, d, with("dae64_" + kind.tag, "denoising AE n=64, " + kind.title, [&](run_spec& s) {
                                                     s.noise = kind.transform, s.val_inputs = &noisy;
                                                   })));
      daes.back().history.write_csv(out_file("q1_3_dae64_" + kind.tag + "_log.csv"));
      yd = daes.back().apply(noisy.view());
      row.dae = psnr(yd.view(), d.test.view());
      row.dae_ssim = ssim(yd.view(), d.test.view());
    }
    noise_rows.push_back(row);
    const lm::Tensor c = spread_rows(d.test.view(), 8), nz = spread_rows(noisy.view(), 8), r64 = spread_rows(y64.view(), 8);
    std::vector<lm::viz::row> rows = {{"clean", c.view()}, {"noisy", nz.view()}, {"AE n=64", r64.view()}};
    lm::Tensor rd;
    if (o.extras) {
      rd = spread_rows(yd.view(), 8);
      rows.push_back({"denoising AE", rd.view()});
    }
    lm::viz::save_png(out_file("q1_3_noise_" + kind.tag + ".png"),
                      lm::viz::rows(rows, face_options("Test faces with " + kind.title + " noise")));
    std::printf("  %-22s PSNR noisy %.2f, AE16 %.2f, AE64 %.2f, PCA64 %.2f, denoising AE64 %.2f dB\n", kind.title.c_str(),
                row.noisy, row.ae16, row.ae64, row.pca64, row.dae);
  }

  // ---- curves ----------------------------------------------------------------------------------------
  {
    // The centred-input networks (one colour each: test solid, train dashed) against PCA's test MSE.
    lm::viz::plot c;
    c.title = "MSE per epoch (solid: test, dashed: train, dotted: PCA with n components, test)";
    c.x.label = "epoch";
    c.y.label = "MSE";
    c.y.log = true;
    std::size_t colour = 0;
    for (const trained_ae* r : all_runs) {
      if (!r->center) continue;
      const lm::viz::style solid{.color = lm::viz::palette(colour)};
      lm::viz::style dashed = solid;
      dashed.line = lm::viz::line_style::dashed;
      c.add(r->history.series("val_loss"), r->title + " test", lm::viz::side::left, solid);
      c.add(r->history.series("loss"), r->title + " train", lm::viz::side::left, dashed);
      ++colour;
    }
    for (std::size_t n : {16, 64}) {
      const double v = mse(pca_test[n].view(), d.test.view());
      c.add(std::vector<double>{1, double(o.epochs)}, std::vector<double>{v, v}, "PCA " + std::to_string(n) + " test",
            lm::viz::side::left, {.color = lm::viz::palette(colour++), .line = lm::viz::line_style::dotted});
    }
    c.width = 1000;
    lm::viz::save_png(out_file("q1_1_mse_curves.png"), c);

    if (!raw64.history.epochs.empty()) {  // raw faces: dead units leave the mean face
      lm::viz::plot raw;
      raw.title = "AE n=64: centred vs raw input faces (training MSE)";
      raw.x.label = "epoch";
      raw.y.label = "training MSE";
      raw.y.log = true;
      raw.add(ae64.history.series("loss"), "centred input (x - mean face), Adam");
      raw.add(raw64.history.series("loss"), "raw faces, Adam");
      if (!sgd64.history.epochs.empty()) raw.add(sgd64.history.series("loss"), "raw faces, SGD lr 1e-2 (W5)");
      const double mean_train = recon.front().train_mse;  // the mean training face's
      raw.add(std::vector<double>{1, double(o.epochs)}, std::vector<double>{mean_train, mean_train},
              "the mean training face").style.line = lm::viz::line_style::dotted;
      raw.width = 1000;
      lm::viz::save_png(out_file("q1_1_raw_vs_centred.png"), raw);
    }

    lm::viz::plot q;
    q.title = "Test PSNR per epoch";
    q.x.label = "epoch";
    q.y.label = "PSNR (dB)";
    for (const trained_ae* r : all_runs) q.add(r->history.series("val_psnr"), r->title);
    for (const auto& dae : daes) q.add(dae.history.series("val_psnr"), dae.title + " (noisy input)").style.line =
                                     lm::viz::line_style::dashed;
    q.width = 1000;
    lm::viz::save_png(out_file("q1_1_psnr_curves.png"), q);
  }

  // ---- tables ----------------------------------------------------------------------------------------
  md += "## Q1.1: n = 16 vs n = 64\n\n"
        "| network | optimizer | parameters | epochs | live hidden units | train MSE (last epoch) | test MSE | "
        "test PSNR (dB) | test SSIM | training time (s) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const trained_ae* r : q11) {
    const lm::Tensor yt = r->apply(d.test.view());
    std::snprintf(line, sizeof line, "| %s | %s | %zu | %d | %zu of %zu | %.5f | %.5f | %.2f | %.3f | %.1f |\n",
                  r->title.c_str(), r->optimizer.c_str(), r->params, o.epochs, r->live_units, r->n, r->last_loss, mse(yt.view(), d.test.view()), psnr(yt.view(), d.test.view()),
                  ssim(yt.view(), d.test.view()), r->seconds);
    md += line;
  }
  std::snprintf(line, sizeof line, "\nThe mean training face scores test MSE %.5f, PSNR %.2f dB.\n\n", mean_face_mse,
                psnr(mean_face.view(), d.test.view()));
  md += line;
  md += "![AE n=16](q1_1_reconstructions_ae16.png)\n\n![AE n=64](q1_1_reconstructions_ae64.png)\n\n"
        "![weights n=16](q1_1_weights_ae16_epochs.png)\n\n![weights n=64](q1_1_weights_ae64_epochs.png)\n\n" +
        std::string(raw64.snapshots.empty() ? "" : "![weights n=64, raw faces](q1_1_weights_ae64_raw_epochs.png)\n\n") +
        "![MSE](q1_1_mse_curves.png)\n\n![PSNR](q1_1_psnr_curves.png)\n\n" +
        std::string(raw64.snapshots.empty() ? "" : "![raw vs centred](q1_1_raw_vs_centred.png)\n\n");

  md += "## Q1.2: eigenfaces and the autoencoders\n\n";
  std::snprintf(line, sizeof line,
                "SVD of the mean-subtracted training matrix [%zu, %zu]: max |U S Vt - X| = %.3g. The first 16 / 64 "
                "components explain %.1f %% / %.1f %% of the training faces' variance.\n\n",
                n_train, pixels, svd_error, 100 * xt::sum(xt::view(p.explained_variance_ratio, xt::range(0, 16)))(),
                100 * xt::sum(xt::view(p.explained_variance_ratio, xt::range(0, 64)))());
  md += line;
  md += "![eigenfaces](q1_2_eigenfaces.png)\n\n![explained variance](q1_2_explained_variance.png)\n\n"
        "### Reconstruction: PCA with n components vs an AE with n hidden units\n\n"
        "| method | n | train MSE | test MSE | test PSNR (dB) | test SSIM |\n|---|---:|---:|---:|---:|---:|\n";
  for (const auto& r : recon) {
    std::snprintf(line, sizeof line, "| %s | %zu | %.5f | %.5f | %.2f | %.3f |\n", r.method.c_str(), r.n, r.train_mse,
                  r.test_mse, r.test_psnr, r.test_ssim);
    md += line;
  }
  md += "\n![AE vs PCA](q1_2_ae_vs_pca.png)\n\n### Principal angles to the top-n PCA subspace (degrees)\n\n"
        "| subspace | n | smallest | 25 % | median | 75 % | largest | mean | squared norm inside the PCA subspace |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& a : angle_rows) {
    double mean = 0;
    for (double v : a.degrees) mean += v / double(a.degrees.size());
    std::snprintf(line, sizeof line, "| %s | %zu | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f %% |\n", a.what.c_str(),
                  a.n, a.degrees.front(), summarise(a.degrees, 0.25), summarise(a.degrees, 0.5),
                  summarise(a.degrees, 0.75), a.degrees.back(), mean, 100 * a.energy);
    md += line;
  }
  md += "\n![angles n=16](q1_2_principal_angles_n16.png)\n\n![angles n=64](q1_2_principal_angles_n64.png)\n\n";

  md += "## Q1.3: noisy faces (PSNR in dB against the clean test faces; SSIM in brackets)\n\n"
        "| noise | noisy input | AE n=16 | AE n=64 | PCA 64 | denoising AE n=64 |\n|---|---:|---:|---:|---:|---:|\n";
  for (const auto& r : noise_rows) {
    std::snprintf(line, sizeof line, "| %s | %.2f (%.3f) | %.2f | %.2f (%.3f) | %.2f | %.2f (%.3f) |\n", r.title.c_str(),
                  r.noisy, r.noisy_ssim, r.ae16, r.ae64, r.ae64_ssim, r.pca64, r.dae, r.dae_ssim);
    md += line;
  }
  md += "\n";
  for (const auto& kind : kinds) md += "![" + kind.title + "](q1_3_noise_" + kind.tag + ".png)\n\n";

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  md += fmt("Total run time %.0f s.\n", seconds);
  write_text(out_file("summary.md"), md);
  std::printf("\n%s\nWritten to %s\ntotal time %.1f s\n", md.c_str(), dir.string().c_str(), seconds);

  if (o.quick) {  // the smoke test's checks
    examples::outcome_checks check;
    for (const trained_ae* r : all_runs)
      check(r->last_loss < r->first_loss, r->tag + ": training loss did not decrease (" + fmt("%.5f", r->first_loss) +
                                              " -> " + fmt("%.5f", r->last_loss) + ")");
    for (const auto& dae : daes) check(dae.last_loss < dae.first_loss, dae.tag + ": training loss did not decrease");
    for (const trained_ae* r : {&ae16, &ae64}) {
      const lm::Tensor yt = r->apply(d.test.view());
      const double m = mse(yt.view(), d.test.view());
      check(m < mean_face_mse, r->tag + ": test MSE " + fmt("%.5f", m) + " does not beat the mean face's " +
                                   fmt("%.5f", mean_face_mse));
    }
    check(svd_error < 1e-9, "the SVD does not reconstruct the centred faces: max error " + fmt("%.3g", svd_error));
    for (const trained_ae* r : all_runs) {
      const double pca_mse = mse(pca_train[r->n].view(), d.train.view());
      check(pca_mse <= ae_train_mse[r->tag] * (1 + 1e-6),
            r->tag + ": training MSE " + fmt("%.6f", ae_train_mse[r->tag]) + " below PCA-" + std::to_string(r->n) + "'s " +
                fmt("%.6f", pca_mse) + ", which Eckart-Young forbids");
    }
    for (const auto& r : noise_rows)
      if (o.extras) check(r.dae > r.ae64, "denoising AE does not beat the plain AE on " + r.title);
    check.written(written);
    if (check.failures()) return 1;
    std::printf("quick run: all checks passed\n");
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "faces_autoencoder: %s\n", e.what());
  return 2;
}

#ifndef LAMINA_EXAMPLE_CUDA_PART
int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  return o.device == examples::device::cuda ? examples::cuda_main(argc, argv) : run<lm::cpu>(o);
}
#else
int examples::cuda_main(int argc, char** argv) {
  return examples::on_gpu("faces_autoencoder", [&] { return run<lm::cuda>(parse(argc, argv)); });
}
#endif
