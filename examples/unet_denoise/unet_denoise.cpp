// A U-Net that removes Gaussian noise from 64x64 RGB photo patches, against the noisy input itself
// and against the convolutional autoencoder of the ELEC5306 example (ConvAE<32, 48> of
// examples/conv_autoencoder) trained on the same task.
//
//   unet_denoise [--quick] [--out DIR] [--epochs 20] [--train 850] [--val 200] [--batch 16]
//                [--sigma 0.1] [--lr 1e-3] [--seed 0] [--show 6] [--device cpu|cuda] [--threads N]
//
// Data: the patches of conv_autoencoder (non-overlapping 64x64 tiles of the photos in data/images,
// nearly flat tiles dropped, a seeded split). Inputs are the clean patches plus Gaussian noise of
// standard deviation --sigma (unclipped): fresh noise for every training batch (the loader's
// transform), one fixed noisy copy of the validation patches (seeded), so that every network is
// scored on the same noisy images. Targets are the clean patches; the loss is MSE; Adam at --lr.
//
// The networks: UNet<16> (networks.hpp: three resolutions joined by Concat skip connections,
// GroupNorm, the residual form y = x + f(x); 106,931 parameters) and ConvAE<32, 48> (184,243
// parameters), the autoencoder whose 4x4 bottleneck has no skip connection.
//
// Outputs (under --out, default results/unet_denoise):
//   results.md          validation PSNR and SSIM of the noisy input, the autoencoder and the U-Net,
//                       the gains in dB, parameters and training times
//   unet.csv, convae.csv   per epoch: training loss, validation loss/PSNR/SSIM, seconds, samples/s
//   psnr.png            validation PSNR per epoch of both networks, with the noisy input's
//   denoised.png        --show validation patches: clean, noisy, autoencoder, U-Net (with PSNR)
//   networks.md         the two networks' summaries
//
// --quick: 96 training and 16 validation patches, 3 epochs; checks that both networks' training
// loss decreased, that the U-Net's validation PSNR rose and ends above the autoencoder's, and that
// every file was written; a failed check exits with 1 (CTest runs it). (Beating the noisy input
// itself takes more than a few steps: see the full run's table.)
#include <lamina/lamina.hpp>
#include <lamina/train/trainer.hpp>
#include <lamina/viz/viz.hpp>

#include "../common/command_line.hpp"
#include "../common/device.hpp"
#include "../common/outcome_checks.hpp"
#include "../conv_autoencoder/networks.hpp"
#include "../conv_autoencoder/patches.hpp"
#include "networks.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace lm = lamina;
namespace fs = std::filesystem;
using examples::conv_autoencoder::ConvAE;
using examples::conv_autoencoder::floats;
using examples::conv_autoencoder::load_patches;
using examples::conv_autoencoder::patch_data;
using examples::conv_autoencoder::ssim_metric;
using namespace examples::unet_denoise;

// ---- Options ------------------------------------------------------------------------------------
struct options {
  bool quick = false;
  std::string out = "results/unet_denoise";
  int epochs = 20;
  std::size_t train = 850, val = 200, batch = 16, show = 6;
  double sigma = 0.1, lr = 1e-3;
  std::uint64_t seed = 0;
  examples::device device = examples::device::cpu;
};

static options parse(int argc, char** argv) {
  options o;
  examples::cli cli("unet_denoise",
                    "A U-Net (Concat skip connections, GroupNorm, 106,931 parameters) removing Gaussian noise from "
                    "64x64 RGB photo patches, against the noisy input and the ELEC5306 convolutional autoencoder "
                    "ConvAE<32, 48> trained on the same task (Adam, MSE). Tables and figures go to --out.");
  cli.option("--out DIR", o.out, "where the tables and figures go");
  examples::device_option(cli, o.device);
  cli.option("--epochs N", o.epochs, "training epochs of each network (--quick: 3)", examples::at_least(1));
  cli.option("--train N", o.train, "training patches (--quick: 96)", examples::at_least(1));
  cli.option("--val N", o.val, "validation patches (--quick: 16)", examples::at_least(1));
  cli.option("--batch N", o.batch, "patches per training step", examples::at_least(1));
  cli.option("--sigma X", o.sigma, "standard deviation of the noise (pixels in [0, 1])", examples::above(0));
  cli.option("--lr X", o.lr, "Adam learning rate", examples::above(0));
  cli.option("--show N", o.show, "validation patches in the picture");
  cli.option("--seed N", o.seed, "seed of the weights, the shuffling, the noise and the patch split");
  cli.flag("--quick", o.quick, "96 training and 16 validation patches, 3 epochs; checks the outcomes, exits with 1 "
                               "when one fails (seconds; CTest runs it)");
  cli.parse(argc, argv);
  if (o.quick) {
    if (!cli.given("--epochs")) o.epochs = 3;
    if (!cli.given("--train")) o.train = 96;
    if (!cli.given("--val")) o.val = 16;
  }
  return o;
}

