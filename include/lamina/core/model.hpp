#pragma once
// Model<Net, InShape, Backend>: the run-time state of a network on a backend. Parameters and
// gradients are each one packed buffer (state_dict order), so optimizers update them with a
// single vector loop; activations and workspace are planned once per batch size, after which
// a training step allocates nothing.
#include <algorithm>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "autocast.hpp"
#include "backend_check.hpp"
#include "buffer.hpp"
#include "frozen.hpp"
#include "layer_walk.hpp"
#include "layer.hpp"
#include "rng.hpp"
#include "sequential.hpp"
#include "shape_check.hpp"
#include "summary.hpp"
#include "tensor.hpp"

namespace lamina {

/// One parameter tensor: its state_dict name, its values and its gradient.
struct named_parameter {
  std::string name;  ///< state_dict name, e.g. "0.weight"
  TensorView value;  ///< the values (backend memory)
  TensorView grad;   ///< the gradient of the last backward (backend memory)
};

/// One buffer tensor (non-trained state): its state_dict name and its values.
struct named_buffer {
  std::string name;  ///< state_dict name, e.g. "1.running_mean"
  TensorView value;  ///< the values (backend memory)
  bool integral;     ///< an integer tensor in PyTorch (e.g. num_batches_tracked)
};

/// The run-time state of network Net for samples of InShape on Backend (cpu or cuda): packed
/// parameters, gradients and buffers in PyTorch's state_dict order, and the activations and
/// workspace of the planned batch size. The counterpart of an nn.Module instance.
template <Layer Net, ShapeType InShape, class Backend = cpu>
class Model {
 public:
  /// Net as a Sequential (a bare layer is wrapped in one).
  using network = std::conditional_t<is_sequential_v<Net>, Net, Sequential<Net>>;
  using input_shape = InShape;                               ///< The shape of one input sample.
  using output_shape = output_shape_t<network, InShape>;     ///< The shape of one output sample.
  /// The same kind of model for another network or input (lm::testing uses it per layer).
  template <Layer OtherNet, ShapeType OtherIn>
  using rebind = Model<OtherNet, OtherIn, Backend>;
  /// Whether every layer accepts the shape that reaches it (otherwise the first that does not
  /// is reported at compile time).
  static constexpr bool valid = lamina::output_shape<network, InShape>::valid;
  /// Whether every layer has a forward/backward for Backend in this translation unit. If not,
  /// the first without is reported (LAMINA_NO_KERNEL, core/backend_check.hpp) and the model
  /// stands in as a CPU model that runs nothing, so that the rest of the program compiles silently.
  static constexpr bool has_kernels = detail::check_kernels<network, Backend, InShape::value>();
  using backend = std::conditional_t<has_kernels, Backend, cpu>;  ///< The backend tag it runs on.
  static constexpr std::size_t param_count = network::param_count;  ///< Number of parameters.
  static constexpr std::size_t state_count = network::state_count;  ///< Floats of buffers.
  static constexpr std::size_t input_size = InShape::size;           ///< Floats per input sample.
  static constexpr std::size_t output_size = output_shape::size;     ///< Floats per output sample.
  /// Floats of workspace per sample (kept from forward to backward).
  static constexpr std::size_t workspace_per_sample =
      valid ? network::template workspace_per_sample<Backend>(InShape::value) : 0;
  /// Scratch for autocast (see autocast()): enough for the largest call of an autocasting layer.
  static constexpr autocast_scratch autocast_need = [] {
    autocast_scratch need{};
    if constexpr (valid) {
      auto visit = [&need]<class L>(std::type_identity<L>, dims in) {
        if constexpr (layer_traits::autocasts<L>()) {
          need.per_sample = std::max(need.per_sample, in.size() + L::output(in).size());
          need.fixed = std::max(need.fixed, L::param_count);
        }
      };
      detail::for_each_leaf<network, InShape::value>(visit);
    }
    return need;
  }();

