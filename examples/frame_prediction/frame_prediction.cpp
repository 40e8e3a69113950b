// CSIT6000M assignment 1, task 6: predict the next frame of bouncing balls from the frames
// before it, and compare with the trivial "copy the last frame" baseline.
//
//   frame_prediction [--quick] [--out DIR] [--variant base|tuned|both] [--epochs 20]
//                    [--train-seqs 300] [--val-seqs 50] [--frames 20] [--batch 32] [--lr 1e-3]
//                    [--tuned-min-lr 1e-5] [--min-speed 1] [--max-speed 3] [--seed 0] [--device cpu|cuda]
//                    [--threads N] [--help]
//
// Data: lm::data::make_bouncing_balls, grey 1x32x32 frames (the size of the counting task),
// 1-3 balls of radius 3-5 px, bouncing off the walls and off each other (elastic collisions),
// moving 1-3 px per frame. The speed range is this program's choice (the generator's default
// is 0.5-2): with it the copy-the-last-frame baseline has SSIM 0.68, close to the report's
// 0.668, i.e. consecutive frames differ about as much as in the report (at 0.5-2 px the
// baseline is easier: 20.0 dB / SSIM 0.78). Training sequences come from seed 1, validation
// sequences from seed 2 (never seen in training). Every window of K = 4 consecutive frames
// (stacked as 4 input channels, oldest first) and the frame after it is one sample
// (lm::data::next_frame_pairs): a sequence of 20 frames gives 16 samples.
// Why K = 4: two frames give a ball's velocity; more frames show that a ball has just bounced
// (off a wall or another ball) and separate overlapping balls; the extra input frames cost only
// 9 more weights per first-layer channel each.
//
// The network (a type, in networks.hpp with its parameter counts static_asserted; the summary is printed): a
// convolutional encoder-decoder with U-Net-like additive skips (lm::Residual): 3x3 conv to C
// channels at 32x32, a stride-2 conv to 2C at 16x16, a stride-2 conv to 4C at 8x8, a 3x3 conv
// at 8x8, then 4x4 stride-2 transposed convolutions back to 16x16 (2C) and 32x32 (C), each
// added to the encoder's activation of the same size, every conv followed by BatchNorm2d and
// ReLU (why the BatchNorm: see the network's comment), and a 3x3 conv to one channel through a
// Sigmoid (pixel values are in [0, 1]). MSE loss, Adam, batch 32.
//
//   base   C = 16 (102,257 parameters), Adam at a constant lr 1e-3.
//   tuned  C = 24 (229,033 parameters), Adam lr 1e-3 annealed to --tuned-min-lr by a cosine
//          schedule (CosineAnnealingLR, t_max = epochs): wider and a low final lr, the two
//          things a "tuned" run of the report's kind changes.
//
// Metrics on the validation samples after every epoch: MSE (the loss), PSNR (the mean of
// per-image PSNRs, lm::metrics::psnr's convention) and SSIM (skimage's Gaussian-window SSIM,
// lm::metrics::ssim) of the predicted frame against the true one, and the same for the baseline
// that copies the last input frame. The weights of the last epoch are reported.
//
// Full mode: 300 training sequences (4,800 samples), 50 validation sequences (800 samples),
// 20 epochs per variant: 297 s of CPU time in all (user + system, both variants, measured),
// so about 5 minutes at most on an idle 2-core machine. It checks that every trained variant
// beats the last-frame baseline by more than 10 dB of validation PSNR, else it exits with 1.
// --quick: 40 training and 10 validation sequences, 4 epochs, both variants (about 8 s of CPU);
// it checks that every training loss decreased, that every variant's validation PSNR is above
// the baseline's, and that every output file was written; a failed check exits with 1 (CTest
// runs it).
//
// Everything goes to --out (default results/frame_prediction): summary.md (the results table,
// model vs baseline with PSNR and SSIM, and the networks' summaries), per variant
// <tag>_log.csv (per epoch: train loss, lr, validation MSE / PSNR / SSIM, the mean prediction
// where the true frame is black (SSIM's weak spot, see quality), seconds),
// <tag>_curves.png (train loss and validation MSE on the left axis, log scale; validation PSNR
// and the baseline's on the right axis), <tag>_psnr_ssim.png (validation PSNR left, SSIM
// right, with the baseline's as dashed / dotted lines), and predictions.png (for ten validation samples: the last input frame, which is the
// baseline's prediction, the true next frame, and each variant's prediction below it).
//
// The program is written once for any backend (run<Backend>): --device cuda trains both variants
// as lm::Model<Net, Input, lm::cuda>.
#include <lamina/lamina.hpp>
#include <lamina/train/trainer.hpp>
#include <lamina/viz/viz.hpp>

