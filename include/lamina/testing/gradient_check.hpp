#pragma once
// lm::testing::check_gradients: compares a model's analytic gradients (parameters and input)
// with central finite differences, as dlib ships its gradient checker as a library feature.
// The scalar checked is L = sum_i r_i y_i for a fixed random r, so dL/dy = r exercises every
// output; L is accumulated in double to keep the finite differences clean.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../core/rng.hpp"
#include "../core/tensor.hpp"
#include "../kernels/kernels.hpp"

namespace lamina::testing {

/// Settings of check_gradients: the finite-difference step, the tolerances and which entries
/// are probed.
struct gradient_check_options {
  /// The finite-difference step h: numeric = (L(x + h) - L(x - h)) / (2 h).
  float epsilon = 1e-3f;
  /// Relative tolerance: an entry passes when |analytic - numeric| is at most
  /// atol + rtol * max(|analytic|, |numeric|).
  double rtol = 2e-2;
  double atol = 2e-3;  ///< Absolute tolerance, for gradients near 0 (see rtol).
  /// Entries probed per tensor: every entry of a tensor with at most this many, else this
  /// many drawn at random (with replacement).
  std::size_t max_checks_per_tensor = 24;
  bool check_input = true;  ///< Also check the gradient with respect to the input.
  std::uint64_t seed = 7;  ///< Seeds the random weights r of L = sum r_i y_i and the probe choice.
};

/// An entry whose analytic gradient disagrees with the finite difference.
struct gradient_mismatch {
  /// The parameter's name (as in named_parameters()) or "input".
  std::string tensor;
  std::size_t index;  ///< Flat index of the entry within the tensor.
  /// The gradient from the model's backward pass.
  double analytic, numeric;  ///< The central finite difference.
};

/// What check_gradients found: how many entries it checked and which of them disagreed.
struct gradient_check_result {
  std::size_t checked = 0;  ///< Entries probed, over all tensors.
  std::vector<gradient_mismatch> mismatches;  ///< The entries outside the tolerance, in order.
  /// The largest error relative to its tolerance (the check passes while it is at most 1).
  double max_error = 0;
  /// True when no entry is outside the tolerance.
  bool ok() const { return mismatches.empty(); }
  /// A summary for test output: the counts, then up to the first 8 mismatches.
  std::string report() const {
    std::string s = std::to_string(checked) + " entries checked, " + std::to_string(mismatches.size()) + " mismatched";
    for (std::size_t i = 0; i < std::min<std::size_t>(mismatches.size(), 8); ++i) {
      const auto& m = mismatches[i];
      s += "\n  " + m.tensor + "[" + std::to_string(m.index) + "]: analytic " + std::to_string(m.analytic) +
           ", numeric " + std::to_string(m.numeric);
    }
    return s;
  }
};

/// Compares `model`'s analytic gradients (parameters and, if asked, input) with central finite
/// differences of L = sum_i r_i y_i, and returns the entries that disagree.
/// `x_in` holds `batch` samples of the model's input shape (host memory; checked). The model may
/// be on any backend: values move between it and the host through the backend's copies.
template <class Model>
gradient_check_result check_gradients(Model& model, std::span<const float> x_in, std::size_t batch,
                                      const gradient_check_options& opt = {}) {
  using B = typename Model::backend;
  Model::check_input("testing::check_gradients", x_in.size(), batch);
  std::vector<float> x(x_in.begin(), x_in.end());  // probed in place
  rng gen(opt.seed);
  std::vector<float> r(batch * Model::output_size), y_host;
  for (float& v : r) v = gen.uniform(-1.f, 1.f);
  // Every evaluation restarts the model's generator, so stochastic layers (dropout) draw the
  // same mask each time and the finite differences see one deterministic function.
  const rng model_gen = model.generator();
  auto objective = [&] {
    model.generator() = model_gen;
    const auto y_out = model.forward_unchecked(x.data(), batch);
    const float* y = kernels::on_host(B{}, y_out.data, r.size(), y_host);
    double s = 0;
    for (std::size_t i = 0; i < r.size(); ++i) s += double(r[i]) * double(y[i]);
    return s;
  };

  model.compute_input_grad(opt.check_input);
  objective();
  kernels::upload(B{}, r.data(), model.output_grad().data, r.size());
  model.backward();
  std::vector<float> grads(Model::param_count), input_grad;
  kernels::download(B{}, model.gradients().data, grads.data(), grads.size());
  if (opt.check_input) {
    input_grad.resize(x.size());
    kernels::download(B{}, model.input_grad().data, input_grad.data(), x.size());
  }

  gradient_check_result result;
  // Probes entries of `n` values read by get(i) and written by set(i, v).
  auto probe = [&](const std::string& name, std::size_t n, const float* analytic, auto get, auto set) {
    for (std::size_t k = 0; k < std::min(n, opt.max_checks_per_tensor); ++k) {
      const std::size_t i = n <= opt.max_checks_per_tensor ? k : std::size_t(gen.below(n));
      const float saved = get(i);
      set(i, saved + opt.epsilon);
      const double up = objective();
      set(i, saved - opt.epsilon);
      const double down = objective();
      set(i, saved);
      const double numeric = (up - down) / (2.0 * double(opt.epsilon));
      const double a = analytic[i];
      const double bound = opt.atol + opt.rtol * std::max(std::abs(a), std::abs(numeric));
      result.max_error = std::max(result.max_error, std::abs(a - numeric) / bound);
      if (std::abs(a - numeric) > bound) result.mismatches.push_back({name, i, a, numeric});
      ++result.checked;
    }
  };
  const float* g0 = model.gradients().data;
  for (const auto& p : model.named_parameters()) {
    float* values = p.value.data;  // backend memory
    probe(p.name, p.value.size(), grads.data() + (p.grad.data - g0),
          [&](std::size_t i) {
            float v;
            kernels::download(B{}, values + i, &v, 1);
            return v;
          },
          [&](std::size_t i, float v) { kernels::upload(B{}, &v, values + i, 1); });
  }
  if (opt.check_input)
    probe("input", x.size(), input_grad.data(), [&](std::size_t i) { return x[i]; },
          [&](std::size_t i, float v) { x[i] = v; });
  model.compute_input_grad(false);
  return result;
}

}  // namespace lamina::testing