  /// A model with PyTorch's default initialisation from `seed` (see reset_parameters), in
  /// training mode.
  explicit Model(std::uint64_t seed = 0)
      : params_(param_count), grads_(param_count), state_(state_count), gen_(seed) {
    // Named after Net itself: a bare layer's tensors are "weight", not "0.weight".
    layer_traits::for_each_parameter<Net>("", 0, [&](const std::string& name, const dims& shape, std::size_t off) {
      named_.push_back({name, {params_.data() + off, shape}, {grads_.data() + off, shape}});
    });
    layer_traits::for_each_buffer<Net>("", 0, [&](const std::string& name, const param_spec& spec, std::size_t off) {
      named_buffers_.push_back({name, {state_.data() + off, spec.shape}, spec.integral});
    });
    reset_parameters(seed);
  }
  Model(const Model&) = delete;  // views into buffers would dangle
  Model& operator=(const Model&) = delete;

  /// PyTorch's default initialisation from `seed`; each tensor draws from its own named stream.
  void reset_parameters(std::uint64_t seed) {
    std::vector<float> host(param_count);
    network::reset_parameters(host.data(), rng(seed));
    kernels::upload(backend{}, host.data(), params_.data(), param_count);
    host.assign(state_count, 0.f);
    network::reset_state(host.data(), rng(seed).fork("state"));
    kernels::upload(backend{}, host.data(), state_.data(), state_count);
    gen_.reseed(seed ^ 0x5eedf00dull);
  }

  /// Sizes every batch-dependent buffer; forward() calls it when the batch size grows.
  void plan(std::size_t batch) {
    if (batch == planned_) return;
    input_.resize(batch * input_size);
    output_.resize(batch * output_size);
    output_grad_.resize(batch * output_size);
    input_grad_.resize(want_input_grad_ ? batch * input_size : 0);
    workspace_.resize(batch * workspace_per_sample);
    autocast_scratch_.resize(autocast_ == precision::fp32 ? 0 : autocast_need.floats(batch));
    planned_ = batch;
  }
  /// The batch size the buffers are sized for (0 before the first forward).
  std::size_t planned_batch() const { return planned_; }

  /// Runs the network on `batch` samples of InShape from host memory; returns the output
  /// [batch, out...] in backend memory. `x` must hold exactly batch * input_size floats (a
  /// std::vector<float>, a Tensor or a loader's batch converts); it is copied, so it need not
  /// outlive the call.
  ConstTensorView forward(std::span<const float> x, std::size_t batch) {
    check_input("forward", x.size(), batch);
    return forward_unchecked(x.data(), batch);
  }
  /// The same from a view whose shape must be [batch, InShape...] (or flat batch * size).
  ConstTensorView forward(ConstTensorView x) {
    const std::size_t batch = x.rank() ? x.shape[0] : 0;
    bool ok = x.rank() == InShape::rank + 1 || (x.rank() == 2 && x.shape[1] == input_size);
    for (std::size_t i = 0; ok && x.rank() == InShape::rank + 1 && i < InShape::rank; ++i)
      ok = x.shape[i + 1] == InShape::value[i];
    if (!ok)
      throw std::invalid_argument("lamina::Model::forward: input shape " + to_string(x.shape) +
                                  " does not match [batch] + " + InShape::str());
    return forward({x.data, x.size()}, batch);
  }
  /// forward() without the size check, for callers that have checked it themselves: reads
  /// batch * input_size floats from `x`, whatever it points to.
  ConstTensorView forward_unchecked(const float* x, std::size_t batch) {
    if constexpr (valid && has_kernels) {
      plan(batch);
      batch_ = batch;
      forward_training_ = training_;
      forward_cast_ = {autocast_, autocast_scratch_.data()};
      kernels::upload(backend{}, x, input_.data(), batch * input_size);
      network::template forward<InShape::value>(
          backend{}, forward_args{.x = input_.data(), .y = output_.data(), .params = params_.data(),
                                  .state = state_.data(), .workspace = workspace_.data(),
                                  .batch = batch, .training = training_, .gen = &gen_,
                                  .cast = forward_cast_});
    }
    return output();
  }