#include "../common/command_line.hpp"
#include "../common/device.hpp"
#include "../common/outcome_checks.hpp"
#include "networks.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <lamina/io/atomic_file.hpp>

namespace lm = lamina;
namespace fs = std::filesystem;
using namespace examples::frame_prediction;

struct options {
  bool quick = false, run_base = true, run_tuned = true;
  std::string out = "results/frame_prediction";
  int epochs = 20;
  std::size_t train_seqs = 300, val_seqs = 50, frames = 20, batch = 32;
  double lr = 1e-3, tuned_min_lr = 1e-5;
  float min_speed = 1.0f, max_speed = 3.0f;  // pixels per frame (see the header comment)
  std::uint64_t seed = 0;
  examples::device device = examples::device::cpu;
};

static options parse(int argc, char** argv) {
  options o;
  std::string variant = "both";
  examples::cli cli("frame_prediction",
                    "CSIT6000M assignment 1, task 6: predicts the next frame of generated bouncing balls (1x32x32) "
                    "from the four frames before it with a convolutional encoder-decoder (U-Net-like additive "
                    "skips), and compares it with copying the last frame, by validation MSE, PSNR and SSIM. Two "
                    "variants: base (16 channels, constant lr) and tuned (24 channels, cosine-annealed lr). Tables, "
                    "logs and figures go to --out.");
  cli.choice("--variant NAME", variant, {"base", "tuned", "both"}, "the variants to train");
  cli.option("--epochs N", o.epochs, "epochs per variant (--quick: 4)", examples::at_least(1));
  cli.option("--train-seqs N", o.train_seqs, "training sequences (--quick: 40)", examples::at_least(1));
  cli.option("--val-seqs N", o.val_seqs, "validation sequences (--quick: 10)", examples::at_least(1));
  cli.option("--frames N", o.frames, "frames per sequence, more than the " + std::to_string(K) + " input frames",
             examples::at_least(K + 1));
  cli.option("--batch N", o.batch, "samples per training step", examples::at_least(1));
  cli.option("--lr X", o.lr, "Adam learning rate (the tuned variant's initial one)", examples::above(0));
  cli.option("--tuned-min-lr X", o.tuned_min_lr, "the tuned variant's final learning rate, at most --lr",
             examples::at_least(0));
  cli.option("--min-speed X", o.min_speed, "slowest ball speed, pixels per frame", examples::at_least(0));
  cli.option("--max-speed X", o.max_speed, "fastest ball speed, pixels per frame", examples::at_least(0));
  cli.option("--seed N", o.seed, "seed of the weights and shuffling; the sequences use seed + 1 and seed + 2");
  cli.option("--out DIR", o.out, "where the tables, logs and figures go");
  examples::device_option(cli, o.device);
  cli.flag("--quick", o.quick, "40 training and 10 validation sequences, 4 epochs; checks the outcomes, exits with "
                               "1 when one fails (seconds; CTest runs it)");
  cli.parse(argc, argv);
  if (o.tuned_min_lr > o.lr)
    cli.reject("--tuned-min-lr", examples::format(o.tuned_min_lr), "a number <= --lr " + examples::format(o.lr));
  if (o.min_speed > o.max_speed)
    cli.reject("--min-speed", examples::format(o.min_speed), "a number <= --max-speed " + examples::format(o.max_speed));
  o.run_base = variant != "tuned";
  o.run_tuned = variant != "base";
  if (o.quick) {
    if (!cli.given("--epochs")) o.epochs = 4;
    if (!cli.given("--train-seqs")) o.train_seqs = 40;
    if (!cli.given("--val-seqs")) o.val_seqs = 10;
  }
  return o;
}

