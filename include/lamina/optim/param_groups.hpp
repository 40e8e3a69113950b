#pragma once
// Parameter groups, as PyTorch's optimizer param_groups: parameters chosen by state_dict name
// patterns or by layer position get their own learning rate, weight decay or momentum, or no
// update at all (frozen), and everything else keeps the optimizer's options.
//
//   lm::optim::ParamGroups<lm::optim::AdamW<>> opt(model, {.lr = 1e-3, .weight_decay = 0.05},
//       {{.names = {"*.bias"}, .weight_decay = 0.0},                   // no decay on biases
//        {.layers = {0}, .lr = 1e-4},                                 // a slower first layer
//        {.layers = {6}, .frozen = true}});                           // layer 6 stays as it is
//
// Each parameter tensor belongs to the first group that takes it (else to the optimizer's own
// options). The optimizer runs once per run of neighbouring tensors of one group, with that
// group's options, so its arithmetic is exactly the optimizer's own: the same numbers PyTorch
// gives for the same groups.
//
// Schedulers see one learning rate, that of the optimizer's own options, and set_lr() scales
// every group's by the same factor (a group keeps its ratio to the base lr). That is PyTorch's
// behaviour for every multiplicative schedule (StepLR, MultiStepLR, ExponentialLR, LambdaLR,
// LinearLR, warm-up, OneCycleLR, cosine annealing to 0); for schedules with a floor other than
// zero (eta_min, CyclicLR's base_lr) PyTorch moves each group to the same floor instead.
// momentum() and beta1(), when the optimizer has them, are set in every group alike, as
// OneCycleLR does in PyTorch.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/backend.hpp"
#include "../core/frozen.hpp"
#include "../core/tensor.hpp"
#include "concepts.hpp"
#include "frozen_view.hpp"

namespace lamina::optim {

/// Which parameters a group takes, and the options it sets for them.
struct param_group {
  /// state_dict name patterns: `*` matches any run of characters, `?` one ("*.bias", "0.*").
  std::vector<std::string> names = {};
  /// Top-level layer positions (the first part of a state_dict name: 0 takes "0.weight", "0.bias").
  std::vector<std::size_t> layers = {};
  std::optional<double> lr = {};            ///< The group's learning rate (else the optimizer's).
  std::optional<double> weight_decay = {};  ///< The group's weight decay, for optimizers that have one.
  std::optional<double> momentum = {};      ///< The group's momentum, for SGD and RMSprop.
  /// No update at all. The gradient is still computed; Model::freeze skips that work too.
  bool frozen = false;
};

/// An optimizer (SGD, Adam, AdamW, RMSprop, Adagrad, Adamax, NAdam, Lion, on any backend) run
/// with per-group options over a model's parameters; see the top of this header.
template <class Opt>
class ParamGroups {
 public:
  using optimizer_type = Opt;                          ///< The optimizer run in each group.
  using options_type = typename Opt::options_type;     ///< Its options.
  using backend = typename Opt::backend;               ///< Where parameters and state live.

  /// Groups over `model`'s parameters; `options` are those of every parameter no group takes.
  /// Throws std::invalid_argument for a group that takes no parameter (a mistyped pattern or
  /// position: the message lists the names), an option the optimizer has not, or a base
  /// learning rate of 0 (the groups' rates are kept as ratios to it).
  template <class M>
    requires requires(M& m) { m.named_parameters(); m.parameters(); }
  ParamGroups(M& model, options_type options, std::vector<param_group> groups)
      : base_lr_(double(options.lr)), all_(model.parameters()) {
    if (!(base_lr_ != 0))
      throw std::invalid_argument("lamina::optim::ParamGroups: the optimizer's lr must not be 0: schedulers scale "
                                  "every group's lr by its ratio to it");
    std::vector<bool> used(groups.size(), false);
    std::vector<options_type> group_options;
    for (std::size_t g = 0; g < groups.size(); ++g) group_options.push_back(with(options, groups[g], g));
    // Runs of neighbouring tensors (in state_dict order) of one group share an optimizer.
    std::size_t run_group = 0, run_begin = 0, run_end = 0;
    bool open = false;
    auto close = [&] {
      if (!open || run_group == groups.size() + 1) return;  // frozen run: no optimizer
      const options_type& o = run_group == groups.size() ? options : group_options[run_group];
      const TensorView params{model.parameters().data + run_begin, make_dims(run_end - run_begin)};
      const TensorView grads{model.gradients().data + run_begin, make_dims(run_end - run_begin)};
      if constexpr (std::is_constructible_v<Opt, TensorView, TensorView, options_type, frozen_view>) {
        frozen_view frozen = frozen_view_of(model);
        frozen.offset = run_begin;
        parts_.emplace_back(params, grads, o, frozen);
      } else {
        parts_.emplace_back(params, grads, o);  // an optimizer of yours that knows nothing frozen
      }
      part_lr_.push_back(double(o.lr));
    };
    const float* base = model.parameters().data;
    for (const auto& p : model.named_parameters()) {
      std::size_t g = 0;
      while (g < groups.size() && !lamina::detail::selects(groups[g].names, groups[g].layers, p.name)) ++g;
      if (g < groups.size()) used[g] = true;
      const std::size_t key = g < groups.size() && groups[g].frozen ? groups.size() + 1 : g;
      const std::size_t begin = std::size_t(p.value.data - base);
      if (!open || key != run_group || begin != run_end) {
        close();
        open = true, run_group = key, run_begin = begin;
      }
      run_end = begin + p.value.size();
    }
    close();
    for (std::size_t g = 0; g < groups.size(); ++g)
      if (!used[g])
        throw std::invalid_argument("lamina::optim::ParamGroups: group " + std::to_string(g) +
                                    " takes no parameter (patterns and layer positions match none of: " +
                                    lamina::detail::joined_names(model.named_parameters()) + ")");
  }