// ---- Data (examples/conv_autoencoder/patches.hpp) ------------------------------------------------
struct denoising_data : patch_data {
  lm::Tensor val_noisy;  // the validation patches plus one fixed draw of the noise
};

static denoising_data load_data(const options& o) {
  denoising_data d{load_patches(o.train, o.val, o.seed), {}};
  d.val_noisy = d.val;
  lm::rng gen(o.seed + 7);
  lm::data::add_gaussian_noise(d.val_noisy.view(), float(o.sigma), gen, /*clamp=*/false);
  return d;
}

// The validation patches the picture shows: spread evenly over the set.
static std::vector<std::size_t> shown_rows(const denoising_data& d, std::size_t shown) {
  std::vector<std::size_t> rows;
  for (std::size_t k = 0; k < shown; ++k) rows.push_back(k * d.val.shape()[0] / shown);
  return rows;
}

// ---- Training -----------------------------------------------------------------------------------
struct run_result {
  std::string name;
  std::size_t params = 0;
  lm::train::history history;
  lm::Tensor denoised;  // the --show validation patches, denoised
  double seconds = 0;
};

template <class Net, class Backend>
static run_result train(const options& o, const denoising_data& d, const std::string& name, const fs::path& dir) {
  using Model = lm::Model<Net, Input, Backend>;
  auto model = std::make_unique<Model>(o.seed);
  // Fresh noise on every training batch; the clean patches are the targets.
  lm::data::RegressionLoader train_data(floats(d.train), floats(d.train), patch_values, Input::value,
                                        {.batch_size = o.batch, .shuffle = true, .seed = o.seed,
                                         .sample_shape = Input::value,
                                         .transform = lm::data::transform::gaussian_noise(float(o.sigma), /*clamp=*/false)});
  lm::data::RegressionLoader val_data(floats(d.val_noisy), floats(d.val), patch_values, Input::value,
                                      {.batch_size = 50, .shuffle = false});
  lm::optim::Adam opt(*model, {.lr = o.lr});
  lm::train::Trainer trainer(*model, lm::loss::MSE{}, opt, {.progress = lm::train::progress_bar::style::silent});
  trainer.add_metric(lm::train::psnr()).add_metric(ssim_metric());
  std::printf("\n== %s: %zu parameters, Adam lr %g, MSE, batch %zu, %d epochs ==\n", name.c_str(), Model::param_count,
              o.lr, o.batch, o.epochs);
  run_result r{name, Model::param_count, {}, {}, 0};
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto& h = trainer.fit(train_data, std::size_t(epoch), &val_data);
    const auto& e = h.last();
    std::printf("epoch %2d/%d  train loss %.5f  val PSNR %.2f dB  SSIM %.4f  %.1f s (%.0f samples/s)\n", epoch,
                o.epochs, e.get("loss"), e.get("val_psnr"), e.get("val_ssim"), e.seconds, e.samples_per_second);
    std::fflush(stdout);
    r.seconds += e.seconds;
    h.write_csv(dir / (name + ".csv"));
  }
  r.history = trainer.get_history();
  const std::size_t shown = std::min(o.show, d.val.shape()[0]);
  if (shown > 0) {
    model->eval();
    const lm::Tensor noisy = lm::data::take_rows(d.val_noisy.view(), shown_rows(d, shown));
    r.denoised = model->to_host(model->forward(noisy.view()));
  }
  return r;
}

