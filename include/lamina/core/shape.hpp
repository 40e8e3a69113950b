#pragma once
// Per-sample shapes. `Shape<Dims...>` is the public, printable type; `dims` is the same
// shape as a constexpr value, so that layers compute output shapes with plain constexpr
// functions instead of deep template recursion (cheap to compile, easy to read).
#include <array>
#include <cstddef>
#include <string>
#include <utility>

namespace lamina {

inline constexpr std::size_t max_rank = 6;

struct dims {
  std::size_t rank = 0;
  std::array<std::size_t, max_rank> d{};

  constexpr dims() = default;
  template <class... Ds>
  constexpr explicit dims(std::in_place_t, Ds... ds) : rank(sizeof...(Ds)), d{std::size_t(ds)...} {}

  constexpr std::size_t operator[](std::size_t i) const { return d[i]; }
  constexpr std::size_t size() const {
    std::size_t s = 1;
    for (std::size_t i = 0; i < rank; ++i) s *= d[i];
    return s;
  }
  constexpr std::size_t back() const { return rank ? d[rank - 1] : 0; }
  constexpr bool operator==(const dims&) const = default;
};

template <class... Ds>
constexpr dims make_dims(Ds... ds) { return dims(std::in_place, ds...); }

inline std::string to_string(const dims& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.rank; ++i) out += (i ? ", " : "") + std::to_string(s.d[i]);
  return out + "]";
}

template <std::size_t... Dims>
struct Shape {
  static_assert(sizeof...(Dims) <= max_rank, "lamina::Shape: at most 6 dimensions per sample");
  static_assert(((Dims > 0) && ...), "lamina::Shape: every dimension must be at least 1");
  static constexpr std::size_t rank = sizeof...(Dims);
  static constexpr std::size_t size = (std::size_t{1} * ... * Dims);
  static constexpr dims value = make_dims(Dims...);
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

template <class T>
concept ShapeType = detail::is_shape<T>::value;

// dims value -> Shape<...> type (for error messages and output_shape_t).
template <dims V>
using shape_of = typename detail::shape_of_impl<V>::type;

}  // namespace lamina