static std::span<const float> floats(const lm::Tensor& t) { return {t.data(), t.size()}; }

// The last input frame of every sample (channel K-1): the baseline's prediction.
static lm::Tensor last_frames(const lm::Tensor& inputs) {
  const std::size_t n = inputs.shape()[0], plane = Side * Side;
  lm::Tensor last(lm::make_dims(n, 1, Side, Side));
  for (std::size_t i = 0; i < n; ++i)
    std::copy_n(inputs.data() + (i * K + (K - 1)) * plane, plane, last.data() + i * plane);
  return last;
}

struct quality {
  double mse = 0, psnr = 0, ssim = 0;
  // The mean predicted value where the true frame is black (no ball). SSIM is very sensitive
  // to it: on a black patch its luminance term is C1 / (mu^2 + C1) with C1 = 1e-4, so a faint
  // grey of 0.01 alone halves it, while the MSE hardly notices.
  double background = 0;
};
static quality measure(lm::ConstTensorView prediction, lm::ConstTensorView target) {
  lm::metrics::image_quality q;
  q.update(prediction, target);
  double sum = 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < target.size(); ++i)
    if (target.data[i] == 0.0f) sum += prediction.data[i], ++count;
  return {q.mse(), q.psnr(), q.ssim(), count ? sum / double(count) : 0.0};
}

struct outcome {
  std::string tag, title, schedule;
  std::size_t params = 0;
  int epochs = 0;
  double first_loss = 0, last_loss = 0, seconds = 0;
  quality val;
  lm::Tensor predictions;  // on the validation samples
  lm::train::history log;
};

// Loss and PSNR in one plot (two y axes); PSNR and SSIM in another (their scales differ too much
// to share an axis: 30 dB vs 0.9).
static void curves(const outcome& r, const quality& baseline, const fs::path& dir) {
  const auto& h = r.log;
  lm::viz::plot p;
  p.title = r.title + ": training";
  p.x.label = "epoch";
  p.y.label = "MSE loss";
  p.y.log = true;
  p.y2.label = "validation PSNR (dB)";
  p.add(h.series("loss"), "train loss").style.mark = lm::viz::marker::circle;
  p.add(h.series("val_mse"), "val MSE").style.mark = lm::viz::marker::square;
  p.add(h.series("val_psnr"), "val PSNR", lm::viz::side::right).style.mark = lm::viz::marker::triangle;
  auto& b = p.add(std::vector<double>(h.epochs.size(), baseline.psnr), "last frame PSNR", lm::viz::side::right);
  b.style.line = lm::viz::line_style::dashed;
  p.width = 960;
  lm::viz::save_png(dir / (r.tag + "_curves.png"), p);

  lm::viz::plot s;
  s.title = r.title + ": validation PSNR and SSIM";
  s.x.label = "epoch";
  s.y.label = "PSNR (dB)";
  s.y2.label = "SSIM";
  s.add(h.series("val_psnr"), "PSNR").style.mark = lm::viz::marker::circle;
  s.add(h.series("val_ssim"), "SSIM", lm::viz::side::right).style.mark = lm::viz::marker::square;
  const std::size_t n = h.epochs.size();
  s.add(std::vector<double>(n, baseline.psnr), "last frame PSNR").style.line = lm::viz::line_style::dashed;
  s.add(std::vector<double>(n, baseline.ssim), "last frame SSIM", lm::viz::side::right).style.line =
      lm::viz::line_style::dotted;
  s.width = 960;
  lm::viz::save_png(dir / (r.tag + "_psnr_ssim.png"), s);
}