  /// One update of every group's parameters (call after backward).
  void step() {
    for (auto& o : parts_) o.step();
  }
  /// The learning rate of the optimizer's own options (what schedulers read).
  double lr() const { return base_lr_ * scale_; }
  /// Sets it, and every group's to the same multiple of its initial lr.
  void set_lr(double lr) {
    detail::require_option(true, "ParamGroups", "lr", "finite", lr);
    scale_ = lr / base_lr_;
    for (std::size_t i = 0; i < parts_.size(); ++i) parts_[i].set_lr(part_lr_[i] * scale_);
  }
  /// The momentum of the first group (all alike once a scheduler sets it).
  double momentum() const requires MomentumOptimizer<Opt> { return parts_.empty() ? 0.0 : double(parts_[0].momentum()); }
  /// Sets every group's momentum (OneCycleLR, CyclicLR).
  void set_momentum(double m) requires MomentumOptimizer<Opt> {
    for (auto& o : parts_) o.set_momentum(m);
  }
  /// beta1 of the first group (all alike once a scheduler sets it).
  double beta1() const requires Beta1Optimizer<Opt> { return parts_.empty() ? 0.0 : double(parts_[0].beta1()); }
  /// Sets every group's beta1 (OneCycleLR, CyclicLR).
  void set_beta1(double b) requires Beta1Optimizer<Opt> {
    for (auto& o : parts_) o.set_beta1(b);
  }

  /// The state tensors of every run, named "<run>.<name>" ("0.exp_avg", "1.exp_avg", ...).
  named_state state() {
    named_state all;
    for (std::size_t i = 0; i < parts_.size(); ++i)
      for (auto& [name, view] : parts_[i].state()) all.emplace_back(std::to_string(i) + "." + name, view);
    return all;
  }
  /// Steps taken (PyTorch's state["step"]).
  std::size_t steps() const { return parts_.empty() ? steps_ : parts_[0].steps(); }
  /// Sets the step count of every group (resuming from a checkpoint).
  void set_steps(std::size_t n) {
    steps_ = n;
    for (auto& o : parts_) o.set_steps(n);
  }
  /// The model's parameters these groups cover (all of them; frozen ones are left alone).
  TensorView parameters() const { return all_; }
  /// The optimizers, one per run of neighbouring tensors of one group, in state_dict order.
  const std::vector<Opt>& runs() const { return parts_; }

 private:
  static options_type with(options_type o, const param_group& g, std::size_t index) {
    auto refuse = [&](const char* option) {
      throw std::invalid_argument("lamina::optim::ParamGroups: group " + std::to_string(index) + " sets " + option +
                                  ", an option this optimizer has not");
    };
    if (g.lr) o.lr = decltype(o.lr)(*g.lr);
    if (g.weight_decay) {
      if constexpr (requires { o.weight_decay; }) o.weight_decay = decltype(o.weight_decay)(*g.weight_decay);
      else refuse("weight_decay");
    }
    if (g.momentum) {
      if constexpr (requires { o.momentum; }) o.momentum = decltype(o.momentum)(*g.momentum);
      else refuse("momentum");
    }
    return o;
  }

  std::vector<Opt> parts_;
  std::vector<double> part_lr_;  // each run's initial lr
  double base_lr_ = 0, scale_ = 1;
  std::size_t steps_ = 0;
  TensorView all_;
};

}  // namespace lamina::optim
