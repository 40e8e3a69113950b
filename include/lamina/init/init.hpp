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

enum class nonlinearity { linear, identity, conv, sigmoid, tanh, relu, leaky_relu, selu };
enum class fan_mode { fan_in, fan_out };

// torch.nn.init.calculate_gain
inline float calculate_gain(nonlinearity nl, float param = 0.01f) {
  switch (nl) {
    case nonlinearity::tanh: return 5.0f / 3.0f;
    case nonlinearity::relu: return std::sqrt(2.0f);
    case nonlinearity::leaky_relu: return std::sqrt(2.0f / (1.0f + param * param));
    case nonlinearity::selu: return 3.0f / 4.0f;
    default: return 1.0f;  // linear, identity, conv, sigmoid
  }
}

struct fans {
  std::size_t in, out;
};
// torch.nn.init._calculate_fan_in_and_fan_out: [out, in, k...] -> in * prod(k), out * prod(k).
inline fans compute_fans(const dims& shape) {
  if (shape.rank < 2)
    throw std::invalid_argument("lamina::init: fan in/out needs a tensor of rank >= 2, got shape " +
                                to_string(shape));
  std::size_t receptive = 1;
  for (std::size_t i = 2; i < shape.rank; ++i) receptive *= shape[i];
  return {shape[1] * receptive, shape[0] * receptive};
}

// Deterministic initialisers also take (and ignore) a generator, so all share one signature.
struct constant {
  float value = 0.f;
  void operator()(TensorView w) const {
    for (float& v : w) v = value;
  }
  void operator()(TensorView w, rng&) const { (*this)(w); }
};
struct zeros {
  void operator()(TensorView w, rng&) const { constant{0.f}(w); }
};
struct ones {
  void operator()(TensorView w, rng&) const { constant{1.f}(w); }
};

struct uniform {
  float a = 0.f, b = 1.f;
  void operator()(TensorView w, rng& gen) const {
    for (float& v : w) v = gen.uniform(a, b);
  }
};
struct normal {
  float mean = 0.f, std = 1.f;
  void operator()(TensorView w, rng& gen) const {
    for (float& v : w) v = gen.normal(mean, std);
  }
};

struct kaiming_uniform {
  float a = 0.f;
  fan_mode mode = fan_mode::fan_in;
  init::nonlinearity nonlinearity = init::nonlinearity::leaky_relu;
  void operator()(TensorView w, rng& gen) const {
    const fans f = compute_fans(w.shape);
    const float gain = calculate_gain(nonlinearity, a);
    const float bound = std::sqrt(3.0f) * gain / std::sqrt(float(mode == fan_mode::fan_in ? f.in : f.out));
    uniform{-bound, bound}(w, gen);
  }
};
struct kaiming_normal {
  float a = 0.f;
  fan_mode mode = fan_mode::fan_in;
  init::nonlinearity nonlinearity = init::nonlinearity::leaky_relu;
  void operator()(TensorView w, rng& gen) const {
    const fans f = compute_fans(w.shape);
    const float std = calculate_gain(nonlinearity, a) / std::sqrt(float(mode == fan_mode::fan_in ? f.in : f.out));
    normal{0.f, std}(w, gen);
  }
};
struct xavier_uniform {
  float gain = 1.f;
  void operator()(TensorView w, rng& gen) const {
    const fans f = compute_fans(w.shape);
    const float bound = gain * std::sqrt(6.0f / float(f.in + f.out));
    uniform{-bound, bound}(w, gen);
  }
};
struct xavier_normal {
  float gain = 1.f;
  void operator()(TensorView w, rng& gen) const {
    const fans f = compute_fans(w.shape);
    normal{0.f, gain * std::sqrt(2.0f / float(f.in + f.out))}(w, gen);
  }
};

// PyTorch's default for Linear/Conv: weight kaiming_uniform(a = sqrt(5)), i.e.
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
inline void pytorch_default(TensorView weight, TensorView bias, rng& weight_gen, rng& bias_gen) {
  kaiming_uniform{.a = std::sqrt(5.0f)}(weight, weight_gen);
  if (bias.data) {
    const float bound = 1.0f / std::sqrt(float(compute_fans(weight.shape).in));
    uniform{-bound, bound}(bias, bias_gen);
  }
}

}  // namespace lamina::init
