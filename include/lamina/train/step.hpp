#pragma once
// One training step, spelled out: forward, loss (writing dLoss/dOutput into the model),
// backward, optimizer update. Returns the batch loss. The loss runs on the model's backend
// (loss::evaluate), so the same call trains a Model<Net, In, lm::cuda>.
#include <cstddef>

#include "../loss/reduction.hpp"
#include "../optim/state_buffer.hpp"

namespace lamina::train {

template <class Model, class Loss, class Target, class Optimizer>
float step(Model& model, const float* x, std::size_t batch, const Target& target, const Loss& loss,
           Optimizer& optimizer) {
  model.train();
  const auto y = model.forward(x, batch);
  const float value = loss::evaluate(loss, optim::detail::backend_of_t<Model>{}, y, target, model.output_grad());
  model.backward();
  optimizer.step();
  return value;
}

}  // namespace lamina::train
