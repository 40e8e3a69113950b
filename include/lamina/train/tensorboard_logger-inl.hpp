#pragma once
// Definitions for tensorboard_logger.hpp (compiled into lamina::compiled, else inline).
#include <span>
#include <stdexcept>
#include <utility>

#include "history.hpp"
#include "tensorboard_logger.hpp"

namespace lamina::train {

namespace detail {
inline const std::filesystem::path& required_logdir(const TensorBoardLogger::options& o) {
  if (o.logdir.empty())
    throw std::invalid_argument("lamina::train::TensorBoardLogger: options::logdir is required (e.g. \"runs/mlp\")");
  return o.logdir;
}
}  // namespace detail

LAMINA_INLINE TensorBoardLogger::TensorBoardLogger(options o)
    : o_(std::move(o)), writer_(detail::required_logdir(o_)) {}

LAMINA_INLINE void TensorBoardLogger::on_train_begin(callback_context&) {
  if (hparams_written_ || o_.hparams.empty()) return;
  // Markdown table cells: a '|' would end the cell, a line break the row.
  auto cell = [](const std::string& s) {
    std::string out;
    for (const char c : s) out += c == '|' ? std::string("\\|") : c == '\n' || c == '\r' ? std::string(" ") : std::string(1, c);
    return out;
  };
  std::string table = "| hyper-parameter | value |\n|---|---|\n";
  for (const auto& [k, v] : o_.hparams) table += "| " + cell(k) + " | " + cell(v) + " |\n";
  writer_.add_text("hparams", table, 0);
  hparams_written_ = true;
}

LAMINA_INLINE void TensorBoardLogger::on_batch_end(const batch_record& b, callback_context&) {
  if (o_.log_every_n_steps && b.step % o_.log_every_n_steps == 0)
    writer_.add_scalar("batch/loss", b.loss, std::int64_t(b.step));
}

LAMINA_INLINE void TensorBoardLogger::on_epoch_end(const history& h, callback_context& ctx) {
  const epoch_record& r = h.last();
  const auto step = std::int64_t(r.epoch);
  for (const auto& [name, value] : r.values) writer_.add_scalar("epoch/" + name, value, step);
  writer_.add_scalar("epoch/samples_per_second", r.samples_per_second, step);
  if (o_.histograms && ctx.visit_parameters)
    ctx.visit_parameters([&](const std::string& name, ConstTensorView value, ConstTensorView grad) {
      writer_.add_histogram("weights/" + name, std::span<const float>(value.data, value.size()), step);
      writer_.add_histogram("gradients/" + name, std::span<const float>(grad.data, grad.size()), step);
    });
}

}  // namespace lamina::train
