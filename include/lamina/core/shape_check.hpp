#pragma once
// Where a network meets its input shape. The first layer that rejects the shape it receives
// is reported once, as the template arguments of LAMINA_SHAPE_MISMATCH, which compilers
// print in full: the layer's position (a path for nested Sequentials), its type, the shape it
// got and the shape it expects. Everything after the mismatch is silenced, so the user sees
// one error, not a cascade.
#include "layer.hpp"
#include "sequential.hpp"

namespace lamina {

template <std::size_t... Path> struct at_position {};  // at_position<3, 1>: child 1 of layer 3
template <class S> struct got {};
template <class S> struct expects {};

template <class Position, class LayerType, class Got, class Expects>
struct LAMINA_SHAPE_MISMATCH {
  static_assert(detail::always_false<LayerType>,
                "LAMINA_SHAPE_MISMATCH: a layer cannot take the shape that reaches it. "
                "Read LAMINA_SHAPE_MISMATCH<at_position<index>, layer type, got<shape>, "
                "expects<shape>> above (indices count from 0, shapes exclude the batch).");
  static constexpr bool ok = false;
};

namespace detail {

template <class Net, dims In, std::size_t... Path>
struct shape_report;

// The mismatch at a leaf layer: instantiating LAMINA_SHAPE_MISMATCH is the error message.
template <class L, dims Got, class Position>
struct leaf_report {
  static constexpr dims expected_dims = L::expected(Got);
  static constexpr bool ok =
      LAMINA_SHAPE_MISMATCH<Position, L, got<shape_of<Got>>, expects<shape_of<expected_dims>>>::ok;
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

// The checked output shape of `Net` for a per-sample input `InShape`.
template <Layer Net, ShapeType InShape>
struct output_shape {
  static constexpr bool valid = detail::check_shapes<Net, InShape::value>();
  static constexpr dims value = valid ? Net::output(InShape::value) : InShape::value;
  using type = shape_of<value>;
};
template <Layer Net, ShapeType InShape>
using output_shape_t = typename output_shape<Net, InShape>::type;

// Per-sample compile-time costs of a network on an input shape.
template <Layer Net, ShapeType InShape>
inline constexpr std::size_t forward_flops_v =
    output_shape<Net, InShape>::valid ? Net::flops(InShape::value) : 0;

// Floats of activations (every layer's output, what backward keeps) per sample, in bytes.
template <Layer Net, ShapeType InShape>
inline constexpr std::size_t activation_bytes_v = [] {
  if constexpr (!output_shape<Net, InShape>::valid) return std::size_t{0};
  else if constexpr (is_sequential_v<Net>) return Net::activation_floats(InShape::value) * sizeof(float);
  else return Net::output(InShape::value).size() * sizeof(float);
}();

}  // namespace lamina