  /// Throws unless `floats` is `batch` (>= 1) samples of InShape; `who` names the caller.
  static void check_input(const char* who, std::size_t floats, std::size_t batch) {
    if (batch == 0)
      throw std::invalid_argument(std::string("lamina::") + who + ": a batch of 0 samples (input shape " +
                                  InShape::str() + "); pass at least one sample");
    if (floats != batch * input_size)
      throw std::invalid_argument(std::string("lamina::") + who + ": got " + std::to_string(floats) +
                                  " input values for a batch of " + std::to_string(batch) + ", expected " +
                                  std::to_string(batch * input_size) + " (" + std::to_string(batch) + " x " +
                                  std::to_string(input_size) + ", input shape " + InShape::str() + ")");
  }

  /// The outputs for every sample in `x` (a whole number of InShape samples), in evaluation
  /// mode and in batches of `batch_size`, copied to a host Tensor [N, out...]. The model's mode
  /// is restored.
  Tensor predict(std::span<const float> x, std::size_t batch_size = 256) {
    if (x.empty() || x.size() % input_size != 0)
      throw std::invalid_argument("lamina::Model::predict: got " + std::to_string(x.size()) +
                                  " input values, expected a positive multiple of " + std::to_string(input_size) +
                                  " (input shape " + InShape::str() + ")");
    if (batch_size == 0) throw std::invalid_argument("lamina::Model::predict: batch_size must be >= 1");
    const std::size_t n = x.size() / input_size;
    dims shape{};
    shape.rank = output_shape::rank + 1;
    shape.d[0] = n;
    for (std::size_t i = 0; i < output_shape::rank; ++i) shape.d[i + 1] = output_shape::value[i];
    Tensor out(shape);
    struct mode_guard {  // the mode comes back even if a forward throws
      Model& m;
      bool was_training;
      ~mode_guard() { m.train(was_training); }
    } guard{*this, training_};
    eval();
    for (std::size_t b = 0; b < n; b += batch_size) {
      const std::size_t m = std::min(batch_size, n - b);
      const auto y = forward(x.subspan(b * input_size, m * input_size), m);
      kernels::download(backend{}, y.data, out.data() + b * output_size, m * output_size);
    }
    return out;
  }

  /// dLoss/dOutput of the last forward, to be written by a loss before backward().
  TensorView output_grad() { return {output_grad_.data(), batch_dims(output_shape::value)}; }
  /// The output of the last forward, [batch, out...] in backend memory.
  ConstTensorView output() const {
    return {output_.data(), batch_dims(output_shape::value)};
  }

  /// Gradients of all parameters for the last forward (written, not accumulated). With
  /// compute_input_grad(true), also dLoss/dInput, available through input_grad().
  void backward() {
    if constexpr (valid && has_kernels) {
      network::template backward<InShape::value>(
          backend{}, backward_args{.x = input_.data(), .y = output_.data(), .dy = output_grad_.data(),
                                   .dx = want_input_grad_ ? input_grad_.data() : nullptr,
                                   .params = params_.data(), .state = state_.data(),
                                   .grads = grads_.data(), .workspace = workspace_.data(),
                                   .batch = batch_, .training = forward_training_,
                                   .frozen_children = frozen_children_, .cast = forward_cast_});
      zero_frozen_gradients(want_input_grad_ ? 0 : first_trained_offset());
    }
  }
  /// Whether backward() also computes dLoss/dInput (off by default: the first layer skips
  /// it), as requires_grad on PyTorch's input; takes effect at the next forward.
  void compute_input_grad(bool on) {
    want_input_grad_ = on;
    planned_ = 0;
  }
  /// dLoss/dInput of the last backward, [batch, InShape...] (with compute_input_grad(true)).
  ConstTensorView input_grad() const { return {input_grad_.data(), batch_dims(InShape::value)}; }

