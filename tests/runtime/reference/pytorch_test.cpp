// lamina against PyTorch: forward, losses, gradients and SGD steps compared with the reference
// values in tests/fixtures (written by tests/fixtures/make_fixtures.py with torch 2.15.0, float32).
// Tolerance: relative 1e-4 with an absolute floor of 1e-6.
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "runtime/fixture.hpp"
#include "runtime/reference/layer_reference.hpp"

namespace {

namespace lm = lamina;
using lamina_test::close_to;
using lamina_test::copy_into;
using lamina_test::fixture;
using lamina_test::values;

constexpr double kRel = 1e-4, kAbs = 1e-6;

std::string fixture_path(const char* file) { return std::string(LAMINA_TEST_FIXTURES) + "/" + file; }

lm::dims dims_of(const lamina_test::fixture_tensor<float>& t) {
  REQUIRE(t.shape.size() <= lm::max_rank);
  lm::dims d{};
  d.rank = t.shape.size();
  std::copy(t.shape.begin(), t.shape.end(), d.d.begin());
  return d;
}

lm::ConstTensorView view(const lamina_test::fixture_tensor<float>& t) { return {t.values.data(), dims_of(t)}; }

// Loads every parameter of `model` from the fixture tensor named by its state_dict name.
template <class M>
void load_parameters(M& model, const fixture& f) {
  for (const auto& p : model.named_parameters()) copy_into(p.value, f.tensor(p.name));
}

void check_scalar(float actual, const fixture& f, const std::string& name) {
  INFO(f.path() << ": " << name);
  REQUIRE_THAT(std::vector<float>{actual}, close_to(f.tensor(name), kRel, kAbs));
}

template <class V>
void check(const V& actual, const fixture& f, const std::string& name) {
  const auto& expected = f.tensor(name);
  INFO(f.path() << ": " << name);
  if constexpr (requires { actual.shape.rank; }) CHECK(lamina_test::shape_vector(actual.shape) == expected.shape);
  REQUIRE_THAT(values(actual), close_to(expected, kRel, kAbs));
}

// --- a. MLP ---------------------------------------------------------------------------------------

using MLP = lm::Sequential<lm::Flatten, lm::Linear<12, 16>, lm::ReLU, lm::Linear<16, 16>, lm::Tanh,
                           lm::Linear<16, 5>>;
using MLPModel = lm::Model<MLP, lm::Shape<3, 2, 2>>;

TEST_CASE("pytorch: MLP forward, cross-entropy and backward", "[pytorch]") {
  const fixture f(fixture_path("mlp_step.txt"));
  MLPModel model(7);
  std::vector<std::string> names;
  for (const auto& p : model.named_parameters()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"1.weight", "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"});
  load_parameters(model, f);

  const auto& x = f.tensor("x");
  const auto& target = f.itensor("target");
  REQUIRE(x.shape == std::vector<std::size_t>{8, 3, 2, 2});
  model.compute_input_grad(true);
  const auto logits = model.forward(view(x));
  check(logits, f, "logits");

  const float loss = lm::loss::CrossEntropy{}(logits, std::span<const std::int32_t>(target.values),
                                              model.output_grad());
  check_scalar(loss, f, "loss");
  check(model.output_grad(), f, "dlogits");

  model.backward();
  for (const auto& p : model.named_parameters()) check(p.grad, f, "grad." + p.name);
  check(model.input_grad(), f, "dx");
}

TEST_CASE("pytorch: MLP SGD steps (plain, momentum, nesterov, dampening)", "[pytorch]") {
  const fixture f(fixture_path("mlp_step.txt"));
  struct variant {
    const char* tag;
    lm::optim::sgd_options options;
  };
  const variant variants[] = {
      {"plain", {.lr = 0.1f, .momentum = 0.0f, .dampening = 0.0f, .weight_decay = 1e-2f, .nesterov = false}},
      {"momentum", {.lr = 0.1f, .momentum = 0.9f, .dampening = 0.0f, .weight_decay = 1e-2f, .nesterov = false}},
      {"nesterov", {.lr = 0.1f, .momentum = 0.9f, .dampening = 0.0f, .weight_decay = 1e-2f, .nesterov = true}},
      {"dampening", {.lr = 0.1f, .momentum = 0.9f, .dampening = 0.25f, .weight_decay = 1e-2f, .nesterov = false}},
  };
  const auto& x = f.tensor("x");
  const auto target = std::span<const std::int32_t>(f.itensor("target").values);
  for (const auto& v : variants) {
    DYNAMIC_SECTION(v.tag) {
      MLPModel model(7);
      load_parameters(model, f);
      lm::optim::SGD opt(model, v.options);
      for (int step = 1; step <= 2; ++step) {
        const std::string prefix = std::string(v.tag) + ".step" + std::to_string(step) + ".";
        const auto logits = model.forward(view(x));
        const float loss = lm::loss::CrossEntropy{}(logits, target, model.output_grad());
        check_scalar(loss, f, prefix + "loss");
        model.backward();
        opt.step();
        for (const auto& p : model.named_parameters()) check(p.value, f, prefix + p.name);
      }
    }
  }
}

