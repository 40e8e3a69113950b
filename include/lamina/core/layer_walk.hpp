#pragma once
// A network's leaves: the layers inside nested Sequentials and branching containers (Residual,
// Concat), each with its input
// shape and its position (the path of child indices down to it). A rule that every leaf must
// satisfy (a kernel for the model's backend, an ONNX mapping) is a test per leaf; the first
// leaf that fails it is reported once, by instantiating Report<at_position<path...>, Leaf>,
// a class whose static_assert is the message.
#include <concepts>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "layer.hpp"
#include "sequential.hpp"

namespace lamina::detail {

// A container whose children (branches) all take the container's own input: Residual (child 0
// the body, child 1 the projection when there is one) and Concat.
template <class L>
concept branching = requires {
  { L::branch_count } -> std::convertible_to<std::size_t>;
  typename L::template branch<0>;
};

// Whether Test<Leaf, In>::value holds for every leaf of L on input In.
template <template <class, dims> class Test, class L, dims In>
constexpr bool all_leaves() {
  if constexpr (is_sequential_v<L>) {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (all_leaves<Test, typename L::template layer<I>, L::shapes(In)[I]>() && ...);
    }(std::make_index_sequence<L::depth>{});
  } else if constexpr (branching<L>) {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (all_leaves<Test, typename L::template branch<I>, In>() && ...);
    }(std::make_index_sequence<L::branch_count>{});
  } else {
    return Test<L, In>::value;
  }
}

// Calls visit(std::type_identity<Leaf>{}, leaf input shape) for every leaf of L on input In, in
// order (usable in constant expressions).
template <class L, dims In, class Visit>
constexpr void for_each_leaf(Visit& visit) {
  if constexpr (is_sequential_v<L>) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (for_each_leaf<typename L::template layer<I>, L::shapes(In)[I]>(visit), ...);
    }(std::make_index_sequence<L::depth>{});
  } else if constexpr (branching<L>) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (for_each_leaf<typename L::template branch<I>, In>(visit), ...);
    }(std::make_index_sequence<L::branch_count>{});
  } else {
    visit(std::type_identity<L>{}, In);
  }
}

// Index of the first child of Sequential S with a leaf that fails Test.
template <template <class, dims> class Test, class S, dims In>
constexpr std::size_t first_failing_child() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    std::size_t bad = S::depth;
    ((bad = (bad == S::depth && !all_leaves<Test, typename S::template layer<I>, S::shapes(In)[I]>()) ? I : bad), ...);
    return bad;
  }(std::make_index_sequence<S::depth>{});
}

// Walks down to the first leaf that fails Test; instantiating its Report is the error.
template <template <class, dims> class Test, template <class, class> class Report, class L, dims In,
          std::size_t... Path>
struct failing_leaf_report {
  static constexpr bool ok = Report<at_position<Path...>, L>::ok;
};
template <template <class, dims> class Test, template <class, class> class Report, class L, dims In,
          std::size_t... Path>
  requires is_sequential_v<L>
struct failing_leaf_report<Test, Report, L, In, Path...> {
  static constexpr std::size_t k = first_failing_child<Test, L, In>();
  static constexpr bool ok =
      failing_leaf_report<Test, Report, typename L::template layer<k>, L::shapes(In)[k], Path..., k>::ok;
};
template <template <class, dims> class Test, template <class, class> class Report, class L, dims In,
          std::size_t... Path>
  requires(!is_sequential_v<L> && branching<L>)
struct failing_leaf_report<Test, Report, L, In, Path...> {
  static constexpr std::size_t k = []<std::size_t... I>(std::index_sequence<I...>) {
    std::size_t bad = L::branch_count;
    ((bad = (bad == L::branch_count && !all_leaves<Test, typename L::template branch<I>, In>()) ? I : bad), ...);
    return bad;
  }(std::make_index_sequence<L::branch_count>{});
  static constexpr bool ok = failing_leaf_report<Test, Report, typename L::template branch<k>, In, Path..., k>::ok;
};

// Network Net on input In: true when every leaf passes Test, else the report of the first that
// fails. A network that rejects its input shape has been reported already and is not again.
template <template <class, dims> class Test, template <class, class> class Report, class Net, dims In>
constexpr bool check_leaves() {
  if constexpr (all_leaves<Test, Net, In>()) return true;
  else if constexpr (!Net::accepts(In)) return false;
  else return failing_leaf_report<Test, Report, Net, In>::ok;
}

}  // namespace lamina::detail