// ---- Report -------------------------------------------------------------------------------------
static std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

static std::vector<std::string> psnr_captions(lm::ConstTensorView x, lm::ConstTensorView clean) {
  std::vector<std::string> c;
  for (double v : lm::metrics::psnr_per_image(x, clean)) c.push_back(fmt("%.1f dB", v));
  return c;
}

template <class Backend>
static int run(const options& o) try {
  const fs::path dir = o.out;
  fs::create_directories(dir);
  const denoising_data d = load_data(o);
  std::printf("data: %zu tiles of 64x64 from %zu photos, %zu nearly flat dropped; %zu training and %zu validation "
              "patches; noise sigma %g (seed %llu)\n",
              d.tiles, lm::data::photos.size(), d.flat, d.train.shape()[0], d.val.shape()[0], o.sigma,
              (unsigned long long)o.seed);
  std::printf("\nThe U-Net, %zu parameters (checked at compile time):\n\n%s", UNet<16>::param_count,
              lm::Model<UNet<16>, Input>::summary(o.batch).c_str());
  lm::io::write_atomically(dir / "networks.md", [&](std::ostream& out) {
    out << "# unet_denoise networks\n\n## UNet<16>\n\n```\n" << lm::Model<UNet<16>, Input>::summary(o.batch)
        << "```\n\n## ConvAE<32, 48> (conv_autoencoder)\n\n```\n"
        << lm::Model<ConvAE<32, 48>, Input>::summary(o.batch) << "```\n";
  });

  // The noisy input's own scores: what "doing nothing" gives.
  lm::metrics::image_quality noisy_q;
  noisy_q.update(d.val_noisy.view(), d.val.view());
  const double noisy_psnr = [&] {  // mean of the per-patch PSNR, as the validation metric
    double s = 0;
    const auto v = lm::metrics::psnr_per_image(d.val_noisy.view(), d.val.view());
    for (double x : v) s += x;
    return s / double(v.size());
  }();
  std::printf("\nnoisy input: validation PSNR %.2f dB, SSIM %.4f\n", noisy_psnr, noisy_q.ssim());

  const run_result ae = train<ConvAE<32, 48>, Backend>(o, d, "convae", dir);
  const run_result unet = train<UNet<16>, Backend>(o, d, "unet", dir);

  // PSNR per epoch of both, and the noisy input's as a line.
  {
    lm::viz::plot p;
    p.title = "Validation PSNR, noise sigma " + fmt("%g", o.sigma);
    p.x.label = "epoch";
    p.y.label = "PSNR (dB)";
    p.add(unet.history.series("val_psnr"), "U-Net (106,931 parameters)").style.mark = lm::viz::marker::circle;
    p.add(ae.history.series("val_psnr"), "ConvAE<32, 48> (184,243 parameters)").style.mark = lm::viz::marker::square;
    auto& noisy = p.add(std::vector<double>(std::size_t(o.epochs), noisy_psnr), "noisy input");
    noisy.style.line = lm::viz::line_style::dashed;
    p.width = 900;
    lm::viz::save_png(dir / "psnr.png", p);
  }
  // Clean, noisy and both networks' outputs for a few validation patches.
  const std::size_t shown = std::min(o.show, d.val.shape()[0]);
  if (shown > 0) {
    const auto rows = shown_rows(d, shown);
    const lm::Tensor clean = lm::data::take_rows(d.val.view(), rows);
    const lm::Tensor noisy = lm::data::take_rows(d.val_noisy.view(), rows);
    lm::viz::grid_options g;
    g.norm = lm::viz::normalize::range(0.f, 1.f);
    g.scale = 2;
    g.title = "Validation patches, noise sigma " + fmt("%g", o.sigma) + ", after " + std::to_string(o.epochs) +
              " epochs (PSNR against the clean patch)";
    lm::viz::save_png(dir / "denoised.png",
                      lm::viz::rows({{"clean", clean.view()},
                                     {"noisy", noisy.view(), psnr_captions(noisy.view(), clean.view())},
                                     {"ConvAE", ae.denoised.view(), psnr_captions(ae.denoised.view(), clean.view())},
                                     {"U-Net", unet.denoised.view(), psnr_captions(unet.denoised.view(), clean.view())}},
                                    g));
  }

  // The table.
  const auto& ue = unet.history.last();
  const auto& ce = ae.history.last();
  std::string md = "# U-Net denoising of photo patches\n\n";
  md += "Gaussian noise of standard deviation " + fmt("%g", o.sigma) + " (pixels in [0, 1], unclipped) on " +
        std::to_string(d.train.shape()[0]) + " training and " + std::to_string(d.val.shape()[0]) +
        " validation 64x64 RGB patches; Adam lr " + fmt("%g", o.lr) + ", MSE, batch " + std::to_string(o.batch) + ", " +
        std::to_string(o.epochs) + " epochs, seed " + std::to_string(o.seed) + (o.quick ? " (--quick)" : "") +
        ". Validation scores are means over the patches, on one fixed noisy copy of them.\n\n";
  md += "| | parameters | val PSNR (dB) | gain over noisy (dB) | val SSIM | training time (s) |\n"
        "|---|---:|---:|---:|---:|---:|\n";
  md += "| noisy input | | " + fmt("%.2f", noisy_psnr) + " | | " + fmt("%.4f", noisy_q.ssim()) + " | |\n";
  md += "| ConvAE<32, 48> | " + std::to_string(ae.params) + " | " + fmt("%.2f", ce.get("val_psnr")) + " | " +
        fmt("%+.2f", ce.get("val_psnr") - noisy_psnr) + " | " + fmt("%.4f", ce.get("val_ssim")) + " | " +
        fmt("%.1f", ae.seconds) + " |\n";
  md += "| U-Net | " + std::to_string(unet.params) + " | " + fmt("%.2f", ue.get("val_psnr")) + " | " +
        fmt("%+.2f", ue.get("val_psnr") - noisy_psnr) + " | " + fmt("%.4f", ue.get("val_ssim")) + " | " +
        fmt("%.1f", unet.seconds) + " |\n\n";
  md += "The U-Net is " + fmt("%+.2f", ue.get("val_psnr") - ce.get("val_psnr")) +
        " dB against the autoencoder at the last epoch.\n\n![validation PSNR](psnr.png)\n\n![denoised](denoised.png)\n";
  lm::io::write_atomically(dir / "results.md", [&](std::ostream& out) { out << md; });
  std::printf("\n%s", md.c_str());

  examples::outcome_checks check;
  if (o.quick) {
    for (const run_result* r : {&ae, &unet}) {
      const auto loss = r->history.series("loss");
      check(loss.back() < loss.front(), r->name + ": training loss did not decrease (" + fmt("%.5f", loss.front()) +
                                            " -> " + fmt("%.5f", loss.back()) + ")");
    }
    const auto psnr = unet.history.series("val_psnr");
    check(psnr.back() > psnr.front(), "U-Net: validation PSNR did not rise (" + fmt("%.2f", psnr.front()) + " -> " +
                                          fmt("%.2f", psnr.back()) + " dB)");
    check(ue.get("val_psnr") > ce.get("val_psnr"), "U-Net: validation PSNR " + fmt("%.2f", ue.get("val_psnr")) +
                                                        " dB is not above the autoencoder's " +
                                                        fmt("%.2f", ce.get("val_psnr")) + " dB");
    std::vector<fs::path> files;
    for (const char* f : {"results.md", "networks.md", "unet.csv", "convae.csv", "psnr.png", "denoised.png"})
      files.push_back(dir / f);
    check.written(files);
    if (check.failures() == 0) std::printf("quick run: all checks passed\n");
  }
  return check.failures() ? 1 : 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "unet_denoise: %s\n", e.what());
  return 2;
}

#ifndef LAMINA_EXAMPLE_CUDA_PART
int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  return o.device == examples::device::cuda ? examples::cuda_main(argc, argv) : run<lm::cpu>(o);
}
#else
int examples::cuda_main(int argc, char** argv) {
  return examples::on_gpu("unet_denoise", [&] { return run<lm::cuda>(parse(argc, argv)); });
}
#endif
