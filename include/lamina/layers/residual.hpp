#pragma once
// Residual<Body> computes y = Body(x) + x; Residual<Body, Projection> computes
// y = Body(x) + Projection(x) (e.g. a 1x1 convolution when channels or sizes change).
// Parameters are named "body.*" and "projection.*".
#include <string>
#include <type_traits>

#include "../core/autocast.hpp"
#include "../core/layer.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

// Residual's messages when the two branches' shapes cannot be added (core/shape_check.hpp).
/// The shape Residual's body gives, in an error message.
template <class S> struct body_gives {};
/// The shape Residual's projection gives, in an error message.
template <class S> struct projection_gives {};
/// Residual<Body> whose Body changes the shape, so that its output cannot be added to its input.
template <class Position, class ResidualType, class Got, class BodyGives>
struct LAMINA_RESIDUAL_BODY_CHANGES_SHAPE {
  static_assert(detail::always_false<ResidualType>,
                "LAMINA_RESIDUAL_BODY_CHANGES_SHAPE: Residual<Body> adds its input (got<...> above) "
                "to Body's output (body_gives<...>), so Body must keep the shape. Make it keep the "
                "shape (padding, stride 1, as many output channels as input channels), or project "
                "the shortcut: Residual<Body, Projection>, with a Projection that maps got<...> to "
                "body_gives<...> (e.g. a 1x1 lm::Conv2d with the body's stride).");
  static constexpr bool ok = false;  ///< Never true: instantiating the class is the error.
};
/// Residual<Body, Projection> whose Body and Projection give different shapes.
template <class Position, class ResidualType, class Got, class BodyGives, class ProjectionGives>
struct LAMINA_RESIDUAL_PROJECTION_MISMATCH {
  static_assert(detail::always_false<ResidualType>,
                "LAMINA_RESIDUAL_PROJECTION_MISMATCH: Residual<Body, Projection> adds Body's output "
                "(body_gives<...> above) to Projection's (projection_gives<...>), so both must give "
                "the same shape for the input got<...>: change the Projection's output channels or "
                "stride.");
  static constexpr bool ok = false;  ///< Never true: instantiating the class is the error.
};

namespace detail {
template <class R, class Position, dims In>
struct residual_shape_error {
  using body = typename R::body;
  using projection = typename R::projection;
  static constexpr bool body_accepts = body::accepts(In);
  static constexpr bool projection_accepts = !R::projected || projection::accepts(In);
  static constexpr dims failing_expected =
      !body_accepts ? body::expected(In) : !projection_accepts ? projection::expected(In) : In;
  static constexpr dims body_out = body_accepts ? body::output(In) : In;
  static constexpr dims projection_out = R::projected && projection_accepts ? projection::output(In) : In;
  using type = std::conditional_t<
      !body_accepts || !projection_accepts,
      LAMINA_SHAPE_MISMATCH<Position, R, got<shape_of<In>>, expects<shape_of<failing_expected>>>,
      std::conditional_t<R::projected,
                         LAMINA_RESIDUAL_PROJECTION_MISMATCH<Position, R, got<shape_of<In>>, body_gives<shape_of<body_out>>,
                                                             projection_gives<shape_of<projection_out>>>,
                         LAMINA_RESIDUAL_BODY_CHANGES_SHAPE<Position, R, got<shape_of<In>>, body_gives<shape_of<body_out>>>>>;
};
}  // namespace detail

/// A skip connection: y = Body(x) + x, or y = Body(x) + Projection(x) with a Projection (e.g.
/// a 1x1 convolution when channels or sizes change), as in ResNet. Parameters are named
/// "body.*" and "projection.*".
template <Layer Body, class Projection = void>
struct Residual {
  static constexpr bool projected = !std::is_void_v<Projection>;  ///< Whether there is a Projection.
  using body = Body;  ///< The main branch.
  using projection = std::conditional_t<projected, Projection, Body>;  ///< The shortcut's layer (Body: a placeholder when not projected)
  static_assert(!projected || Layer<Projection>, "lamina::Residual: the projection must be a layer");
  /// Number of branches: the body, and the projection when there is one.
  static constexpr std::size_t branch_count = projected ? 2 : 1;
  /// Branch I: the body (0) or the projection (1).
  template <std::size_t I>
  using branch = std::conditional_t<I == 0, Body, projection>;

