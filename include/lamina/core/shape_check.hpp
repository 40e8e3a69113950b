#pragma once
// Where a network meets its input shape. The first layer that rejects the shape it receives
// is reported once, as the template arguments of LAMINA_SHAPE_MISMATCH (core/layer.hpp) or of
// the layer's own, more specific message, which compilers print in full: the layer's position
// (a path for nested Sequentials), its type, the shape it got and the shape it expects.
// Everything after the mismatch is silenced, so the user sees one error, not a cascade.
#include "layer.hpp"
#include "sequential.hpp"

namespace lamina {

namespace detail {

template <class Net, dims In, std::size_t... Path>
struct shape_report;

// The message for a leaf layer that rejects its input: the layer's own `shape_error` alias if
// it has one (a specific hint, e.g. Linear's "insert Flatten"), else LAMINA_SHAPE_MISMATCH.
template <class L, dims Got, class Position>
struct shape_error_of {
  static constexpr dims expected_dims = L::expected(Got);
  using type = LAMINA_SHAPE_MISMATCH<Position, L, got<shape_of<Got>>, expects<shape_of<expected_dims>>>;
};
template <class L, dims Got, class Position>
  requires requires { typename L::template shape_error<Position, Got>; }
struct shape_error_of<L, Got, Position> {
  using type = typename L::template shape_error<Position, Got>;
};

// The mismatch at a leaf layer: instantiating its message type is the error.
template <class L, dims Got, class Position>
struct leaf_report {
  static constexpr bool ok = shape_error_of<L, Got, Position>::type::ok;
};

template <class Net, dims In, std::size_t... Path>
struct shape_report {
  static constexpr std::size_t k = Net::first_mismatch(In);
  using L = typename Net::template layer<k>;
  static constexpr dims got_dims = Net::shapes(In)[k];
  // Nested Sequentials report the inner layer, with its path.
  using next = std::conditional_t<is_sequential_v<L>, shape_report<L, got_dims, Path..., k>,
                                  leaf_report<L, got_dims, at_position<Path..., k>>>;
  static constexpr bool ok = next::ok;
};

template <Layer Net, dims In>
constexpr bool check_shapes() {
  if constexpr (Net::accepts(In)) return true;
  else if constexpr (is_sequential<Net>::value) return shape_report<Net, In>::ok;
  else return shape_report<Sequential<Net>, In>::ok;
}

}  // namespace detail

/// The checked output shape of `Net` for a per-sample input `InShape`. A layer that rejects
/// the shape reaching it is reported at compile time (LAMINA_SHAPE_MISMATCH and the like).
template <Layer Net, ShapeType InShape>
struct output_shape {
  /// Whether every layer accepts its input.
  static constexpr bool valid = detail::check_shapes<Net, InShape::value>();
  /// The output shape as a value (the input shape when not valid).
  static constexpr dims value = valid ? Net::output(InShape::value) : InShape::value;
  using type = shape_of<value>;  ///< The output shape as a Shape<...> type.
};
/// The output shape of `Net` for input `InShape`, e.g.
/// `output_shape_t<FashionMLP, Shape<1, 28, 28>>` is `Shape<10>`.
template <Layer Net, ShapeType InShape>
using output_shape_t = typename output_shape<Net, InShape>::type;

/// Floating-point operations of one sample's forward pass of a network on an input shape
/// (a per-sample compile-time cost).
template <Layer Net, ShapeType InShape>
inline constexpr std::size_t forward_flops_v =
    output_shape<Net, InShape>::valid ? Net::flops(InShape::value) : 0;

/// Floats of activations (every layer's output, what backward keeps) per sample, in bytes.
template <Layer Net, ShapeType InShape>
inline constexpr std::size_t activation_bytes_v = [] {
  if constexpr (!output_shape<Net, InShape>::valid) return std::size_t{0};
  else if constexpr (is_sequential_v<Net>) return Net::activation_floats(InShape::value) * sizeof(float);
  else return Net::output(InShape::value).size() * sizeof(float);
}();

}  // namespace lamina
