#pragma once
// What a layer is. A layer type is a stateless description: its shapes, parameters and FLOPs
// are constexpr functions of the input shape, and its forward/backward are static functions
// templated on the backend tag, which call backend kernels (layers say *what*, kernels *how*).
// The run-time state (parameters, gradients, activations, workspace) lives in lm::Model.
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>

#include "precision.hpp"
#include "rng.hpp"
#include "shape.hpp"
#include "type_list.hpp"

namespace lamina {

/// One parameter tensor of a layer, in PyTorch's state_dict order and layout.
/// The same describes a layer's buffers: persistent, non-trained state such as BatchNorm's
/// running statistics, saved in state_dict next to the parameters.
struct param_spec {
  std::string_view name;  ///< "weight", "bias", "running_mean"
  dims shape;             ///< e.g. Linear weight [out, in]; {} (rank 0) for a scalar
  bool integral = false;  ///< an integer tensor in PyTorch (num_batches_tracked), kept as float here
};

/// An element-wise activation that a layer can apply to its own output as it writes it (a
/// fused epilogue): Sequential fuses "layer, ReLU" when the layer absorbs the ReLU (see
/// layer_traits::absorbs), saving the activation's separate passes over memory, forward and back.
enum class epilogue { none, relu };

namespace detail {
// A hyper-parameter as Python's repr writes it in PyTorch's module reprs: 1e-05, 0.01, 1.0.
inline std::string python_float(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", double(v));
  std::string s = buf;
  if (s.find_first_of(".en") == std::string::npos) s += ".0";  // 1 -> 1.0 (not 1e-05, inf, nan)
  return s;
}
}  // namespace detail

namespace detail {
/// n rounded up to a multiple of 16 floats (64 bytes): the alignment of every region that
/// Sequential, Residual and autocast carve out of one buffer.
inline constexpr std::size_t round16(std::size_t n) { return (n + 15) / 16 * 16; }
}  // namespace detail

/// Arguments of one layer's forward pass; all pointers are backend (device) memory.
struct forward_args {
  const float* x;         ///< [batch, in...]
  float* y;               ///< [batch, out...]
  const float* params;    ///< this layer's parameters, packed in param_spec order
  float* state;           ///< this layer's buffers (running statistics), packed likewise
  float* workspace;       ///< layer_traits::workspace_per_sample(in) * batch floats, kept until backward
  std::size_t batch;      ///< number of samples
  bool training;          ///< training mode (dropout active, batch statistics), as PyTorch's module.train()
  rng* gen;               ///< for stochastic layers (dropout)
  epilogue post = epilogue::none;  ///< applied to y as it is written (only if the layer absorbs it)
  autocast_args cast = {};         ///< mixed precision (core/autocast.hpp); containers pass it on
};

/// Arguments of one layer's backward pass.
struct backward_args {
  const float* x;         ///< the forward input
  const float* y;         ///< the forward output
  const float* dy;        ///< dLoss/dy
  float* dx;              ///< dLoss/dx, or nullptr when nobody needs it (first layer)
  const float* params;    ///< this layer's parameters, as in the forward pass
  const float* state;     ///< this layer's buffers, as after the forward pass
  float* grads;           ///< same layout as params; written, not accumulated
  float* workspace;       ///< what the forward pass left in its workspace
  std::size_t batch;      ///< number of samples
  bool training = true;   ///< the mode of the forward pass being differentiated (BatchNorm needs it)
  /// With a fused ReLU (forward's post): the ReLU's output, y above being unused. dy is then the
  /// ReLU's upstream gradient; the layer's own is dy where post_output > 0, zero elsewhere.
  const float* post_output = nullptr;
  /// For the model's top Sequential: its children [0, frozen_children) have only frozen
  /// parameters (Model::freeze), so with dx == nullptr their backward is skipped.
  std::size_t frozen_children = 0;
  autocast_args cast = {};  ///< mixed precision, as in the forward pass
};

/// The members every layer has. Optional members (workspace_per_sample, is_view, flops,
/// reset_parameters, parameters) get defaults through the traits below.
template <class L>
concept Layer = requires(dims in) {
  { L::name } -> std::convertible_to<std::string_view>;
  { L::param_count } -> std::convertible_to<std::size_t>;
  { L::accepts(in) } -> std::same_as<bool>;
  { L::output(in) } -> std::same_as<dims>;
  { L::expected(in) } -> std::same_as<dims>;
};

/// A layer that accepts input shape InShape.
template <class L, class InShape>
concept LayerFor = Layer<L> && ShapeType<InShape> && (L::accepts(InShape::value));

// --- Compile-time error messages. Compilers print a failed static_assert's class with its
//     template arguments in full, so these class templates are the messages: their names say
//     what is wrong, their arguments where and with which types and shapes. -----------------

/// Where a layer sits in an error message: at_position<3, 1> is child 1 of layer 3.
template <std::size_t... Path> struct at_position {};
/// The shape a layer got, in an error message.
template <class S> struct got {};
/// The shape a layer expects, in an error message.
template <class S> struct expects {};
/// backend<cuda>: the model's backend tag, in an error message.
template <class B> struct backend {};

/// The generic shape error: a layer rejects the shape that reaches it. A layer with a more
/// specific message names it as its member alias `shape_error<Position, Got>` (Linear, Residual).
template <class Position, class LayerType, class Got, class Expects>
struct LAMINA_SHAPE_MISMATCH {
  static_assert(detail::always_false<LayerType>,
                "LAMINA_SHAPE_MISMATCH: a layer cannot take the shape that reaches it. "
                "Read LAMINA_SHAPE_MISMATCH<at_position<index>, layer type, got<shape>, "
                "expects<shape>> above (indices count from 0, shapes exclude the batch).");
  static constexpr bool ok = false;  ///< Never true: instantiating the class is the error.
};

// The Layer concept's requirements one by one, so that a non-layer is told the first it misses.
namespace detail {
template <class L> concept has_name = requires { { L::name } -> std::convertible_to<std::string_view>; };
template <class L> concept has_param_count = requires { { L::param_count } -> std::convertible_to<std::size_t>; };
template <class L> concept has_accepts = requires(dims in) { { L::accepts(in) } -> std::same_as<bool>; };
template <class L> concept has_output = requires(dims in) { { L::output(in) } -> std::same_as<dims>; };
template <class L> concept has_expected = requires(dims in) { { L::expected(in) } -> std::same_as<dims>; };
}  // namespace detail

/// A type in a layer list (Sequential<...>) that is not a Layer. One assertion fails, the
/// first requirement the type misses; the type itself is the second template argument.
template <class Position, class T>
struct LAMINA_NOT_A_LAYER {
  static_assert(detail::has_name<T>,
                "LAMINA_NOT_A_LAYER: this type is not a layer: it has no "
                "`static constexpr std::string_view name` (a layer also needs param_count, "
                "accepts(dims), output(dims) and expected(dims); see docs/adding-a-layer.md)");
  static_assert(!detail::has_name<T> || detail::has_param_count<T>,
                "LAMINA_NOT_A_LAYER: this type is not a layer: it has no "
                "`static constexpr std::size_t param_count` (see docs/adding-a-layer.md)");
  static_assert(!(detail::has_name<T> && detail::has_param_count<T>) || detail::has_accepts<T>,
                "LAMINA_NOT_A_LAYER: this type is not a layer: it has no "
                "`static constexpr bool accepts(dims in)` (see docs/adding-a-layer.md)");
  static_assert(!(detail::has_name<T> && detail::has_param_count<T> && detail::has_accepts<T>) ||
                    detail::has_output<T>,
                "LAMINA_NOT_A_LAYER: this type is not a layer: it has no "
                "`static constexpr dims output(dims in)` (see docs/adding-a-layer.md)");
  static_assert(!(detail::has_name<T> && detail::has_param_count<T> && detail::has_accepts<T> &&
                  detail::has_output<T>) || detail::has_expected<T>,
                "LAMINA_NOT_A_LAYER: this type is not a layer: it has no "
                "`static constexpr dims expected(dims in)` (see docs/adding-a-layer.md)");
  static constexpr bool ok = Layer<T>;  ///< Whether T is a layer after all.
};

namespace detail {
// Stands in for a non-layer in a layer list once LAMINA_NOT_A_LAYER has been reported: an
// identity view with nothing to compute, so that the rest of the program compiles silently.
struct not_a_layer_stand_in {
  static constexpr std::string_view name = "(not a layer)";
  static constexpr std::size_t param_count = 0;
  static constexpr bool is_view = true;
  static constexpr bool accepts(dims) { return true; }
  static constexpr dims output(dims in) { return in; }
  static constexpr dims expected(dims in) { return in; }
};
template <class T> using layer_or_stand_in = std::conditional_t<Layer<T>, T, not_a_layer_stand_in>;
}  // namespace detail

/// What a network asks of a layer type, with defaults for the members a layer may leave out:
/// each trait calls the layer's own member when it has one.
namespace layer_traits {

/// Floats of workspace per sample on Backend: a layer declares `workspace_per_sample(dims)`, or
/// `template <class Backend> workspace_per_sample(dims)` when its kernels' needs depend on the
/// backend (Conv2d: the backend's plan), or nothing (none).
template <Layer L, class Backend> constexpr std::size_t workspace_per_sample(dims in) {
  if constexpr (requires { L::template workspace_per_sample<Backend>(in); })
    return L::template workspace_per_sample<Backend>(in);
  else if constexpr (requires { L::workspace_per_sample(in); }) return L::workspace_per_sample(in);
  else return 0;
}
/// Whether L is a view layer: one (Flatten) that reinterprets its input, so that the network
/// aliases its output to its input.
template <Layer L> constexpr bool is_view() {
  if constexpr (requires { L::is_view; }) return L::is_view;
  else return false;
}
/// Floating-point operations of L's forward pass for one sample of shape `in` (0 unless the
/// layer declares `flops(dims)`).
template <Layer L> constexpr std::size_t flops(dims in) {
  if constexpr (requires { L::flops(in); }) return L::flops(in);
  else return 0;
}
/// L's parameter tensors (a std::array of param_spec; empty unless the layer declares
/// `parameters`).
template <Layer L> constexpr auto parameters() {
  if constexpr (requires { L::parameters; }) return L::parameters;
  else return std::array<param_spec, 0>{};
}
/// L's buffers (a std::array of param_spec; empty unless the layer declares `buffers`).
template <Layer L> constexpr auto buffers() {
  if constexpr (requires { L::buffers; }) return L::buffers;
  else return std::array<param_spec, 0>{};
}
/// Floats of persistent state (buffers); containers define state_count themselves.
template <Layer L> constexpr std::size_t state_count() {
  if constexpr (requires { L::state_count; }) return L::state_count;
  else {
    std::size_t n = 0;
    for (const param_spec& b : buffers<L>()) n += b.shape.size();
    return n;
  }
}
/// L in a summary line, e.g. "Linear(784, 512)" (the layer's `describe()`, else its name).
template <Layer L> std::string describe() {
  if constexpr (requires { L::describe(); }) return L::describe();
  else return std::string(L::name);
}

/// Visits (state_dict name, shape, offset into packed parameters) for each parameter tensor.
template <Layer L, class Fn>
void for_each_parameter(const std::string& prefix, std::size_t offset, Fn&& fn) {
  if constexpr (requires { L::for_each_parameter(prefix, offset, fn); }) {
    L::for_each_parameter(prefix, offset, fn);
  } else {
    for (const param_spec& p : parameters<L>()) {
      fn(prefix + std::string(p.name), p.shape, offset);
      offset += p.shape.size();
    }
  }
}
/// Visits (state_dict name, spec, offset into packed state) for each buffer.
template <Layer L, class Fn>
void for_each_buffer(const std::string& prefix, std::size_t offset, Fn&& fn) {
  if constexpr (requires { L::for_each_buffer(prefix, offset, fn); }) {
    L::for_each_buffer(prefix, offset, fn);
  } else {
    for (const param_spec& b : buffers<L>()) {
      fn(prefix + std::string(b.name), b, offset);
      offset += b.shape.size();
    }
  }
}
/// The epilogue an activation layer can be fused as (ReLU: epilogue::relu), or none.
template <Layer L> constexpr epilogue as_epilogue() {
  if constexpr (requires { L::as_epilogue; }) return L::as_epilogue;
  else return epilogue::none;
}
/// Whether L, on input `in` and Backend, applies epilogue `e` itself (forward_args::post,
/// backward_args::post_output).
template <Layer L, class Backend> constexpr bool absorbs(epilogue e, dims in) {
  if constexpr (requires { L::template absorbs<Backend>(e, in); }) return e != epilogue::none && L::template absorbs<Backend>(e, in);
  else return false;
}
/// Initial values of the layer's (host) buffers.
template <Layer L>
void reset_state(float* state, const rng& gen) {
  if constexpr (requires { L::reset_state(state, gen); }) L::reset_state(state, gen);
}
/// PyTorch's default initialisation of the layer's (host) parameters.
template <Layer L>
void reset_parameters(float* params, const rng& gen) {
  if constexpr (requires { L::reset_parameters(params, gen); }) L::reset_parameters(params, gen);
}

}  // namespace layer_traits
}  // namespace lamina
