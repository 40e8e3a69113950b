#pragma once
// Concat<Dim, Branches...> runs every branch on the same input and concatenates their outputs
// along PyTorch's dimension Dim (1 = a sample's channels), as torch.cat([b(x) for b in
// branches], dim). With lm::Identity as a branch it is the skip connection of a U-Net level:
//   Concat<1, Identity, Sequential<MaxPool2d<2>, Inner, Upsample<2>>>  ->  cat([x, inner(x)], 1)
// Parameters are named by branch index ("0.*", "1.*"), as in an nn.ModuleList.
#include <array>
#include <string>
#include <type_traits>

#include "../core/autocast.hpp"
#include "../core/layer.hpp"
#include "../core/sample_dims.hpp"
#include "../core/type_list.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

// Concat's messages when its branches' shapes do not fit together (core/shape_check.hpp).
/// The branch of a Concat that a message is about (0 = the first).
template <std::size_t I> struct in_branch {};
/// The shape that branch gives, in an error message.
template <class S> struct branch_gives {};
/// The shape the first branch gives, in an error message.
template <class S> struct first_branch_gives {};
/// Concat one of whose branches (named by in_branch) rejects the Concat's input.
template <class Position, class ConcatType, class Branch, class Got, class Expects>
struct LAMINA_CONCAT_BRANCH_REJECTS_INPUT {
  static_assert(detail::always_false<ConcatType>,
                "LAMINA_CONCAT_BRANCH_REJECTS_INPUT: every branch of a Concat gets the Concat's input "
                "(got<...> above); the branch in_branch<...> expects the shape in expects<...>.");
  static constexpr bool ok = false;  ///< Never true: instantiating the class is the error.
};
/// Concat one of whose branches (named by in_branch) gives a shape that cannot be concatenated
/// with the first branch's.
template <class Position, class ConcatType, class Branch, class BranchGives, class FirstGives>
struct LAMINA_CONCAT_SHAPES_DIFFER {
  static_assert(detail::always_false<ConcatType>,
                "LAMINA_CONCAT_SHAPES_DIFFER: Concat<Dim, ...> joins its branches' outputs along Dim, so "
                "they must have the same rank and the same extents in every other dimension; the branch "
                "in_branch<...> gives branch_gives<...> and the first branch first_branch_gives<...> (or "
                "Dim names no dimension of them).");
  static constexpr bool ok = false;  ///< Never true: instantiating the class is the error.
};

namespace detail {
template <class C, class Position, dims In>
struct concat_shape_error {
  static constexpr std::size_t k = C::first_rejecting(In);
  static constexpr bool rejected = k < C::branch_count;
  static constexpr std::size_t m = rejected ? 0 : C::first_misfit(In);  // k or m: the branch at fault
  using at_fault = typename C::template branch<rejected ? k : m>;
  static constexpr dims expected = rejected ? at_fault::expected(In) : In;
  static constexpr dims gives = rejected ? In : at_fault::output(In);
  static constexpr dims first_gives = rejected ? In : C::template branch<0>::output(In);
  using type = std::conditional_t<
      rejected,
      LAMINA_CONCAT_BRANCH_REJECTS_INPUT<Position, C, in_branch<k>, got<shape_of<In>>, expects<shape_of<expected>>>,
      LAMINA_CONCAT_SHAPES_DIFFER<Position, C, in_branch<m>, branch_gives<shape_of<gives>>,
                                  first_branch_gives<shape_of<first_gives>>>>;
};
}  // namespace detail

/// Runs every branch on the input and concatenates the outputs along PyTorch's dimension Dim
/// (1 is a sample's first dimension, -1 its last), as torch.cat([branch(x) ...], dim=Dim).
/// lm::Identity as a branch passes the input itself (a U-Net's skip connection).
template <int Dim, Layer... Branches>
struct Concat {
  static_assert(sizeof...(Branches) >= 1, "lamina::Concat: give at least one branch");
  static_assert(Dim != 0,
                "lamina::Concat: dim 0 is the batch; lamina layers act on each sample, so dim must name a "
                "sample's dimension (1, 2, ... or -1, -2, ...)");
  static constexpr std::size_t branch_count = sizeof...(Branches);  ///< Number of branches.
  /// Branch I.
  template <std::size_t I>
  using branch = detail::type_at<I, Branches...>;

  static constexpr std::string_view name = "Concat";  ///< The layer's name in summaries.
  /// Number of parameters: the branches', in order.
  static constexpr std::size_t param_count = (Branches::param_count + ... + 0);
  /// Floats of buffers: the branches', in order.
  static constexpr std::size_t state_count = (layer_traits::state_count<Branches>() + ... + 0);
  /// Where each branch's parameters and buffers start.
  ///@{
  static constexpr std::array<std::size_t, branch_count + 1> param_offsets =
      detail::prefix_sums<Branches::param_count...>();
  static constexpr std::array<std::size_t, branch_count + 1> state_offsets =
      detail::prefix_sums<layer_traits::state_count<Branches>()...>();
  ///@}

