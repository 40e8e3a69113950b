#pragma once
// Sequential<Layers...>: a network as a flat type list. Shapes are propagated with constexpr
// functions over `dims` values; the run-time walk plans one workspace for all activations and
// runs the layers' forward/backward in order. A Sequential is itself a Layer, so it nests.
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#include "../kernels/kernels.hpp"
#include "autocast.hpp"
#include "layer.hpp"
#include "type_list.hpp"

namespace lamina {

/// A network: layers Ls... applied in order, as PyTorch's nn.Sequential, with state_dict names
/// "0.weight", "1.bias", ... A Sequential is itself a Layer, so it nests.
/// The template takes any types, so that a non-layer is reported by the specialisation below
/// as one LAMINA_NOT_A_LAYER error instead of a wall of failed constraints.
template <class... Ls>
struct Sequential {
  static_assert(sizeof...(Ls) > 0, "lamina::Sequential needs at least one layer");

  static constexpr std::string_view name = "Sequential";  ///< The layer's name in summaries.
  static constexpr std::size_t depth = sizeof...(Ls);  ///< number of direct children
  /// Number of parameters of all children.
  static constexpr std::size_t param_count = (std::size_t{0} + ... + Ls::param_count);
  /// Child I's type.
  template <std::size_t I> using layer = detail::type_at<I, Ls...>;

  /// Parameter offset of each child inside this network's packed parameters.
  static constexpr std::array<std::size_t, depth + 1> param_offsets = detail::prefix_sums<Ls::param_count...>();

  /// Persistent state (buffers) of the children, packed like the parameters, in floats.
  static constexpr std::size_t state_count = (std::size_t{0} + ... + layer_traits::state_count<Ls>());
  /// State offset of each child inside this network's packed buffers.
  static constexpr std::array<std::size_t, depth + 1> state_offsets =
      detail::prefix_sums<layer_traits::state_count<Ls>()...>();

  /// Shape after each child (shapes[0] is the input). After the first mismatch the shape is
  /// carried forward unchanged, so that a bad network still yields one error, not a cascade.
  static constexpr std::array<dims, depth + 1> shapes(dims in) {
    std::array<dims, depth + 1> s{};
    s[0] = in;
    std::size_t i = 0;
    bool ok = true;
    ((ok = ok && Ls::accepts(s[i]), s[i + 1] = ok ? Ls::output(s[i]) : s[i], ++i), ...);
    return s;
  }
  /// Index of the first child that rejects its input, or `depth` when all accept.
  static constexpr std::size_t first_mismatch(dims in) {
    const auto s = shapes(in);
    std::size_t i = 0, bad = depth;
    ((bad = (bad == depth && !Ls::accepts(s[i])) ? i : bad, ++i), ...);
    return bad;
  }
  /// Whether every child accepts the shape that reaches it.
  static constexpr bool accepts(dims in) { return first_mismatch(in) == depth; }
  /// The output shape for input `in`.
  static constexpr dims output(dims in) { return shapes(in)[depth]; }
  /// What the first child that rejects its input expects instead (for error messages).
  static constexpr dims expected(dims in) {
    const auto s = shapes(in);
    const std::size_t k = first_mismatch(in);
    std::size_t i = 0;
    dims e = in;
    ((e = (i == k) ? Ls::expected(s[i]) : e, ++i), ...);
    return e;
  }
  /// Floating-point operations of a forward pass per sample, over all children.
  static constexpr std::size_t flops(dims in) {
    const auto s = shapes(in);
    std::size_t i = 0, total = 0;
    ((total += layer_traits::flops<Ls>(s[i]), ++i), ...);
    return total;
  }

  /// Floats of every layer's output per sample (nested networks counted layer by layer).
  static constexpr std::size_t activation_floats(dims in) {
    const auto s = shapes(in);
    std::size_t i = 0, total = 0;
    ((total += activation_floats_of<Ls>(s[i]), ++i), ...);
    return total;
  }
  /// Floats of layer L's output per sample, or of all its layers' outputs for a container.
  template <class L> static constexpr std::size_t activation_floats_of(dims in) {
    if constexpr (requires { L::activation_floats(in); }) return L::activation_floats(in);
    else return L::output(in).size();
  }