// --- b. activations -------------------------------------------------------------------------------

template <class Act>
void check_activation(const fixture& f, const std::string& name) {
  lm::Model<Act, lm::Shape<6>> model;
  const auto& x = f.tensor("x");
  REQUIRE(x.shape == std::vector<std::size_t>{4, 6});
  model.compute_input_grad(true);
  check(model.forward(view(x)), f, name + ".y");
  copy_into(model.output_grad(), f.tensor("dy"));
  model.backward();
  check(model.input_grad(), f, name + ".dx");
}

TEST_CASE("pytorch: activations forward and backward", "[pytorch]") {
  const fixture f(fixture_path("activations.txt"));
  SECTION("ReLU") { check_activation<lm::ReLU>(f, "relu"); }
  SECTION("LeakyReLU (0.01)") { check_activation<lm::LeakyReLU>(f, "leaky_relu"); }
  SECTION("LeakyReLU (0.2)") { check_activation<lm::LeakyReLUOf<0.2f>>(f, "leaky_relu_0.2"); }
  SECTION("Sigmoid") { check_activation<lm::Sigmoid>(f, "sigmoid"); }
  SECTION("Tanh") { check_activation<lm::Tanh>(f, "tanh"); }
  SECTION("Softmax") { check_activation<lm::Softmax>(f, "softmax"); }
  SECTION("GELU") { check_activation<lm::GELU>(f, "gelu"); }
  SECTION("GELU (tanh)") { check_activation<lm::GELUTanh>(f, "gelu_tanh"); }
  SECTION("SiLU") { check_activation<lm::SiLU>(f, "silu"); }
  SECTION("ELU") { check_activation<lm::ELU>(f, "elu"); }
  SECTION("ELU (0.5)") { check_activation<lm::ELUOf<0.5f>>(f, "elu_0.5"); }
  SECTION("Softplus") { check_activation<lm::Softplus>(f, "softplus"); }
  SECTION("Softplus (2, 5)") { check_activation<lm::SoftplusOf<2.0f, 5.0f>>(f, "softplus_2_5"); }
}

// --- c. losses ------------------------------------------------------------------------------------

template <class Loss, class Target>
void check_loss(const fixture& f, const std::string& name, Loss loss, lm::ConstTensorView pred, Target target,
                bool batchmean = false) {
  using lm::loss::reduction;
  for (const auto r : {reduction::mean, reduction::sum, reduction::batchmean}) {
    if (r == reduction::batchmean && !batchmean) continue;
    const std::string prefix =
        name + (r == reduction::mean ? ".mean." : r == reduction::sum ? ".sum." : ".batchmean.");
    loss.reduce = r;
    std::vector<float> grad(pred.size(), -123.f);
    const float value = loss(pred, target, lm::TensorView{grad.data(), pred.shape});
    check_scalar(value, f, prefix + "loss");
    {
      INFO(f.path() << ": " << prefix << "grad");
      REQUIRE_THAT(grad, close_to(f.tensor(prefix + "grad"), kRel, kAbs));
    }
    // Without a gradient view the value is the same.
    CHECK(loss(pred, target) == value);
  }
}