  /// Mixed precision, as torch.autocast: from the next forward on, the layers that multiply
  /// matrices (Linear, Conv2d, ConvTranspose2d) round their inputs, weights, outputs and
  /// gradients to `p` and accumulate in fp32; everything else, the parameters and the optimizer
  /// stay fp32. precision::fp32 (the default) turns it off. With fp16, scale the loss
  /// (train::grad_scaler) so that small gradients do not round to zero.
  void autocast(precision p) {
    autocast_ = p;
    planned_ = 0;
  }
  /// The precision set by autocast() (fp32 when off).
  precision autocast_precision() const { return autocast_; }

  /// Training mode (dropout active, batch statistics), as PyTorch's module.train(on).
  void train(bool on = true) { training_ = on; }
  /// Evaluation mode, as PyTorch's module.eval().
  void eval() { training_ = false; }
  /// Whether the model is in training mode.
  bool is_training() const { return training_; }

  /// Every parameter value as one flat view, in state_dict order.
  ///@{
  TensorView parameters() { return {params_.data(), make_dims(param_count)}; }
  ConstTensorView parameters() const { return {params_.data(), make_dims(param_count)}; }
  ///@}
  /// Every parameter gradient as one flat view, laid out as parameters().
  TensorView gradients() { return {grads_.data(), make_dims(param_count)}; }
  /// Every parameter tensor by name, as PyTorch's named_parameters().
  const std::vector<named_parameter>& named_parameters() const { return named_; }
  /// Buffers (running statistics, fixed random features) as one flat view.
  ///@{
  TensorView state() { return {state_.data(), make_dims(state_count)}; }
  ConstTensorView state() const { return {state_.data(), make_dims(state_count)}; }
  ///@}
  /// Every buffer by name, as PyTorch's named_buffers().
  const std::vector<named_buffer>& named_buffers() const { return named_buffers_; }
  /// The buffer with this state_dict name; throws std::out_of_range if there is none.
  TensorView buffer(std::string_view name) const {
    for (const auto& b : named_buffers_)
      if (b.name == name) return b.value;
    throw std::out_of_range("lamina::Model: no buffer named '" + std::string(name) + "'");
  }
  /// The parameter with this state_dict name, e.g. "0.weight"; throws std::out_of_range
  /// (listing the names) if there is none.
  TensorView parameter(std::string_view name) const { return find(name).value; }
  /// A host copy of a view of this model's memory (output(), parameters(), a parameter, state()),
  /// what PyTorch's .cpu() gives: a copy on every backend, so the code that reads it is the same.
  Tensor to_host(ConstTensorView v) const {
    Tensor t(v.shape);
    kernels::download(backend{}, v.data, t.data(), t.size());
    return t;
  }
  /// Writes host values into a view of this model's memory (parameters(), state(), a parameter).
  void from_host(std::span<const float> values, TensorView dst) {
    if (values.size() != dst.size())
      throw std::invalid_argument("lamina::Model::from_host: got " + std::to_string(values.size()) +
                                  " values for a view of " + std::to_string(dst.size()) + " (shape " +
                                  to_string(dst.shape) + ")");
    kernels::upload(backend{}, values.data(), dst.data, dst.size());
  }
  /// The gradient of the parameter with this state_dict name (as parameter()).
  TensorView gradient(std::string_view name) const { return find(name).grad; }
  /// Freezes the parameters `which` selects, as PyTorch's requires_grad_(False): by state_dict
  /// name pattern (`model.freeze({.names = {"0.*", "*.bias"}})`) or top-level layer position
  /// (`model.freeze({.layers = {0, 1, 2}})`). A frozen parameter's gradient stays 0, optimizers
  /// built from this model leave it and its state alone, and backward() skips the leading layers
  /// whose parameters are all frozen. Throws std::invalid_argument (listing the names) when the
  /// selection takes no parameter.
  void freeze(const param_selection& which) { set_frozen(which, true, "freeze"); }
  /// Makes the selected parameters trainable again (`model.unfreeze({.names = {"*"}})`: all).
  /// Their optimizer state resumes where it stopped; in PyTorch a parameter's Adam step count
  /// is its own, here the optimizer's (see docs/training.md).
  void unfreeze(const param_selection& which) { set_frozen(which, false, "unfreeze"); }
  /// Whether the parameter with this state_dict name is frozen (throws as parameter()).
  bool is_frozen(std::string_view name) const {
    const named_parameter& p = find(name);
    const std::size_t begin = std::size_t(p.value.data - params_.data());
    return frozen_.covers(begin, begin + p.value.size());
  }
  /// The frozen floats of parameters(), as ranges (what optimizers skip).
  const frozen_ranges& frozen() const { return frozen_; }

