#pragma once
// Training checkpoints: the model's state_dict (loadable by PyTorch as it is, with strict=False
// or after dropping the "optimizer." and "scheduler." keys), the optimizer's state tensors as
// "optimizer.<name>", and counters (epoch, optimizer steps, scheduler state) in the metadata.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "../core/config.hpp"
#include "../io/model_file.hpp"
#include "../optim/concepts.hpp"
#include "../optim/lr_scheduler.hpp"

namespace lamina::train {

struct checkpoint_info {
  std::size_t epoch = 0;
  std::map<std::string, std::string> metadata;
};

namespace detail {
LAMINA_INLINE io::tensor_record flat_record(const std::string& name, ConstTensorView v);
LAMINA_INLINE std::string format_double(double v);
}  // namespace detail

// Saves model, optimizer (when given) and scheduler state (when given) atomically.
template <class Model, class Optimizer, class Scheduler = std::nullptr_t>
void save_checkpoint(const std::filesystem::path& file, const Model& model, Optimizer& optimizer, std::size_t epoch,
                     Scheduler* scheduler = nullptr, std::map<std::string, std::string> metadata = {}) {
  auto records = io::detail::state_dict_records(model);
  for (auto& [name, view] : optimizer.state()) records.push_back(detail::flat_record("optimizer." + name, view));
  metadata["epoch"] = std::to_string(epoch);
  metadata["optimizer.steps"] = std::to_string(optimizer.steps());
  metadata["optimizer.lr"] = detail::format_double(optimizer.lr());
  if constexpr (!std::is_same_v<Scheduler, std::nullptr_t>)
    if (scheduler)
      for (const auto& [k, v] : scheduler->state()) metadata["scheduler." + k] = detail::format_double(v);
  io::write_safetensors(file, records, metadata);
}

// Restores what save_checkpoint wrote; the model and optimizer must have the same shapes.
template <class Model, class Optimizer, class Scheduler = std::nullptr_t>
checkpoint_info load_checkpoint(const std::filesystem::path& file, Model& model, Optimizer& optimizer,
                                Scheduler* scheduler = nullptr) {
  auto meta = io::load(model, file, {.strict = false});
  const auto f = io::read_safetensors(file);
  for (auto& [name, view] : optimizer.state()) {
    const io::tensor_record* r = f.find("optimizer." + name);
    if (!r || r->dtype != "F32" || r->numel() != view.size())
      throw data::format_error(file, "tensor 'optimizer." + name + "'",
                               std::string(r ? "has " + std::to_string(r->numel()) + " " + r->dtype + " values" : "missing") +
                                   ", expected " + std::to_string(view.size()) + " F32 values");
    if (view.size()) std::memcpy(view.data, r->data.data(), view.size() * 4);
  }
  auto number = [&](const std::string& key) {
    auto it = meta.find(key);
    if (it == meta.end()) throw data::format_error(file, "__metadata__." + key, "missing");
    try {
      return std::stod(it->second);
    } catch (const std::exception&) {
      throw data::format_error(file, "__metadata__." + key, "expected a number, got \"" + it->second + "\"");
    }
  };
  if constexpr (requires { optimizer.set_steps(std::size_t{}); }) optimizer.set_steps(std::size_t(number("optimizer.steps")));
  optimizer.set_lr(number("optimizer.lr"));
  if constexpr (!std::is_same_v<Scheduler, std::nullptr_t>) {
    if (scheduler) {
      optim::scheduler_state s;
      for (const auto& [k, v] : meta)
        if (k.rfind("scheduler.", 0) == 0) s.emplace_back(k.substr(10), std::stod(v));
      scheduler->load_state(s);
    }
  }
  return {std::size_t(number("epoch")), meta};
}

}  // namespace lamina::train

#ifndef LAMINA_COMPILED_LIB
#include "checkpoint-inl.hpp"
#endif