  /// Index of the first branch that rejects `in` (branch_count if none).
  static constexpr std::size_t first_rejecting(dims in) {
    const bool accepts[] = {Branches::accepts(in)...};
    for (std::size_t i = 0; i < branch_count; ++i)
      if (!accepts[i]) return i;
    return branch_count;
  }
  /// Index of the first branch whose output cannot join the first's along Dim (branch_count if
  /// none); every branch must accept `in`.
  static constexpr std::size_t first_misfit(dims in) {
    const dims outs[] = {Branches::output(in)...};
    if (!detail::names_sample_dim(Dim, outs[0])) return 0;
    const std::size_t d = detail::sample_dim(Dim, outs[0].rank);
    for (std::size_t i = 1; i < branch_count; ++i) {
      if (outs[i].rank != outs[0].rank) return i;
      for (std::size_t k = 0; k < outs[0].rank; ++k)
        if (k != d && outs[i][k] != outs[0][k]) return i;
    }
    return branch_count;
  }
  /// Whether every branch accepts `in` and their outputs join along Dim.
  static constexpr bool accepts(dims in) {
    return first_rejecting(in) == branch_count && first_misfit(in) == branch_count;
  }
  /// What the first rejecting branch expects; `in` when the branches accept it but do not fit.
  static constexpr dims expected(dims in) {
    const dims e[] = {Branches::expected(in)...};
    const std::size_t k = first_rejecting(in);
    return k < branch_count ? e[k] : in;
  }
  /// The first branch's output with the branches' extents along Dim summed.
  static constexpr dims output(dims in) {
    const dims outs[] = {Branches::output(in)...};
    dims out = outs[0];
    const std::size_t d = detail::sample_dim(Dim, out.rank);
    out.d[d] = 0;
    for (const dims& o : outs) out.d[d] += o[d];
    return out;
  }
  /// The compile-time message when accepts(in) is false: which branch, and why.
  template <class Position, dims In>
  using shape_error = typename detail::concat_shape_error<Concat, Position, In>::type;
  /// Floating-point operations per sample: every branch's, and the copy.
  static constexpr std::size_t flops(dims in) { return (layer_traits::flops<Branches>(in) + ... + output(in).size()); }
  /// The layer in a summary, e.g. "Concat(dim=1, Identity(), Sequential(...))".
  static std::string describe() {
    std::string s = "Concat(dim=" + std::to_string(Dim);
    ((s += ", " + layer_traits::describe<Branches>()), ...);
    return s + ")";
  }

  /// Per-sample workspace on Backend: each branch's output and workspace, one branch's share of
  /// the output gradient at a time, and a dx scratch.
  struct plan_t {
    /// Offsets of the regions in floats, and the plan's size.
    ///@{
    std::array<std::size_t, branch_count> out, ws;
    std::size_t dy, scratch, total;
    ///@}
  };
  /// The workspace plan for input `in` on Backend.
  template <class Backend>
  static constexpr plan_t plan(dims in) {
    plan_t p{};
    const dims outs[] = {Branches::output(in)...};
    const std::size_t ws[] = {layer_traits::workspace_per_sample<Branches, Backend>(in)...};
    const bool views[] = {layer_traits::is_view<Branches>()...};
    std::size_t at = 0, largest = 0;
    for (std::size_t i = 0; i < branch_count; ++i) {
      p.out[i] = at;
      at += views[i] ? 0 : detail::round16(outs[i].size());
      p.ws[i] = at;
      at += detail::round16(ws[i]);
      largest = outs[i].size() > largest ? outs[i].size() : largest;
    }
    p.dy = at;
    p.scratch = p.dy + detail::round16(largest);
    p.total = p.scratch + (branch_count > 1 ? detail::round16(in.size()) : 0);
    return p;
  }
  /// Floats of workspace per sample on Backend: the whole plan.
  template <class Backend>
  static constexpr std::size_t workspace_per_sample(dims in) { return plan<Backend>(in).total; }

