#pragma once
// TensorBoard event files, written without TensorFlow: scalars, histograms, images and text,
// appended as records to "events.out.tfevents.<time>.<host>.<pid>.lamina" in a log folder, which
// `tensorboard --logdir` shows (train/tensorboard_logger.hpp logs a Trainer's run).
//   lm::io::tensorboard_writer tb("runs/mlp");
//   tb.add_scalar("loss/train", 0.42, /*step=*/100);
//   tb.add_histogram("weights/0.weight", values, 100);
//   tb.add_image("reconstructions", lm::viz::grid(images), 100);
//   tb.add_text("hparams", "| lr | 0.01 |", 0);
// The format: each record is a little-endian uint64 length, its masked CRC-32C, the bytes of an
// Event protocol buffer (TensorFlow's event.proto) and their masked CRC-32C. Records are
// flushed as they are written, so TensorBoard follows a run live; a crash loses at most the
// record being written (readers stop at a truncated record), so no temporary file is needed.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>

#include "../core/config.hpp"
#include "../viz/image.hpp"
#include "proto_writer.hpp"

namespace lamina::io {

/// Writes one TensorBoard event file (see above), like torch.utils.tensorboard.SummaryWriter:
/// each add call appends one record for a tag at a step (the x axis, usually the epoch or the
/// number of batches so far). Move-only: it owns the open file.
class tensorboard_writer {
 public:
  /// Creates `logdir` if needed and a new event file in it (never appends to an existing one).
  /// Throws std::runtime_error when either cannot be created.
  LAMINA_INLINE explicit tensorboard_writer(const std::filesystem::path& logdir);

  /// A point of the curve `tag` (e.g. "loss/train") in the Scalars tab, stored as float32.
  LAMINA_INLINE void add_scalar(std::string_view tag, double value, std::int64_t step);
  /// A histogram of `values` in `bins` equal-width buckets between their minimum and maximum;
  /// NaN and infinite values are left out.
  /// Shown in the Histograms and Distributions tabs; `bins` = 0 throws std::invalid_argument.
  LAMINA_INLINE void add_histogram(std::string_view tag, std::span<const float> values, std::int64_t step,
                                   std::size_t bins = 30);
  /// An RGB image, stored as PNG.
  LAMINA_INLINE void add_image(std::string_view tag, const viz::image& image, std::int64_t step);
  /// Markdown text (the Text tab renders tables, which is how hyper-parameters are shown).
  LAMINA_INLINE void add_text(std::string_view tag, std::string_view text, std::int64_t step);

  /// The event file being written: `logdir` / "events.out.tfevents.TIME.HOST.PID.lamina".
  const std::filesystem::path& path() const { return path_; }

 private:
  LAMINA_INLINE void write_value(const proto_writer& value, std::int64_t step);
  LAMINA_INLINE void write_record(const std::string& event);
  std::filesystem::path path_;
  std::ofstream out_;
};

namespace detail {
// CRC-32C (Castagnoli), and TFRecord's mask of it.
LAMINA_INLINE std::uint32_t crc32c(std::string_view bytes);
LAMINA_INLINE std::uint32_t masked_crc32c(std::string_view bytes);
}  // namespace detail

}  // namespace lamina::io

#ifndef LAMINA_COMPILED_LIB
#include "tensorboard-inl.hpp"
#endif
