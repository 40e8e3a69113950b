#pragma once
// Training checkpoints: the model's state_dict (loadable by PyTorch as it is, with strict=False
// or after dropping the "optimizer." and "scheduler." keys), the optimizer's state tensors as
// "optimizer.<name>", and in the metadata the counters (epoch, optimizer steps, scheduler
// state) and the model's random generator (dropout masks), so that a resumed run continues bit
// for bit. Loading is all-or-nothing: every tensor and counter is checked first, and the model,
// optimizer and scheduler are untouched when anything is wrong.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "../core/config.hpp"
#include "../core/rng.hpp"
#include "../kernels/kernels.hpp"
#include "../io/model_file.hpp"
#include "../optim/concepts.hpp"
#include "../optim/lr_scheduler.hpp"

namespace lamina::train {

/// What load_checkpoint read besides the tensors.
struct checkpoint_info {
  std::size_t epoch = 0;                        ///< the epoch the checkpoint was saved after
  std::map<std::string, std::string> metadata;  ///< the file's whole metadata, yours included
};

/// The most epochs a checkpoint may record (a larger count is a corrupt file, not a run).
inline constexpr std::size_t max_checkpoint_epochs = 10'000'000;

namespace detail {
LAMINA_INLINE io::tensor_record flat_record(const std::string& name, ConstTensorView v);
// Shortest round-trip text of a double and its reverse (the whole text must be a number),
// independent of the C locale, so a checkpoint written anywhere reads back anywhere.
LAMINA_INLINE std::string format_double(double v);
LAMINA_INLINE bool parse_double(std::string_view text, double& v);
// Metadata fields, checked: "missing", "expected ..., got ..." name the file and the field.
LAMINA_INLINE const std::string& field(const std::filesystem::path& file, const std::map<std::string, std::string>& meta,
                                       const std::string& key);
LAMINA_INLINE std::size_t count_field(const std::filesystem::path& file, const std::map<std::string, std::string>& meta,
                                      const std::string& key, std::size_t max);
LAMINA_INLINE double number_field(const std::filesystem::path& file, const std::string& key, const std::string& text,
                                  double lo, double hi);
}  // namespace detail

namespace detail {
template <class Model, class Optimizer, class Scheduler>
void write_checkpoint(const std::filesystem::path& file, const Model& model, Optimizer& optimizer, std::size_t epoch,
                      Scheduler* scheduler, std::map<std::string, std::string> metadata) {
  auto records = io::detail::state_dict_records(model);
  for (auto& [name, view] : optimizer.state()) {
    const auto host = io::detail::host_copy<typename Model::backend>(view);
    records.push_back(detail::flat_record("optimizer." + name, {host.data(), view.shape}));
  }
  metadata["epoch"] = std::to_string(epoch);
  metadata["optimizer.steps"] = std::to_string(optimizer.steps());
  metadata["optimizer.lr"] = detail::format_double(optimizer.lr());
  metadata["generator"] = model.generator().state();
  if constexpr (!std::is_same_v<Scheduler, std::nullptr_t>)
    if (scheduler)
      for (const auto& [k, v] : scheduler->state()) metadata["scheduler." + k] = detail::format_double(v);
  io::write_safetensors(file, records, metadata);
}
}  // namespace detail

/// Saves model, optimizer and scheduler state (when given) atomically, as a safetensors file:
/// the model's state_dict, the optimizer's tensors as "optimizer.<name>", and the counters, the
/// random generator's state and `metadata` in the metadata.
template <class Model, class Optimizer, class Scheduler = std::nullptr_t>
void save_checkpoint(const std::filesystem::path& file, const Model& model, Optimizer& optimizer, std::size_t epoch,
                     Scheduler* scheduler = nullptr, std::map<std::string, std::string> metadata = {}) {
  if constexpr (optim::detail::require_checkpoint_optimizer<Optimizer>())
    detail::write_checkpoint(file, model, optimizer, epoch, scheduler, std::move(metadata));
}

namespace detail {
template <class Model, class Optimizer, class Scheduler>
checkpoint_info read_checkpoint(const std::filesystem::path& file, Model& model, Optimizer& optimizer,
                                Scheduler* scheduler, const std::function<void(const checkpoint_info&)>& check) {
  using B = typename Model::backend;
  const io::safetensors_file f = io::read_safetensors(file);
  const auto& meta = f.metadata;
  const auto model_values = io::detail::read_state_dict(model, f, file, {.strict = false});

  std::vector<std::vector<float>> optimizer_values;
  for (auto& [name, view] : optimizer.state()) {
    const io::tensor_record* r = f.find("optimizer." + name);
    if (!r || r->dtype != "F32" || r->numel() != view.size())
      throw data::format_error(file, "tensor 'optimizer." + name + "'",
                               std::string(r ? "has " + std::to_string(r->numel()) + " " + r->dtype + " values" : "missing") +
                                   ", expected " + std::to_string(view.size()) + " F32 values");
    optimizer_values.push_back(io::detail::as_floats(*r, file, false));
  }

  const checkpoint_info info{detail::count_field(file, meta, "epoch", max_checkpoint_epochs), meta};
  const std::size_t steps = detail::count_field(file, meta, "optimizer.steps", optim::detail::max_steps);
  const double lr = detail::number_field(file, "optimizer.lr", detail::field(file, meta, "optimizer.lr"),
                                               -3.4e38, 3.4e38);
  rng generator = model.generator();
  if (meta.count("generator") && !generator.set_state(meta.at("generator")))
    throw data::format_error(file, "__metadata__.generator",
                             "expected the generator state \"<4 x 16 hex digits> <8 hex digits> <0|1>\", got \"" +
                                 meta.at("generator") + "\"");
  optim::scheduler_state scheduler_values;
  for (const auto& [k, v] : meta)
    if (k.rfind("scheduler.", 0) == 0)
      scheduler_values.emplace_back(k.substr(10), detail::number_field(file, k, v, -INFINITY, INFINITY));
  if (check) check(info);

  // Everything checked; the scheduler (which sets the optimizer's lr) may still refuse its
  // state, so it goes first and is put back if it does.
  if constexpr (!std::is_same_v<Scheduler, std::nullptr_t>) {
    if (scheduler) {
      const auto before = scheduler->state();
      const double lr_before = optimizer.lr();
      try {
        scheduler->load_state(scheduler_values);
      } catch (const std::exception& e) {
        scheduler->load_state(before);
        optimizer.set_lr(lr_before);
        throw data::format_error(file, "__metadata__.scheduler.*", e.what());
      }
    }
  }
  io::detail::write_state_dict(model, model_values);
  std::size_t i = 0;
  for (auto& [name, view] : optimizer.state()) kernels::upload(B{}, optimizer_values[i].data(), view.data, view.size()), ++i;
  optimizer.set_steps(steps);
  optimizer.set_lr(lr);
  model.generator() = generator;
  return info;
}

}  // namespace detail

/// Restores what save_checkpoint wrote; the model and optimizer must have the same shapes.
/// All or nothing: everything is checked first. `check`, when given, sees the checked counters
/// and metadata before anything changes and may throw to refuse the file (the Trainer checks
/// its history there).
template <class Model, class Optimizer, class Scheduler = std::nullptr_t>
checkpoint_info load_checkpoint(const std::filesystem::path& file, Model& model, Optimizer& optimizer,
                                Scheduler* scheduler = nullptr,
                                const std::function<void(const checkpoint_info&)>& check = {}) {
  if constexpr (optim::detail::require_checkpoint_optimizer<Optimizer>())
    return detail::read_checkpoint(file, model, optimizer, scheduler, check);
  else
    return {};
}

}  // namespace lamina::train

#ifndef LAMINA_COMPILED_LIB
#include "checkpoint-inl.hpp"
#endif
