#pragma once
// One training step, spelled out: forward, loss (writing dLoss/dOutput into the model),
// backward, optimizer update. Returns the batch loss.
#include <cstddef>

namespace lamina::train {

template <class Model, class Loss, class Target, class Optimizer>
float step(Model& model, const float* x, std::size_t batch, const Target& target, const Loss& loss,
           Optimizer& optimizer) {
  model.train();
  const auto y = model.forward(x, batch);
  const float value = loss(y, target, model.output_grad());
  model.backward();
  optimizer.step();
  return value;
}

}  // namespace lamina::train
