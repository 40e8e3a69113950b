#pragma once
// Dynamic loss scaling for fp16 autocast, as torch.amp.GradScaler. fp16 has no values between
// 0 and 2^-24, so small gradients round to zero; multiplying the loss (and so every gradient)
// by a large scale keeps them representable. After backward the gradients are divided by the
// scale again; a step whose gradients overflowed (inf/NaN) is skipped and the scale halved, and
// after `growth_interval` good steps in a row the scale doubles.
//   lm::train::grad_scaler scaler;
//   model.autocast(lm::precision::fp16);
//   const float l = lm::train::step(model, x, batch, labels, loss, opt, scaler);
// bf16 keeps fp32's exponent range and needs no scaling.
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

#include "../core/backend.hpp"
#include "../kernels/kernels.hpp"

namespace lamina::train {

/// torch.amp.GradScaler's arguments, with its defaults.
struct grad_scaler_options {
  double init_scale = 65536.0;     ///< the first scale (2^16)
  double growth_factor = 2.0;      ///< the scale's factor after growth_interval good steps (> 1)
  double backoff_factor = 0.5;     ///< the scale's factor after a step with inf/NaN gradients (in (0, 1))
  std::size_t growth_interval = 2000;  ///< good steps in a row before the scale grows (>= 1)
};

/// The loss scale and its update rule (torch.amp.GradScaler); see the file's comment.
class grad_scaler {
 public:
  /// Checks the options; throws std::invalid_argument naming the one out of range.
  explicit grad_scaler(grad_scaler_options options = {}) : o_(options), scale_(float(options.init_scale)) {
    auto fail = [](const char* field, double v, const char* expected) {
      throw std::invalid_argument(std::string("lamina::train::grad_scaler: grad_scaler_options::") + field +
                                  " is " + std::to_string(v) + ", expected " + expected);
    };
    if (!(o_.init_scale > 0 && std::isfinite(float(o_.init_scale)))) fail("init_scale", o_.init_scale, "a finite value > 0");
    if (!(o_.growth_factor > 1 && std::isfinite(o_.growth_factor))) fail("growth_factor", o_.growth_factor, "a finite value > 1");
    if (!(o_.backoff_factor > 0 && o_.backoff_factor < 1)) fail("backoff_factor", o_.backoff_factor, "a value in (0, 1)");
    if (o_.growth_interval == 0) fail("growth_interval", 0, ">= 1");
  }

  /// The current loss scale.
  float scale() const { return scale_; }
  /// Good steps in a row since the scale last changed.
  std::size_t growth_tracker() const { return tracker_; }
  /// Restores scale() and growth_tracker() (from a checkpoint).
  void set_state(float scale, std::size_t growth_tracker) {
    if (!(scale > 0 && std::isfinite(scale)))
      throw std::invalid_argument("lamina::train::grad_scaler::set_state: scale is " + std::to_string(scale) +
                                  ", expected a finite value > 0");
    scale_ = scale;
    tracker_ = growth_tracker;
  }

  /// Multiplies dLoss/dOutput (written by the loss) by the scale: the gradient of the scaled
  /// loss. Call between the loss and model.backward().
  template <class Model>
  void scale_output_grad(Model& model) const {
    const auto g = model.output_grad();
    kernels::map(backend_of_t<Model>{}, g.size(), g.data, kernels::fn::scale{scale_}, g.data);
  }

  /// Divides every parameter gradient by the scale (multiplies by its fp32 reciprocal, as
  /// PyTorch); returns whether they are all finite, i.e. whether the optimizer may step.
  /// Call after model.backward() and before clipping and optimizer.step().
  template <class Model>
  bool unscale(Model& model) const {
    using B = backend_of_t<Model>;
    const auto g = model.gradients();
    const float inv = float(1.0 / double(scale_));
    kernels::map(B{}, g.size(), g.data, kernels::fn::scale{inv}, g.data);
    return kernels::all_finite(B{}, g.data, g.size());
  }

  /// After each step: halves (backoff_factor) the scale when the gradients were not finite,
  /// else doubles it (growth_factor) after growth_interval finite steps in a row.
  void update(bool gradients_finite) {
    if (!gradients_finite) {
      scale_ = float(double(scale_) * o_.backoff_factor);
      tracker_ = 0;
    } else if (++tracker_ == o_.growth_interval) {
      const float grown = float(double(scale_) * o_.growth_factor);
      if (std::isfinite(grown)) scale_ = grown;  // PyTorch keeps the scale when it would overflow
      tracker_ = 0;
    }
  }

  /// The options it was made with.
  const grad_scaler_options& options() const { return o_; }

 private:
  grad_scaler_options o_;
  float scale_;
  std::size_t tracker_ = 0;
};

}  // namespace lamina::train