  /// Each branch on x, its output copied into its slice of y.
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (forward_branch<I, In>(b, a), ...); }(
        std::make_index_sequence<branch_count>{});
  }
  /// Each branch's backward on its slice of dy; dx (when wanted) is the sum of theirs.
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (backward_branch<I, In>(b, a), ...); }(
        std::make_index_sequence<branch_count>{});
  }

  /// Calls visit(std::type_identity<Branch>{}, in) for each branch, in order.
  template <class Visit>
  static void visit_children(dims in, Visit&& visit) {
    (visit(std::type_identity<Branches>{}, in), ...);
  }
  /// Visits every parameter tensor as ("i.*" name, shape, offset).
  template <class Fn>
  static void for_each_parameter(const std::string& prefix, std::size_t offset, Fn&& fn) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer_traits::for_each_parameter<branch<I>>(prefix + std::to_string(I) + ".", offset + param_offsets[I], fn),
       ...);
    }(std::make_index_sequence<branch_count>{});
  }
  /// Visits every buffer as ("i.*" name, spec, offset).
  template <class Fn>
  static void for_each_buffer(const std::string& prefix, std::size_t offset, Fn&& fn) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer_traits::for_each_buffer<branch<I>>(prefix + std::to_string(I) + ".", offset + state_offsets[I], fn), ...);
    }(std::make_index_sequence<branch_count>{});
  }
  /// PyTorch's default initialisation of each branch, from the streams "0", "1", ...
  static void reset_parameters(float* params, const rng& gen) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer_traits::reset_parameters<branch<I>>(params + param_offsets[I], gen.fork(std::to_string(I))), ...);
    }(std::make_index_sequence<branch_count>{});
  }
  /// Initial values of each branch's buffers.
  static void reset_state(float* state, const rng& gen) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer_traits::reset_state<branch<I>>(state + state_offsets[I], gen.fork(std::to_string(I))), ...);
    }(std::make_index_sequence<branch_count>{});
  }

 private:
  // Branch I's slice of the output: y viewed as [blocks, total, inner] holds the branch's
  // [blocks, extent, inner] at offset `first` along the middle.
  struct slice {
    std::size_t blocks, length, stride, first;  // runs, run length, output run stride, run start
  };
  template <std::size_t I, dims In>
  static constexpr slice slice_of(std::size_t batch) {
    const dims outs[] = {Branches::output(In)...};
    const dims out = output(In);
    const std::size_t d = detail::sample_dim(Dim, out.rank);
    std::size_t outer = 1, inner = 1, before = 0;
    for (std::size_t k = 0; k < d; ++k) outer *= out[k];
    for (std::size_t k = d + 1; k < out.rank; ++k) inner *= out[k];
    for (std::size_t i = 0; i < I; ++i) before += outs[i][d];
    return {batch * outer, outs[I][d] * inner, out[d] * inner, before * inner};
  }

  template <std::size_t I, dims In, class B>
  static void forward_branch(B b, const forward_args& a) {
    using L = branch<I>;
    constexpr plan_t p = plan<B>(In);
    const std::size_t n = a.batch;
    const float* out = a.x;  // a view's output is its input
    if constexpr (!layer_traits::is_view<L>()) {
      float* y = a.workspace + p.out[I] * n;
      forward_layer<L, In>(b, forward_args{.x = a.x, .y = y, .params = a.params + param_offsets[I],
                                           .state = a.state + state_offsets[I], .workspace = a.workspace + p.ws[I] * n,
                                           .batch = n, .training = a.training, .gen = a.gen, .cast = a.cast});
      out = y;
    }
    constexpr slice s = slice_of<I, In>(1);
    kernels::copy_blocks(b, out, a.y + s.first, s.blocks * n, s.length, s.length, s.stride);
  }

  template <std::size_t I, dims In, class B>
  static void backward_branch(B b, const backward_args& a) {
    using L = branch<I>;
    constexpr plan_t p = plan<B>(In);
    const std::size_t n = a.batch;
    constexpr slice s = slice_of<I, In>(1);
    float* dy = a.workspace + p.dy * n;
    kernels::copy_blocks(b, a.dy + s.first, dy, s.blocks * n, s.length, s.stride, s.length);
    float* dx = !a.dx ? nullptr : I == 0 ? a.dx : a.workspace + p.scratch * n;
    if constexpr (layer_traits::is_view<L>()) {
      if (!dx) return;
      if (I == 0) kernels::copy_blocks(b, dy, dx, 1, n * In.size(), 0, 0);
      else kernels::add(b, a.dx, dy, a.dx, n * In.size());
    } else {
      backward_layer<L, In>(b, backward_args{.x = a.x, .y = a.workspace + p.out[I] * n, .dy = dy, .dx = dx,
                                             .params = a.params + param_offsets[I],
                                             .state = a.state + state_offsets[I], .grads = a.grads + param_offsets[I],
                                             .workspace = a.workspace + p.ws[I] * n, .batch = n,
                                             .training = a.training, .cast = a.cast});
      if (dx && I > 0) kernels::add(b, a.dx, dx, a.dx, n * In.size());
    }
  }
};

}  // namespace lamina