  static constexpr std::string_view name = "Residual";  ///< The layer's name in summaries.
  /// Number of parameters: the body's, then the projection's.
  static constexpr std::size_t param_count = Body::param_count + (projected ? projection::param_count : 0);
  /// Floats of buffers: the body's, then the projection's.
  static constexpr std::size_t state_count =
      layer_traits::state_count<Body>() + (projected ? layer_traits::state_count<projection>() : 0);

  /// Whether Body (and Projection) accept `in` and the two sides of the sum have one shape.
  static constexpr bool accepts(dims in) {
    if (!Body::accepts(in)) return false;
    if constexpr (projected)
      return projection::accepts(in) && projection::output(in) == Body::output(in);
    else
      return Body::output(in) == in;
  }
  /// What went wrong: the body's or projection's own expectation, else the input must have the
  /// body's output shape for the sum to exist.
  static constexpr dims expected(dims in) {
    if (!Body::accepts(in)) return Body::expected(in);
    if constexpr (projected)
      if (!projection::accepts(in)) return projection::expected(in);
    return Body::output(in);
  }
  /// The compile-time message when accepts(in) is false.
  template <class Position, dims In>
  using shape_error = typename detail::residual_shape_error<Residual, Position, In>::type;
  /// Body's output shape.
  static constexpr dims output(dims in) { return Body::output(in); }
  /// Floating-point operations per sample: both branches and the sum.
  static constexpr std::size_t flops(dims in) {
    return layer_traits::flops<Body>(in) + (projected ? layer_traits::flops<projection>(in) : 0) +
           output(in).size();
  }
  /// The layer in a summary, e.g. "Residual(Linear(...), projection=...)".
  static std::string describe() {
    return "Residual(" + layer_traits::describe<Body>() +
           (projected ? ", projection=" + layer_traits::describe<projection>() : std::string()) + ")";
  }

  /// Per-sample workspace on Backend: body output | projection output | body ws | projection ws |
  /// dx scratch.
  struct plan_t {
    /// Offsets of the regions in floats, and the plan's size.
    ///@{
    std::size_t body_out, proj_out, body_ws, proj_ws, scratch, total;
    ///@}
  };
  /// The workspace plan for input `in` on Backend.
  template <class Backend>
  static constexpr plan_t plan(dims in) {
    plan_t p{};
    const std::size_t out = detail::round16(output(in).size());
    p.body_out = 0;
    p.proj_out = out;
    p.body_ws = p.proj_out + (projected ? out : 0);
    p.proj_ws = p.body_ws + detail::round16(layer_traits::workspace_per_sample<Body, Backend>(in));
    p.scratch = p.proj_ws + (projected ? detail::round16(layer_traits::workspace_per_sample<projection, Backend>(in)) : 0);
    p.total = p.scratch + (projected ? detail::round16(in.size()) : 0);
    return p;
  }
  /// Floats of workspace per sample on Backend: the whole plan.
  template <class Backend>
  static constexpr std::size_t workspace_per_sample(dims in) { return plan<Backend>(in).total; }