template <class Net, class Backend>
static outcome train_variant(const options& o, const lm::data::frame_pairs& train_set,
                             const lm::data::frame_pairs& val_set, bool cosine, const std::string& tag,
                             const std::string& title) {
  using M = lm::Model<Net, Input, Backend>;
  auto model = std::make_unique<M>(o.seed);
  std::printf("\n== %s ==\n%s\n", title.c_str(), M::summary(o.batch).c_str());
  lm::data::RegressionLoader train(floats(train_set.inputs), floats(train_set.targets), K * Side * Side,
                                   lm::make_dims(1, Side, Side),
                                   {.batch_size = o.batch, .shuffle = true, .seed = o.seed});
  lm::optim::Adam opt(*model, {.lr = o.lr});
  std::unique_ptr<lm::optim::CosineAnnealingLR> sched;
  if (cosine)
    sched = std::make_unique<lm::optim::CosineAnnealingLR>(
        opt, lm::optim::cosine_annealing_lr_options{.t_max = std::size_t(o.epochs), .eta_min = o.tuned_min_lr});
  lm::train::Trainer trainer(*model, lm::loss::MSE{}, opt, {.progress = lm::train::progress_bar::style::silent});

  outcome r;
  r.tag = tag;
  r.title = title;
  r.params = M::param_count;
  r.epochs = o.epochs;
  char buf[160];
  if (cosine) std::snprintf(buf, sizeof buf, "Adam, lr %g cosine-annealed to %g", o.lr, o.tuned_min_lr);
  else std::snprintf(buf, sizeof buf, "Adam, lr %g constant", o.lr);
  r.schedule = buf;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto& h = trainer.fit(train, std::size_t(epoch));  // one more epoch
    lm::train::epoch_record e = h.last();                    // "loss", "lr" (the lr this epoch used)
    const auto t0 = std::chrono::steady_clock::now();
    const lm::Tensor pred = model->predict(val_set.inputs);  // evaluation mode, batches of 256
    const quality q = measure(pred.view(), val_set.targets.view());
    e.values["val_mse"] = q.mse;
    e.values["val_psnr"] = q.psnr;
    e.values["val_ssim"] = q.ssim;
    e.values["val_background"] = q.background;
    e.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.log.epochs.push_back(e);
    r.seconds += e.seconds;
    std::printf("epoch %2d/%d  lr %.3g  train loss %.5f  val MSE %.5f  PSNR %.2f dB  SSIM %.4f  background %.4f  %.1f s\n",
                epoch, o.epochs, e.get("lr"), e.get("loss"), q.mse, q.psnr, q.ssim, q.background, e.seconds);
    std::fflush(stdout);
    if (sched) sched->step();
  }
  r.first_loss = r.log.epochs.front().get("loss");
  r.last_loss = r.log.last().get("loss");
  r.predictions = model->predict(val_set.inputs);
  r.val = measure(r.predictions.view(), val_set.targets.view());
  return r;
}

// Validation samples to show: spread over the set, one per sequence at a varying time step.
static std::vector<std::size_t> shown_samples(std::size_t sequences, std::size_t per_sequence, std::size_t count) {
  std::vector<std::size_t> idx;
  for (std::size_t k = 0; k < count && k < sequences; ++k) {
    const std::size_t s = k * sequences / std::min(count, sequences);
    idx.push_back(s * per_sequence + (k * 5 + 3) % per_sequence);
  }
  return idx;
}

static lm::Tensor gather(const lm::Tensor& images, const std::vector<std::size_t>& idx) {
  const std::size_t plane = Side * Side;
  lm::Tensor out(lm::make_dims(idx.size(), 1, Side, Side));
  for (std::size_t k = 0; k < idx.size(); ++k)
    std::copy_n(images.data() + idx[k] * plane, plane, out.data() + k * plane);
  return out;
}

