#pragma once
// O(1)-depth indexing into a parameter pack: instantiation stays flat however long the
// network is (no recursive std::tuple_element chains).
#include <array>
#include <cstddef>
#include <utility>

namespace lamina::detail {

template <std::size_t I, class T> struct indexed { using type = T; };
template <class Seq, class... Ts> struct indexer;
template <std::size_t... I, class... Ts>
struct indexer<std::index_sequence<I...>, Ts...> : indexed<I, Ts>... {};
template <std::size_t I, class T> indexed<I, T> select(indexed<I, T>);

template <std::size_t I, class... Ts>
using type_at = typename decltype(select<I>(indexer<std::index_sequence_for<Ts...>, Ts...>{}))::type;

template <class T> inline constexpr bool always_false = false;

// Where each of a list of consecutive blocks of the given sizes starts, and (last) their total:
// a container's children's offsets in its packed parameters or buffers.
template <std::size_t... Sizes>
constexpr std::array<std::size_t, sizeof...(Sizes) + 1> prefix_sums() {
  std::array<std::size_t, sizeof...(Sizes) + 1> off{};
  std::size_t i = 0;
  ((off[i + 1] = off[i] + Sizes, ++i), ...);
  return off;
}

}  // namespace lamina::detail