  /// Per-sample workspace plan on Backend, in floats. Every region starts on a 16-float boundary
  /// so that with a 64-byte aligned base every region of a batch is aligned too.
  struct plan_t {
    std::array<std::size_t, depth> act{};    ///< output of child i (children 0..depth-2)
    std::array<int, depth + 1> source{};     ///< which activation holds shapes[i]: -1 input, depth-1 output
    std::array<std::size_t, depth> ws{};     ///< child i's own workspace
    /// The two gradient ping-pong regions of backward, and the plan's size.
    ///@{
    std::size_t grad_a = 0, grad_b = 0, total = 0;
    ///@}
  };
  /// The workspace plan for input `in` on Backend.
  template <class Backend>
  static constexpr plan_t plan(dims in) {
    const auto s = shapes(in);
    plan_t p{};
    constexpr std::array<bool, depth> view{layer_traits::is_view<Ls>()...};
    std::array<std::size_t, depth> ws_sizes{};
    {
      std::size_t i = 0;
      ((ws_sizes[i] = layer_traits::workspace_per_sample<Ls, Backend>(s[i]), ++i), ...);
    }
    std::size_t at = 0, max_grad = 0;
    p.source[0] = -1;
    for (std::size_t i = 0; i < depth; ++i) {
      if (i + 1 == depth) p.source[i + 1] = int(depth) - 1;
      else if (view[i]) p.source[i + 1] = p.source[i];
      else {
        p.act[i] = at;
        at += detail::round16(s[i + 1].size());
        p.source[i + 1] = int(i);
      }
      if (i > 0) max_grad = std::max(max_grad, s[i].size());
    }
    for (std::size_t i = 0; i < depth; ++i) {
      p.ws[i] = at;
      at += detail::round16(ws_sizes[i]);
    }
    p.grad_a = at;
    p.grad_b = at + detail::round16(max_grad);
    p.total = p.grad_b + detail::round16(max_grad);
    return p;
  }
  /// Floats of workspace per sample on Backend: the whole plan.
  template <class Backend>
  static constexpr std::size_t workspace_per_sample(dims in) { return plan<Backend>(in).total; }

  /// Children whose backward is needed when nobody asks for dx: from the first child with
  /// parameters on (layers before it only pass gradients to the input). A model with frozen
  /// parameters starts later still (backward_args::frozen_children).
  static constexpr std::size_t first_trainable = [] {
    std::array<std::size_t, depth> pc{Ls::param_count...};
    for (std::size_t i = 0; i < depth; ++i)
      if (pc[i] > 0) return i;
    return depth;
  }();