template <class Backend>
int run(const options& o) try {
  const auto start = std::chrono::steady_clock::now();
  const fs::path dir = o.out;
  fs::create_directories(dir);
  std::vector<fs::path> expected_files;

  auto balls = [&](std::size_t sequences, std::uint64_t seed) {
    return lm::data::make_bouncing_balls({.sequences = sequences, .frames = o.frames, .size = Side,
                                          .min_speed = o.min_speed, .max_speed = o.max_speed, .seed = seed});
  };
  const auto train_seqs = balls(o.train_seqs, o.seed + 1);
  const auto val_seqs = balls(o.val_seqs, o.seed + 2);
  const auto train_set = lm::data::next_frame_pairs(train_seqs, K);
  const auto val_set = lm::data::next_frame_pairs(val_seqs, K);
  std::printf("Data: bouncing balls, 1x%zux%zu frames, %zu frames per sequence; %zu training sequences (%zu samples, "
              "seed %llu), %zu validation sequences (%zu samples, seed %llu); input: %zu frames as channels\n",
              Side, Side, o.frames, o.train_seqs, train_set.inputs.shape()[0], (unsigned long long)(o.seed + 1),
              o.val_seqs, val_set.inputs.shape()[0], (unsigned long long)(o.seed + 2), K);

  const lm::Tensor baseline_pred = last_frames(val_set.inputs);
  const quality baseline = measure(baseline_pred.view(), val_set.targets.view());
  std::printf("Baseline (copy the last frame) on validation: MSE %.5f  PSNR %.2f dB  SSIM %.4f\n", baseline.mse,
              baseline.psnr, baseline.ssim);

  std::vector<outcome> results;
  if (o.run_base)
    results.push_back(train_variant<BaseNet, Backend>(o, train_set, val_set, false, "base", "encoder-decoder, C = 16"));
  if (o.run_tuned)
    results.push_back(
        train_variant<TunedNet, Backend>(o, train_set, val_set, true, "tuned", "tuned: C = 24, cosine lr"));

  for (const auto& r : results) {
    r.log.write_csv(dir / (r.tag + "_log.csv"));
    curves(r, baseline, dir);
    for (const char* suffix : {"_log.csv", "_curves.png", "_psnr_ssim.png"}) expected_files.push_back(dir / (r.tag + suffix));
  }

  // Ground truth above the predictions, with the last input frame (= the baseline) on top.
  const std::size_t per_seq = o.frames - K;
  const auto idx = shown_samples(o.val_seqs, per_seq, 10);
  std::vector<lm::Tensor> keep;
  keep.push_back(gather(baseline_pred, idx));
  keep.push_back(gather(val_set.targets, idx));
  for (const auto& r : results) keep.push_back(gather(r.predictions, idx));
  std::vector<lm::viz::row> rows;
  std::vector<std::string> captions;
  for (std::size_t k = 0; k < idx.size(); ++k)
    captions.push_back("seq " + std::to_string(idx[k] / per_seq) + " t " + std::to_string(idx[k] % per_seq + K));
  rows.push_back({"last frame (baseline)", keep[0].view()});
  rows.push_back({"ground truth", keep[1].view(), captions});
  for (std::size_t i = 0; i < results.size(); ++i)
    rows.push_back({"prediction, " + results[i].tag, keep[i + 2].view()});
  lm::viz::grid_options g;
  g.scale = 3;
  g.norm = lm::viz::normalize::range(0.f, 1.f);
  g.title = "Validation: last input frame, true next frame, predicted next frame";
  lm::viz::save_png(dir / "predictions.png", lm::viz::rows(std::span<const lm::viz::row>(rows), g));
  expected_files.push_back(dir / "predictions.png");

  // The results table.
  std::string md = "# Next-frame prediction of bouncing balls (CSIT6000M task 6)\n\n";
  char buf[768];
  std::snprintf(buf, sizeof buf,
                "Grey 1x%zux%zu frames, %zu frames per sequence, input: the %zu previous frames as channels. "
                "%zu training samples (%zu sequences, seed %llu), %zu validation samples (%zu sequences, seed %llu); "
                "MSE loss, batch %zu, %d epochs%s. Metrics on the validation samples, weights of the last epoch; "
                "PSNR is the mean of per-image PSNRs.\n\n",
                Side, Side, o.frames, K, train_set.inputs.shape()[0], o.train_seqs, (unsigned long long)(o.seed + 1),
                val_set.inputs.shape()[0], o.val_seqs, (unsigned long long)(o.seed + 2), o.batch, o.epochs,
                o.quick ? " (--quick)" : "");
  md += buf;
  md += "| model | parameters | optimizer | val MSE | val PSNR (dB) | val SSIM | PSNR gain over baseline (dB) | "
        "mean prediction on black background | training time (s) |\n|---|---:|---|---:|---:|---:|---:|---:|---:|\n";
  std::snprintf(buf, sizeof buf, "| copy the last frame (baseline) | 0 | - | %.5f | %.2f | %.4f | 0 | %.4f | 0 |\n",
                baseline.mse, baseline.psnr, baseline.ssim, baseline.background);
  md += buf;
  for (const auto& r : results) {
    std::snprintf(buf, sizeof buf, "| %s | %zu | %s | %.5f | %.2f | %.4f | %+.2f | %.4f | %.1f |\n",
                  r.title.c_str(), r.params, r.schedule.c_str(), r.val.mse, r.val.psnr, r.val.ssim,
                  r.val.psnr - baseline.psnr, r.val.background, r.seconds);
    md += buf;
  }
  md += "\nThe report (PyTorch): PSNR 30.0 dB / SSIM 0.970 (tuned 31.1 / 0.975) vs last frame 13.9 / 0.668.\n";
  md += "\n![predictions](predictions.png)\n";
  for (const auto& r : results) md += "\n![" + r.tag + "](" + r.tag + "_curves.png) ![" + r.tag + "](" + r.tag + "_psnr_ssim.png)\n";
  md += "\n## Networks\n\n";
  if (o.run_base) md += "### base\n\n```\n" + lm::Model<BaseNet, Input>::summary(o.batch) + "```\n\n";
  if (o.run_tuned) md += "### tuned\n\n```\n" + lm::Model<TunedNet, Input>::summary(o.batch) + "```\n";
  lm::io::write_atomically(dir / "summary.md", [&](std::ostream& out) { out << md; });
  expected_files.push_back(dir / "summary.md");

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\n%s\nWritten to %s\ntotal time %.1f s\n", md.c_str(), dir.string().c_str(), seconds);

  examples::outcome_checks check(o.quick ? "quick run" : "full run");
  for (const auto& r : results) {
    check(std::isfinite(r.val.psnr) && std::isfinite(r.val.ssim), r.tag + ": validation metrics are not finite");
    if (o.quick) {
      check(r.last_loss < r.first_loss, r.tag + ": training loss did not decrease (" + std::to_string(r.first_loss) +
                                            " -> " + std::to_string(r.last_loss) + ")");
      check(r.val.psnr > baseline.psnr, r.tag + ": validation PSNR " + std::to_string(r.val.psnr) +
                                            " dB is not above the last-frame baseline's " +
                                            std::to_string(baseline.psnr) + " dB");
    } else {  // the full run's check: far better than copying the last frame
      check(r.val.psnr - baseline.psnr > 10.0, r.tag + ": validation PSNR " + std::to_string(r.val.psnr) +
                                                   " dB does not beat the last-frame baseline's " +
                                                   std::to_string(baseline.psnr) + " dB by more than 10 dB");
    }
  }
  check.written(expected_files);
  if (check.failures()) return 1;
  std::printf("%s run: all checks passed\n", o.quick ? "quick" : "full");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "frame_prediction: %s\n", e.what());
  return 2;
}

#ifndef LAMINA_EXAMPLE_CUDA_PART
int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  return o.device == examples::device::cuda ? examples::cuda_main(argc, argv) : run<lm::cpu>(o);
}
#else
int examples::cuda_main(int argc, char** argv) {
  return examples::on_gpu("frame_prediction", [&] { return run<lm::cuda>(parse(argc, argv)); });
}
#endif
