#pragma once
// Per-sample shapes. `Shape<Dims...>` is the public, printable type; `dims` is the same
// shape as a constexpr value, so that layers compute output shapes with plain constexpr
// functions instead of deep template recursion (cheap to compile, easy to read).
#include <array>
#include <cstddef>
#include <string>
#include <utility>

namespace lamina {

/// The most dimensions a shape may have.
inline constexpr std::size_t max_rank = 6;

/// A shape as a constexpr value: rank and extents. Usable as a template argument, so layers
/// compute output shapes with plain constexpr functions.
struct dims {
  std::size_t rank = 0;                   ///< Number of dimensions.
  std::array<std::size_t, max_rank> d{};  ///< The extents; those past rank are 0.

  constexpr dims() = default;
  /// The shape with extents ds... (see make_dims).
  template <class... Ds>
  constexpr explicit dims(std::in_place_t, Ds... ds) : rank(sizeof...(Ds)), d{std::size_t(ds)...} {}

  /// Extent of dimension i.
  constexpr std::size_t operator[](std::size_t i) const { return d[i]; }
  /// Number of elements (the product of the extents; 1 for rank 0).
  constexpr std::size_t size() const {
    std::size_t s = 1;
    for (std::size_t i = 0; i < rank; ++i) s *= d[i];
    return s;
  }
  /// Extent of the last dimension (0 for rank 0).
  constexpr std::size_t back() const { return rank ? d[rank - 1] : 0; }
  /// Same rank and extents.
  constexpr bool operator==(const dims&) const = default;
};

/// The dims value with extents ds..., e.g. make_dims(1, 28, 28).
template <class... Ds>
constexpr dims make_dims(Ds... ds) { return dims(std::in_place, ds...); }

/// The shape as "[1, 28, 28]".
inline std::string to_string(const dims& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.rank; ++i) out += (i ? ", " : "") + std::to_string(s.d[i]);
  return out + "]";
}

/// The shape of one sample, batch dimension excluded, as a type: Shape<1, 28, 28> is a
/// 28x28 single-channel image (PyTorch's [C, H, W]). Networks and models are typed by it.
template <std::size_t... Dims>
struct Shape {
  static_assert(sizeof...(Dims) <= max_rank, "lamina::Shape: at most 6 dimensions per sample");
  static_assert(((Dims > 0) && ...), "lamina::Shape: every dimension must be at least 1");
  static constexpr std::size_t rank = sizeof...(Dims);                ///< Number of dimensions.
  static constexpr std::size_t size = (std::size_t{1} * ... * Dims);  ///< Number of elements.
  static constexpr dims value = make_dims(Dims...);                  ///< The same shape as a value.
  /// The shape as "[1, 28, 28]".
  static std::string str() { return to_string(value); }
};

namespace detail {
template <class T> struct is_shape : std::false_type {};
template <std::size_t... D> struct is_shape<Shape<D...>> : std::true_type {};

template <dims V, class Seq = std::make_index_sequence<V.rank>> struct shape_of_impl;
template <dims V, std::size_t... I> struct shape_of_impl<V, std::index_sequence<I...>> {
  using type = Shape<V.d[I]...>;
};
}  // namespace detail

/// A Shape<...> type.
template <class T>
concept ShapeType = detail::is_shape<T>::value;

/// dims value -> Shape<...> type (for error messages and output_shape_t).
template <dims V>
using shape_of = typename detail::shape_of_impl<V>::type;

}  // namespace lamina
