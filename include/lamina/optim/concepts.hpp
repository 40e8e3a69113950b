#pragma once
// What optimizers and learning-rate schedulers share: the concepts a scheduler asks of an
// optimizer, the name/tensor list through which optimizers expose their state for checkpoints,
// and the argument checks that name the option and the bad value.
#include <concepts>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../core/config.hpp"
#include "../core/tensor.hpp"

namespace lamina::optim {

/// An optimizer whose learning rate a scheduler can read and set (SGD, Adam, AdamW, RMSprop, or
/// any class of yours with these two members).
template <class O>
concept LrOptimizer = requires(O& o, const O& c, double v) {
  { c.lr() } -> std::convertible_to<double>;
  o.set_lr(v);
};
/// One with a momentum factor (SGD, RMSprop): OneCycleLR cycles it.
template <class O>
concept MomentumOptimizer = LrOptimizer<O> && requires(O& o, const O& c, double v) {
  { c.momentum() } -> std::convertible_to<double>;
  o.set_momentum(v);
};
/// One with Adam's beta1 (Adam, AdamW): OneCycleLR cycles beta1 instead, like PyTorch.
template <class O>
concept Beta1Optimizer = LrOptimizer<O> && requires(O& o, const O& c, double v) {
  { c.beta1() } -> std::convertible_to<double>;
  o.set_beta1(v);
};

/// An optimizer's state tensors by PyTorch's names ("exp_avg", "momentum_buffer", ...), as views
/// into the optimizer: read them to save a checkpoint, write into them to restore one.
using named_state = std::vector<std::pair<std::string, TensorView>>;

/// What lm::train::step and the Trainer ask of an optimizer: step() after backward, and the lr.
template <class O>
concept Optimizer = LrOptimizer<O> && requires(O& o) { o.step(); };
/// What checkpoints ask in addition: the state tensors and the step count.
template <class O>
concept CheckpointOptimizer = Optimizer<O> && requires(O& o, const O& c, std::size_t n) {
  { o.state() } -> std::convertible_to<named_state>;
  { c.steps() } -> std::convertible_to<std::size_t>;
  o.set_steps(n);
};

namespace detail {
// One static_assert per member, so that an optimizer of yours (or a wrapper) that lacks one gets
// a sentence naming it, where it is first used, instead of an error deep in the Trainer. They
// return whether O qualifies, so a caller can skip the code that would fail again
// (`if constexpr (require_optimizer<O>())`).
template <class O>
constexpr bool require_optimizer() {
  static_assert(requires(O& o) { o.step(); },
                "LAMINA_NOT_AN_OPTIMIZER: the optimizer has no step() member; lamina calls step() after every "
                "backward (see the Optimizer concept in optim/concepts.hpp)");
  static_assert(requires(const O& c) { { c.lr() } -> std::convertible_to<double>; },
                "LAMINA_NOT_AN_OPTIMIZER: the optimizer has no lr() const member returning the learning rate "
                "(a double); schedulers and checkpoints read it");
  static_assert(requires(O& o, double v) { o.set_lr(v); },
                "LAMINA_NOT_AN_OPTIMIZER: the optimizer has no set_lr(double) member; schedulers and checkpoints "
                "set the learning rate with it");
  return Optimizer<O>;
}
template <class O>
constexpr bool require_checkpoint_optimizer() {
  require_optimizer<O>();
  static_assert(requires(O& o) { { o.state() } -> std::convertible_to<named_state>; },
                "LAMINA_NOT_A_CHECKPOINT_OPTIMIZER: the optimizer has no state() member returning its state "
                "tensors as lm::optim::named_state (return {} when it has none); checkpoints save and restore them");
  static_assert(requires(const O& c) { { c.steps() } -> std::convertible_to<std::size_t>; },
                "LAMINA_NOT_A_CHECKPOINT_OPTIMIZER: the optimizer has no steps() const member (the steps taken, "
                "PyTorch's state[\"step\"]); checkpoints save it");
  static_assert(requires(O& o, std::size_t n) { o.set_steps(n); },
                "LAMINA_NOT_A_CHECKPOINT_OPTIMIZER: the optimizer has no set_steps(std::size_t) member; resuming "
                "from a checkpoint restores the step count with it");
  return CheckpointOptimizer<O>;
}
}  // namespace detail

namespace detail {

LAMINA_INLINE std::string format_value(double v);

// Throws "lamina::optim::<who>: <option> must be <requirement>, got <value>" unless ok and the
// value is finite (NaN and infinities are never valid options).
LAMINA_INLINE void require_option(bool ok, const char* who, const char* option, const char* requirement, double value);

LAMINA_INLINE void require_same_size(const char* who, std::size_t params, std::size_t grads);

// Step counts are exact in the double that bias corrections and schedulers compute with.
inline constexpr std::size_t max_steps = std::size_t{1} << 53;
LAMINA_INLINE void require_steps(const char* who, std::size_t steps);

}  // namespace detail

/// Throws unless `optimizer` updates `model`'s parameters (all of them, or a part, as an
/// optimizer built from views of model.parameters() does): one built for another model would
/// step that one, and this one would never change. Optimizers without parameters() (a class of
/// yours) are not checked.
template <class Optimizer, class Model>
void require_built_for(const Optimizer& optimizer, Model& model, const char* who) {
  if constexpr (requires { optimizer.parameters().data; }) {
    const auto p = optimizer.parameters();
    const auto m = model.parameters();
    const std::less_equal<const float*> le;  // a total order, also for pointers into other buffers
    const bool inside = le(m.data, p.data) && le(p.data + p.size(), m.data + m.size());
    if (!inside || (m.size() && !p.size()))
      throw std::invalid_argument(std::string("lamina::") + who +
                                  ": the optimizer updates another model's parameters (" + std::to_string(p.size()) +
                                  " values), not this model's (" + std::to_string(m.size()) +
                                  "); build it from this model, e.g. lm::optim::SGD opt(model, {...})");
  }
}

namespace detail {

}  // namespace detail
}  // namespace lamina::optim

#ifndef LAMINA_COMPILED_LIB
#include "concepts-inl.hpp"
#endif