TEST_CASE("pytorch: losses, mean and sum", "[pytorch]") {
  const fixture f(fixture_path("losses.txt"));
  const auto pred = view(f.tensor("reg.pred"));
  const auto target = view(f.tensor("reg.target"));
  SECTION("MSE") { check_loss(f, "mse", lm::loss::MSE{}, pred, target); }
  SECTION("L1") { check_loss(f, "l1", lm::loss::L1{}, pred, target); }
  SECTION("Huber delta 1") { check_loss(f, "huber1", lm::loss::Huber{.delta = 1.0f}, pred, target); }
  SECTION("Huber delta 0.5") { check_loss(f, "huber0.5", lm::loss::Huber{.delta = 0.5f}, pred, target); }
  const auto logits = view(f.tensor("ce.logits"));
  const auto labels = std::span<const std::int32_t>(f.itensor("ce.target").values);
  SECTION("CrossEntropy") { check_loss(f, "ce", lm::loss::CrossEntropy{}, logits, labels); }
  SECTION("CrossEntropy label_smoothing 0.1") {
    check_loss(f, "ce_ls0.1", lm::loss::CrossEntropy{.label_smoothing = 0.1f}, logits, labels);
  }
  SECTION("BCEWithLogits") {
    check_loss(f, "bce", lm::loss::BCEWithLogits{}, view(f.tensor("bce.logits")), view(f.tensor("bce.target")));
  }
  SECTION("SmoothL1 beta 1") { check_loss(f, "smooth_l1", lm::loss::SmoothL1{}, pred, target); }
  SECTION("SmoothL1 beta 0.3") { check_loss(f, "smooth_l1_0.3", lm::loss::SmoothL1{.beta = 0.3f}, pred, target); }
  SECTION("BCE on probabilities, logs clamped at -100") {
    check_loss(f, "bce_prob", lm::loss::BCE{}, view(f.tensor("bce.prob")), view(f.tensor("bce.target")));
  }
  const std::vector<float>& weight = f.tensor("class_weight").values;
  const std::int32_t ignore = labels[1];
  SECTION("CrossEntropy with class weights") {
    check_loss(f, "ce_weight", lm::loss::CrossEntropy{.weight = weight}, logits, labels);
  }
  SECTION("CrossEntropy with class weights, ignore_index and label_smoothing 0.2") {
    check_loss(f, "ce_weight_ignore_ls0.2",
               lm::loss::CrossEntropy{.label_smoothing = 0.2f, .weight = weight, .ignore_index = ignore}, logits, labels);
  }
  const auto probs = view(f.tensor("ce.probs"));
  SECTION("CrossEntropy on class probabilities") { check_loss(f, "ce_probs", lm::loss::CrossEntropy{}, logits, probs); }
  SECTION("CrossEntropy on class probabilities with weights and label_smoothing 0.1") {
    check_loss(f, "ce_probs_weight_ls0.1", lm::loss::CrossEntropy{.label_smoothing = 0.1f, .weight = weight}, logits,
               probs);
  }
  const auto logp = view(f.tensor("logp"));
  SECTION("NLL") { check_loss(f, "nll", lm::loss::NLL{}, logp, labels); }
  SECTION("NLL with class weights and ignore_index") {
    check_loss(f, "nll_weight_ignore", lm::loss::NLL{.weight = weight, .ignore_index = ignore}, logp, labels);
  }
  SECTION("KLDiv: mean, sum, batchmean") { check_loss(f, "kl_div", lm::loss::KLDiv{}, logp, probs, true); }
  SECTION("KLDiv with log targets") {
    check_loss(f, "kl_div_log_target", lm::loss::KLDiv{.log_target = true}, logp,
               view(f.tensor("kl_div_log_target.target")), true);
  }
}

TEST_CASE("Losses reject bad arguments with a sentence", "[losses]") {
  std::vector<float> x(12, 0.5f);
  const lm::ConstTensorView pred{x.data(), lm::make_dims(3, 4)};
  const std::vector<std::int32_t> t{0, 3, 5};
  CHECK_THROWS_WITH(lm::loss::CrossEntropy{}(pred, t),
                    Catch::Contains("target 2 is 5, expected a class index in [0, 4) or ignore_index (-100)"));
  const lm::loss::NLL two_weights{.weight = {1.f, 2.f}};
  const std::vector<std::int32_t> in_range{0, 1, 2};
  CHECK_THROWS_WITH(two_weights(pred, in_range), Catch::Contains("weight has 2 values, expected one per class (4)"));
  CHECK_NOTHROW(lm::loss::CrossEntropy{.ignore_index = 5}(pred, t));
  std::vector<float> bad = x;
  bad[7] = 1.5f;
  CHECK_THROWS_WITH(lm::loss::BCE{}(lm::ConstTensorView{bad.data(), pred.shape}, pred),
                    Catch::Contains("input 7 is 1.5") && Catch::Contains("BCEWithLogits"));
  CHECK_THROWS_WITH(lm::loss::SmoothL1{.beta = -1.f}(pred, pred), Catch::Contains("beta is -1"));
}

// --- d. Linear with leading dimensions --------------------------------------------------------------

template <class Lin>
void check_linear(const fixture& f, const std::string& tag) {
  lm::Model<Lin, lm::Shape<4, 7>> model(3);
  // A lone layer is named as PyTorch names a bare module: "weight", "bias".
  copy_into(model.parameter("weight"), f.tensor(tag + ".weight"));
  const bool has_bias = model.named_parameters().size() > 1;
  if (has_bias) copy_into(model.parameter("bias"), f.tensor(tag + ".bias"));
  model.compute_input_grad(true);
  const auto y = model.forward(view(f.tensor("x")));
  REQUIRE(lamina_test::shape_vector(y.shape) == std::vector<std::size_t>{2, 4, 3});
  check(y, f, tag + ".y");
  copy_into(model.output_grad(), f.tensor("dy"));
  model.backward();
  check(model.gradient("weight"), f, tag + ".grad.weight");
  if (has_bias) check(model.gradient("bias"), f, tag + ".grad.bias");
  check(model.input_grad(), f, tag + ".dx");
}

TEST_CASE("pytorch: Linear on the last of several dimensions", "[pytorch]") {
  const fixture f(fixture_path("linear.txt"));
  SECTION("with bias") { check_linear<lm::Linear<7, 3>>(f, "bias"); }
  SECTION("without bias") { check_linear<lm::Linear<7, 3, false>>(f, "nobias"); }
}

}  // namespace
