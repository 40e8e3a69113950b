#pragma once
// lm::testing::find_nonfinite: where does the first NaN or infinity come from? Like PyTorch's
// anomaly detection, it reruns one batch layer by layer (each top-level layer as a model of
// its own, with the network's weights and its random generator) and reports the first input,
// weight, output or, given dLoss/dOutput, gradient that is not finite. The model is not changed.
//
//   const auto r = lm::testing::find_nonfinite(model, batch.x, batch.size);
//   if (r.found) std::puts(r.message().c_str());   // "layer 3 (Linear): output has 12 NaN/inf values"
#include <cmath>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/model.hpp"
#include "../kernels/kernels.hpp"

namespace lamina::testing {

/// Where find_nonfinite met the first NaN or infinity (found is false when every value is
/// finite).
struct nonfinite_report {
  bool found = false;  ///< Whether a non-finite value was found; the other fields say where.
  /// What held it: "input", "parameter", "buffer", "output", "parameter gradient" or
  /// "input gradient".
  std::string quantity;
  /// The tensor's state_dict name ("2.weight"), for parameters, buffers and their gradients;
  /// empty otherwise.
  std::string tensor;
  /// Index of the top-level layer where it was found (unused for "input").
  std::size_t layer = 0;
  /// That layer's type name, e.g. "Linear".
  std::string layer_name;
  /// How many values of that tensor are NaN or infinite.
  std::size_t count = 0;
  /// Flat index of the first of them.
  std::size_t first = 0;
  /// One line for a log, e.g. "layer 3 (Linear): output has 12 NaN/inf values (first at index
  /// 40)", or "every value is finite".
  std::string message() const {
    if (!found) return "every value is finite";
    std::string where = quantity == "input" && layer_name.empty()
                            ? std::string("the input")
                            : "layer " + std::to_string(layer) + " (" + layer_name + "): " + quantity;
    if (!tensor.empty()) where += " '" + tensor + "'";
    return where + " has " + std::to_string(count) + " NaN/inf values (first at index " + std::to_string(first) + ")";
  }
};

namespace detail {
// Fills `r` (and returns true) when `v` holds a non-finite value.
inline bool scan(std::span<const float> v, nonfinite_report& r) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) {
      if (!r.count++) r.first = i;
    }
  return r.found = r.count > 0;
}
// Child I of Model's network as a Model of its own (same backend), on the input it receives.
template <class Model, std::size_t I>
struct layer_model_of {
  using Net = typename Model::network;
  static constexpr dims in = Net::shapes(Model::input_shape::value)[I];
  using type = typename Model::template rebind<typename Net::template layer<I>, shape_of<in>>;
};
template <class Backend>
std::vector<float> host(const float* p, std::size_t n) {
  std::vector<float> h(n);
  kernels::download(Backend{}, p, h.data(), n);
  return h;
}
}  // namespace detail

/// Reruns one batch through `model` layer by layer and reports the first input, weight,
/// output or (with `output_grad`) gradient that holds a NaN or infinity; the model is unchanged.
/// `x` holds `batch` samples of the model's input shape; `output_grad` (optional) is
/// dLoss/dOutput for that batch, which adds the backward pass to the search.
template <class Model>
nonfinite_report find_nonfinite(Model& model, std::span<const float> x, std::size_t batch,
                                std::span<const float> output_grad = {}) {
  using Net = typename Model::network;
  using B = typename Model::backend;
  Model::check_input("testing::find_nonfinite", x.size(), batch);
  if (!output_grad.empty() && output_grad.size() != batch * Model::output_size)
    throw std::invalid_argument("lamina::testing::find_nonfinite: output_grad has " + std::to_string(output_grad.size()) +
                                " values, expected " + std::to_string(batch * Model::output_size));
  nonfinite_report r;
  if (detail::scan(x, r)) return r.quantity = "input", r;

  std::vector<std::vector<float>> inputs{std::vector<float>(x.begin(), x.end())};
  std::vector<rng> generators;
  const auto all_params = model.parameters();
  const auto all_state = model.state();
  // Layer I as a model of its own, holding the network's values of its parameters and buffers.
  auto layer_model = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
    using Sub = typename detail::layer_model_of<Model, I>::type;
    auto sub = std::make_unique<Sub>();
    kernels::copy(B{}, all_params.data + Net::param_offsets[I], sub->parameters().data, Sub::param_count);
    kernels::copy(B{}, all_state.data + Net::state_offsets[I], sub->state().data, Sub::state_count);
    sub->train(model.is_training());
    return sub;
  };
  auto fail = [&](std::size_t layer, std::string_view name, std::string quantity, std::string tensor) {
    r.layer = layer;
    r.layer_name = std::string(name);
    r.quantity = std::move(quantity);
    r.tensor = std::move(tensor);
    return true;
  };
  auto prefixed = [](std::size_t layer, const std::string& name) { return std::to_string(layer) + "." + name; };

  // Forward: each layer's weights, then its output.
  rng gen = model.generator();
  bool done = [&]<std::size_t... I>(std::index_sequence<I...>) {
    return ([&] {
      using L = typename Net::template layer<I>;
      auto sub = layer_model(std::integral_constant<std::size_t, I>{});
      for (const auto& p : sub->named_parameters())
        if (detail::scan(detail::host<B>(p.value.data, p.value.size()), r)) return fail(I, L::name, "parameter", prefixed(I, p.name));
      for (const auto& b : sub->named_buffers())
        if (detail::scan(detail::host<B>(b.value.data, b.value.size()), r)) return fail(I, L::name, "buffer", prefixed(I, b.name));
      generators.push_back(gen);
      sub->generator() = gen;
      const auto y = sub->forward(inputs.back(), batch);
      gen = sub->generator();
      inputs.push_back(detail::host<B>(y.data, y.size()));
      return detail::scan(inputs.back(), r) && fail(I, L::name, "output", "");
    }() || ...);
  }(std::make_index_sequence<Net::depth>{});
  if (done || output_grad.empty()) return r;

  // Backward, from the last layer: its parameter gradients, then the gradient it passes on.
  std::vector<float> dy(output_grad.begin(), output_grad.end());
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    (([&] {
       constexpr std::size_t I = Net::depth - 1 - J;
       using L = typename Net::template layer<I>;
       auto sub = layer_model(std::integral_constant<std::size_t, I>{});
       sub->compute_input_grad(true);
       sub->generator() = generators[I];
       sub->forward(inputs[I], batch);
       kernels::upload(B{}, dy.data(), sub->output_grad().data, dy.size());
       sub->backward();
       for (const auto& p : sub->named_parameters())
         if (detail::scan(detail::host<B>(p.grad.data, p.grad.size()), r))
           return fail(I, L::name, "parameter gradient", prefixed(I, p.name));
       const auto dx = sub->input_grad();
       dy = detail::host<B>(dx.data, dx.size());
       return detail::scan(dy, r) && fail(I, L::name, "input gradient", "");
     }()) || ...);
  }(std::make_index_sequence<Net::depth>{});
  return r;
}

}  // namespace lamina::testing