  /// Runs every child's forward in order, activations in the workspace.
  template <dims In, class Backend>
  static void forward(Backend backend, const forward_args& a) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (forward_child<I, In>(backend, a), ...);
    }(std::make_index_sequence<depth>{});
  }

  /// Runs the children's backward in reverse order.
  template <dims In, class Backend>
  static void backward(Backend backend, const backward_args& a) {
    const std::size_t first = a.dx ? 0 : std::max(first_trainable, a.frozen_children);
    const float* dy = a.dy;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (backward_child<depth - 1 - I, In>(backend, a, first, dy), ...);
    }(std::make_index_sequence<depth>{});
  }

  /// Visits every parameter tensor as (state_dict name, shape, offset in packed parameters).
  template <class Fn>
  static void for_each_parameter(const std::string& prefix, std::size_t offset, Fn&& fn) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer_traits::for_each_parameter<layer<I>>(prefix + std::to_string(I) + ".",
                                                  offset + param_offsets[I], fn),
       ...);
    }(std::make_index_sequence<depth>{});
  }
  /// Visits every buffer as (state_dict name, spec, offset in packed state).
  template <class Fn>
  static void for_each_buffer(const std::string& prefix, std::size_t offset, Fn&& fn) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer_traits::for_each_buffer<layer<I>>(prefix + std::to_string(I) + ".",
                                               offset + state_offsets[I], fn),
       ...);
    }(std::make_index_sequence<depth>{});
  }
  /// Initial values of every child's buffers, each from its own named sub-stream.
  static void reset_state(float* state, const rng& gen) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer_traits::reset_state<layer<I>>(state + state_offsets[I], gen.fork(std::to_string(I))), ...);
    }(std::make_index_sequence<depth>{});
  }
  /// Calls visit(std::type_identity<Child>{}, child input shape) for each child, in order.
  template <class Visit>
  static void visit_children(dims in, Visit&& visit) {
    const auto s = shapes(in);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (visit(std::type_identity<layer<I>>{}, s[I]), ...);
    }(std::make_index_sequence<depth>{});
  }
  /// PyTorch's default initialisation, child by child, each from its own named sub-stream.
  static void reset_parameters(float* params, const rng& gen) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer_traits::reset_parameters<layer<I>>(params + param_offsets[I], gen.fork(std::to_string(I))),
       ...);
    }(std::make_index_sequence<depth>{});
  }

 private:
  // Child I absorbs child I+1 (an activation it applies as its output's epilogue): child I
  // writes child I+1's output, and child I+1 does nothing, forward or backward.
  template <std::size_t I, dims SeqIn, class Backend>
  static constexpr bool absorbs_next() {
    if constexpr (I + 1 >= depth) return false;
    else
      return layer_traits::absorbs<layer<I>, Backend>(layer_traits::as_epilogue<layer<I + 1>>(), shapes(SeqIn)[I]);
  }
  template <std::size_t I, dims SeqIn, class Backend>
  static constexpr epilogue absorbed_epilogue() {
    if constexpr (absorbs_next<I, SeqIn, Backend>()) return layer_traits::as_epilogue<layer<I + 1>>();
    else return epilogue::none;
  }
  template <std::size_t I, dims SeqIn, class Backend>
  static constexpr bool absorbed() {
    if constexpr (I == 0) return false;
    else return absorbs_next<I - 1, SeqIn, Backend>();
  }

  static float* activation(const plan_t& p, int source, const float* x, float* y, float* ws,
                           std::size_t batch) {
    if (source < 0) return const_cast<float*>(x);  // views alias the caller's input
    if (source == int(depth) - 1) return y;
    return ws + p.act[std::size_t(source)] * batch;
  }

  template <std::size_t I, dims SeqIn, class Backend>
  static void forward_child(Backend backend, const forward_args& a) {
    using L = layer<I>;
    constexpr dims In = shapes(SeqIn)[I];
    constexpr plan_t P = plan<Backend>(SeqIn);
    constexpr bool fused = absorbs_next<I, SeqIn, Backend>();
    if constexpr (absorbed<I, SeqIn, Backend>()) return;
    const float* x = activation(P, P.source[I], a.x, a.y, a.workspace, a.batch);
    float* y = activation(P, P.source[I + 1 + fused], a.x, a.y, a.workspace, a.batch);
    if constexpr (layer_traits::is_view<L>()) {
      if (I + 1 == depth) kernels::copy(backend, x, y, a.batch * In.size());
    } else {
      forward_layer<L, In>(backend, forward_args{.x = x, .y = y,
                                                    .params = a.params + param_offsets[I],
                                                    .state = a.state + state_offsets[I],
                                                    .workspace = a.workspace + P.ws[I] * a.batch,
                                                    .batch = a.batch, .training = a.training,
                                                    .gen = a.gen,
                                                    .post = absorbed_epilogue<I, SeqIn, Backend>(),
                                                    .cast = a.cast});
    }
  }

  template <std::size_t I, dims SeqIn, class Backend>
  static void backward_child(Backend backend, const backward_args& a, std::size_t first,
                             const float*& dy) {
    using L = layer<I>;
    constexpr dims In = shapes(SeqIn)[I];
    constexpr plan_t P = plan<Backend>(SeqIn);
    if (I < first) return;
    if constexpr (absorbed<I, SeqIn, Backend>()) return;  // dy passes through to the absorbing layer
    constexpr bool fused = absorbs_next<I, SeqIn, Backend>();
    float* grad_a = a.workspace + P.grad_a * a.batch;
    float* grad_b = a.workspace + P.grad_b * a.batch;
    float* dx = nullptr;
    if (I > first || a.dx) dx = (I == 0) ? a.dx : (dy == grad_a ? grad_b : grad_a);
    if constexpr (layer_traits::is_view<L>()) {
      if (I == 0 && dx) kernels::copy(backend, dy, dx, a.batch * In.size());
      else dx = const_cast<float*>(dy);
    } else {
      const float* x = activation(P, P.source[I], a.x, nullptr, a.workspace, a.batch);
      // Absorbing a layer, child I never wrote its own output: it gets the absorbed one's instead.
      const float* y = fused ? nullptr : activation(P, P.source[I + 1], a.x, const_cast<float*>(a.y), a.workspace, a.batch);
      const float* post_output = nullptr;
      if constexpr (fused)
        post_output = activation(P, P.source[I + 2], a.x, const_cast<float*>(a.y), a.workspace, a.batch);
      backward_layer<L, In>(backend, backward_args{.x = x, .y = y, .dy = dy, .dx = dx,
                                                      .params = a.params + param_offsets[I],
                                                      .state = a.state + state_offsets[I],
                                                      .grads = a.grads + param_offsets[I],
                                                      .workspace = a.workspace + P.ws[I] * a.batch,
                                                      .batch = a.batch, .training = a.training,
                                                      .post_output = post_output, .cast = a.cast});
    }
    dy = dx;
  }
};

namespace detail {
template <class... Ls>
constexpr std::size_t first_non_layer() {
  std::size_t i = 0, bad = sizeof...(Ls);
  ((bad = (bad == sizeof...(Ls) && !Layer<Ls>) ? i : bad, ++i), ...);
  return bad;
}
template <class... Ls>
struct report_non_layer
    : LAMINA_NOT_A_LAYER<at_position<first_non_layer<Ls...>()>, type_at<first_non_layer<Ls...>(), Ls...>> {};
}  // namespace detail

/// A layer list with a non-layer: reports the first one (LAMINA_NOT_A_LAYER), then behaves as
/// the network with every non-layer replaced by an inert stand-in, so nothing else fails.
template <class... Ls>
  requires(!(Layer<Ls> && ...))
struct Sequential<Ls...> : private detail::report_non_layer<Ls...>,
                           public Sequential<detail::layer_or_stand_in<Ls>...> {};

namespace detail {
template <class T> struct is_sequential : std::false_type {};
template <class... Ls> struct is_sequential<Sequential<Ls...>> : std::true_type {};
}  // namespace detail
/// Whether T is a Sequential<...>.
template <class T> inline constexpr bool is_sequential_v = detail::is_sequential<T>::value;

}  // namespace lamina