  /// The generator of the stochastic layers (dropout), reseeded by reset_parameters.
  ///@{
  rng& generator() { return gen_; }
  const rng& generator() const { return gen_; }
  ///@}

  /// The network's table of layers, output shapes and parameter counts for `batch` samples,
  /// like torchinfo's summary (see lamina::summary).
  static std::string summary(std::size_t batch = 1) { return lamina::summary<network, InShape>(batch); }

 private:
  dims batch_dims(const dims& sample) const {
    dims d{};
    d.rank = sample.rank + 1;
    d.d[0] = batch_;
    for (std::size_t i = 0; i < sample.rank; ++i) d.d[i + 1] = sample[i];
    return d;
  }
  void set_frozen(const param_selection& which, bool frozen, const char* who) {
    bool any = false;
    for (const auto& p : named_)
      if (detail::selects(which.names, which.layers, p.name)) {
        const std::size_t begin = std::size_t(p.value.data - params_.data());
        frozen_.set(begin, begin + p.value.size(), frozen);
        any = true;
      }
    if (!any) {
      throw std::invalid_argument(std::string("lamina::Model::") + who +
                                  ": the selection takes no parameter (patterns and layer positions match none "
                                  "of: " + detail::joined_names(named_) + ")");
    }
    // Leading children with only frozen parameters need no backward (unless dx is wanted).
    constexpr auto& offsets = network::param_offsets;
    frozen_children_ = 0;
    while (frozen_children_ < network::depth &&
           frozen_.covers(offsets[frozen_children_], offsets[frozen_children_ + 1]))
      ++frozen_children_;
    zero_frozen_gradients(0);  // gradients of an earlier backward
  }
  // Where the gradients that backward() writes start: the first child it does not skip.
  std::size_t first_trained_offset() const { return network::param_offsets[frozen_children_]; }
  // Frozen gradients are 0 (PyTorch's None): zero those at or after `from` that backward wrote.
  void zero_frozen_gradients(std::size_t from) {
    for (const auto& r : frozen_.ranges())
      if (r.end > from) {
        const std::size_t begin = std::max(r.begin, from);
        kernels::fill(backend{}, grads_.data() + begin, r.end - begin, 0.f);
      }
  }
  const named_parameter& find(std::string_view name) const {
    for (const auto& p : named_)
      if (p.name == name) return p;
    throw std::out_of_range("lamina::Model: no parameter named '" + std::string(name) +
                            "'; the parameters are: " + detail::joined_names(named_));
  }

  lamina::buffer<backend> params_, grads_, state_, input_, output_, output_grad_, input_grad_, workspace_,
      autocast_scratch_;
  std::vector<named_parameter> named_;
  std::vector<named_buffer> named_buffers_;
  rng gen_;
  frozen_ranges frozen_;
  std::size_t frozen_children_ = 0;  // leading children of network with only frozen parameters
  std::size_t planned_ = 0, batch_ = 0;
  bool training_ = true, forward_training_ = true, want_input_grad_ = false;
  precision autocast_ = precision::fp32;
  autocast_args forward_cast_;  // the autocast of the last forward, for its backward
};

}  // namespace lamina
