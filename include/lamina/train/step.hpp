#pragma once
// One training step, spelled out: forward, loss (writing dLoss/dOutput into the model),
// backward, optimizer update. Returns the batch loss. The loss runs on the model's backend
// (loss::evaluate), so the same call trains a Model<Net, In, lm::cuda>.

/// @namespace lamina::train
/// Training: one step (step), the Trainer loop with its callbacks, history and progress bar,
/// checkpoints, the learning-rate range test, TensorBoard logging and the energy report.
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "../loss/reduction.hpp"
#include "../optim/concepts.hpp"
#include "../core/backend.hpp"
#include "grad_scaler.hpp"

namespace lamina::train {

/// One training step (forward, loss, backward, optimizer step) in training mode; returns the
/// batch loss. `x` holds `batch` samples of the model's input shape (checked); `target` is what
/// the loss takes: class indices (one per sample) or a tensor shaped like the output. With a
/// grad_scaler (for fp16 autocast), the loss's gradient is scaled before backward and the
/// gradients unscaled after it; a step whose gradients are not finite is skipped, and the scale
/// updated either way.
template <class Model, class Loss, class Target, class Optimizer>
float step(Model& model, std::span<const float> x, std::size_t batch, const Target& target, const Loss& loss,
           Optimizer& optimizer, grad_scaler* scaler = nullptr) {
  if constexpr (!optim::detail::require_optimizer<Optimizer>()) {
    return 0.f;  // reported by name
  } else {
    optim::require_built_for(optimizer, model, "train::step");
    Model::check_input("train::step", x.size(), batch);
    if constexpr (std::is_convertible_v<const Target&, std::span<const std::int32_t>>) {
      const std::span<const std::int32_t> labels = target;
      if (labels.size() != batch)
        throw std::invalid_argument("lamina::train::step: got " + std::to_string(labels.size()) +
                                    " labels for a batch of " + std::to_string(batch) + ", expected one per sample");
    }
    model.train();
    const auto y = model.forward_unchecked(x.data(), batch);
    const float value = loss::evaluate(loss, backend_of_t<Model>{}, y, target, model.output_grad());
    if (scaler) scaler->scale_output_grad(model);
    model.backward();
    const bool finite = !scaler || scaler->unscale(model);
    if (finite) optimizer.step();
    if (scaler) scaler->update(finite);
    return value;
  }
}

/// step() with dynamic loss scaling (fp16 autocast): see grad_scaler.
template <class Model, class Loss, class Target, class Optimizer>
float step(Model& model, std::span<const float> x, std::size_t batch, const Target& target, const Loss& loss,
           Optimizer& optimizer, grad_scaler& scaler) {
  return step(model, x, batch, target, loss, optimizer, &scaler);
}

}  // namespace lamina::train
