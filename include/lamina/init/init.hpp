#pragma once
// Weight initialisers with PyTorch's formulas (torch.nn.init): fans, gains, kaiming, xavier.
// Each initialiser is a small aggregate callable on a tensor view, so settings read like
// keyword arguments: init::kaiming_normal{.nonlinearity = init::nonlinearity::relu}(w, gen).
#include <cmath>
#include <stdexcept>
#include <string>

#include "../core/rng.hpp"
#include "../core/tensor.hpp"

namespace lamina::init {

/// The activation that follows a layer, which sets the initialisers' gain (the nonlinearity
/// argument of torch.nn.init.calculate_gain); conv, linear and identity all have gain 1.
enum class nonlinearity { linear, identity, conv, sigmoid, tanh, relu, leaky_relu, selu };
/// Which fan the Kaiming initialisers divide by: fan_in keeps the variance of the forward pass,
/// fan_out that of the backward pass (torch.nn.init's mode="fan_in" / "fan_out").
enum class fan_mode { fan_in, fan_out };

/// The gain that keeps the activations' scale through `nl`: 5/3 for tanh, sqrt(2) for relu,
/// sqrt(2 / (1 + param^2)) for leaky_relu (param: its negative slope), 3/4 for selu, else 1.
/// torch.nn.init.calculate_gain
inline float calculate_gain(nonlinearity nl, float param = 0.01f) {
  switch (nl) {
    case nonlinearity::tanh: return 5.0f / 3.0f;
    case nonlinearity::relu: return std::sqrt(2.0f);
    case nonlinearity::leaky_relu: return std::sqrt(2.0f / (1.0f + param * param));
    case nonlinearity::selu: return 3.0f / 4.0f;
    default: return 1.0f;  // linear, identity, conv, sigmoid
  }
}

/// The fans of a weight tensor [out, in, k...], as compute_fans returns them.
struct fans {
  /// Fan-in: the inputs that feed one output, in * prod(k).
  std::size_t in, out;  ///< Fan-out: the outputs that one input feeds, out * prod(k).
};
/// torch.nn.init._calculate_fan_in_and_fan_out: [out, in, k...] -> in * prod(k), out * prod(k).
inline fans compute_fans(const dims& shape) {
  if (shape.rank < 2)
    throw std::invalid_argument("lamina::init: fan in/out needs a tensor of rank >= 2, got shape " +
                                to_string(shape));
  std::size_t receptive = 1;
  for (std::size_t i = 2; i < shape.rank; ++i) receptive *= shape[i];
  return {shape[1] * receptive, shape[0] * receptive};
}

// Deterministic initialisers also take (and ignore) a generator, so all share one signature.
/// Fills a tensor with one value (torch.nn.init.constant_).
struct constant {
  float value = 0.f;  ///< The value every element gets.
  /// Sets every element of `w` to value.
  void operator()(TensorView w) const {
    for (float& v : w) v = value;
  }
  /// The same, with the generator every initialiser takes (unused).
  void operator()(TensorView w, rng&) const { (*this)(w); }
};
/// Fills a tensor with 0 (torch.nn.init.zeros_).
struct zeros {
  /// Sets every element of `w` to 0; the generator is unused.
  void operator()(TensorView w, rng&) const { constant{0.f}(w); }
};
/// Fills a tensor with 1 (torch.nn.init.ones_).
struct ones {
  /// Sets every element of `w` to 1; the generator is unused.
  void operator()(TensorView w, rng&) const { constant{1.f}(w); }
};

/// Draws from the uniform distribution U(a, b) (torch.nn.init.uniform_, default U(0, 1)).
struct uniform {
  /// Lower bound of the interval [a, b).
  float a = 0.f, b = 1.f;  ///< Upper bound of the interval [a, b).
  /// Draws every element of `w` from `gen`.
  void operator()(TensorView w, rng& gen) const {
    for (float& v : w) v = gen.uniform(a, b);
  }
};
/// Draws from the normal distribution N(mean, std^2) (torch.nn.init.normal_, default N(0, 1)).
struct normal {
  /// Mean of the distribution.
  float mean = 0.f, std = 1.f;  ///< Standard deviation (not the variance).
  /// Draws every element of `w` from `gen`.
  void operator()(TensorView w, rng& gen) const {
    for (float& v : w) v = gen.normal(mean, std);
  }
};

/// He initialisation, uniform (torch.nn.init.kaiming_uniform_): U(-bound, bound) with
/// bound = gain * sqrt(3 / fan), fan from mode and gain = calculate_gain(nonlinearity, a).
struct kaiming_uniform {
  float a = 0.f;  ///< Negative slope of leaky_relu (ignored by the other nonlinearities).
  fan_mode mode = fan_mode::fan_in;  ///< The fan to divide by: fan_in (default) or fan_out.
  init::nonlinearity nonlinearity = init::nonlinearity::leaky_relu;  ///< Sets the gain.
  /// Draws every element of `w` (rank >= 2, [out, in, k...]) from `gen`.
  void operator()(TensorView w, rng& gen) const {
    const fans f = compute_fans(w.shape);
    const float gain = calculate_gain(nonlinearity, a);
    const float bound = std::sqrt(3.0f) * gain / std::sqrt(float(mode == fan_mode::fan_in ? f.in : f.out));
    uniform{-bound, bound}(w, gen);
  }
};
/// He initialisation, normal (torch.nn.init.kaiming_normal_): N(0, std^2) with
/// std = gain / sqrt(fan), fan from mode and gain = calculate_gain(nonlinearity, a).
struct kaiming_normal {
  float a = 0.f;  ///< Negative slope of leaky_relu (ignored by the other nonlinearities).
  fan_mode mode = fan_mode::fan_in;  ///< The fan to divide by: fan_in (default) or fan_out.
  init::nonlinearity nonlinearity = init::nonlinearity::leaky_relu;  ///< Sets the gain.
  /// Draws every element of `w` (rank >= 2, [out, in, k...]) from `gen`.
  void operator()(TensorView w, rng& gen) const {
    const fans f = compute_fans(w.shape);
    const float std = calculate_gain(nonlinearity, a) / std::sqrt(float(mode == fan_mode::fan_in ? f.in : f.out));
    normal{0.f, std}(w, gen);
  }
};
/// Glorot initialisation, uniform (torch.nn.init.xavier_uniform_): U(-bound, bound) with
/// bound = gain * sqrt(6 / (fan_in + fan_out)).
struct xavier_uniform {
  float gain = 1.f;  ///< Scale factor, e.g. calculate_gain(nonlinearity::tanh).
  /// Draws every element of `w` (rank >= 2, [out, in, k...]) from `gen`.
  void operator()(TensorView w, rng& gen) const {
    const fans f = compute_fans(w.shape);
    const float bound = gain * std::sqrt(6.0f / float(f.in + f.out));
    uniform{-bound, bound}(w, gen);
  }
};
/// Glorot initialisation, normal (torch.nn.init.xavier_normal_): N(0, std^2) with
/// std = gain * sqrt(2 / (fan_in + fan_out)).
struct xavier_normal {
  float gain = 1.f;  ///< Scale factor, e.g. calculate_gain(nonlinearity::tanh).
  /// Draws every element of `w` (rank >= 2, [out, in, k...]) from `gen`.
  void operator()(TensorView w, rng& gen) const {
    const fans f = compute_fans(w.shape);
    normal{0.f, gain * std::sqrt(2.0f / float(f.in + f.out))}(w, gen);
  }
};

/// PyTorch's default for Linear/Conv: weight kaiming_uniform(a = sqrt(5)), i.e.
/// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
inline void pytorch_default(TensorView weight, TensorView bias, rng& weight_gen, rng& bias_gen) {
  kaiming_uniform{.a = std::sqrt(5.0f)}(weight, weight_gen);
  if (bias.data) {
    const float bound = 1.0f / std::sqrt(float(compute_fans(weight.shape).in));
    uniform{-bound, bound}(bias, bias_gen);
  }
}

}  // namespace lamina::init