  /// y = Body(x) + x, or + Projection(x).
  template <dims In, class B> static void forward(B b, const forward_args& a) {
    constexpr plan_t p = plan<B>(In);
    const std::size_t n = a.batch;
    float* body_out = a.workspace + p.body_out * n;
    forward_layer<Body, In>(b, forward_args{.x = a.x, .y = body_out, .params = a.params, .state = a.state,
                                            .workspace = a.workspace + p.body_ws * n, .batch = n,
                                            .training = a.training, .gen = a.gen, .cast = a.cast});
    const float* skip = a.x;
    if constexpr (projected) {
      float* proj_out = a.workspace + p.proj_out * n;
      forward_layer<projection, In>(
          b, forward_args{.x = a.x, .y = proj_out, .params = a.params + Body::param_count,
                          .state = a.state + layer_traits::state_count<Body>(),
                          .workspace = a.workspace + p.proj_ws * n, .batch = n, .training = a.training,
                          .gen = a.gen, .cast = a.cast});
      skip = proj_out;
    }
    kernels::add(b, body_out, skip, a.y, n * output(In).size());
  }

  /// Both branches' gradients; dx (when wanted) is the sum of theirs.
  template <dims In, class B> static void backward(B b, const backward_args& a) {
    constexpr plan_t p = plan<B>(In);
    const std::size_t n = a.batch;
    backward_layer<Body, In>(b, backward_args{.x = a.x, .y = a.workspace + p.body_out * n, .dy = a.dy,
                                              .dx = a.dx, .params = a.params, .state = a.state,
                                              .grads = a.grads, .workspace = a.workspace + p.body_ws * n,
                                              .batch = n, .training = a.training, .cast = a.cast});
    if constexpr (projected) {
      float* scratch = a.dx ? a.workspace + p.scratch * n : nullptr;
      backward_layer<projection, In>(
          b, backward_args{.x = a.x, .y = a.workspace + p.proj_out * n, .dy = a.dy, .dx = scratch,
                           .params = a.params + Body::param_count,
                           .state = a.state + layer_traits::state_count<Body>(),
                           .grads = a.grads + Body::param_count, .workspace = a.workspace + p.proj_ws * n,
                           .batch = n, .training = a.training, .cast = a.cast});
      if (a.dx) kernels::add(b, a.dx, scratch, a.dx, n * In.size());
    } else {
      if (a.dx) kernels::add(b, a.dx, a.dy, a.dx, n * In.size());
    }
  }

  /// Calls visit(std::type_identity<Child>{}, input shape) for Body, then Projection.
  template <class Visit>
  static void visit_children(dims in, Visit&& visit) {
    visit(std::type_identity<Body>{}, in);
    if constexpr (projected) visit(std::type_identity<projection>{}, in);
  }

  /// Visits every parameter tensor as ("body.*" or "projection.*" name, shape, offset).
  template <class Fn>
  static void for_each_parameter(const std::string& prefix, std::size_t offset, Fn&& fn) {
    layer_traits::for_each_parameter<Body>(prefix + "body.", offset, fn);
    if constexpr (projected)
      layer_traits::for_each_parameter<projection>(prefix + "projection.", offset + Body::param_count, fn);
  }
  /// Visits every buffer as ("body.*" or "projection.*" name, spec, offset).
  template <class Fn>
  static void for_each_buffer(const std::string& prefix, std::size_t offset, Fn&& fn) {
    layer_traits::for_each_buffer<Body>(prefix + "body.", offset, fn);
    if constexpr (projected)
      layer_traits::for_each_buffer<projection>(prefix + "projection.",
                                                offset + layer_traits::state_count<Body>(), fn);
  }
  /// PyTorch's default initialisation of both branches, from the streams "body" and "projection".
  static void reset_parameters(float* params, const rng& gen) {
    layer_traits::reset_parameters<Body>(params, gen.fork("body"));
    if constexpr (projected)
      layer_traits::reset_parameters<projection>(params + Body::param_count, gen.fork("projection"));
  }
  /// Initial values of both branches' buffers.
  static void reset_state(float* state, const rng& gen) {
    layer_traits::reset_state<Body>(state, gen.fork("body"));
    if constexpr (projected)
      layer_traits::reset_state<projection>(state + layer_traits::state_count<Body>(), gen.fork("projection"));
  }
};

}  // namespace lamina
