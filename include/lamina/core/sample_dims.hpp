#pragma once
// PyTorch's dimension indices on lamina's per-sample shapes. A layer argument such as
// Softmax's dim or Flatten's start_dim counts as in PyTorch, over the batch tensor: 0 is the
// batch, 1 the first dimension of a sample, and -1 the last. lamina's layers act on each sample,
// so a dim names one of the sample's dimensions; 0 (the batch itself) names none.
#include <cstddef>

#include "shape.hpp"

namespace lamina::detail {

// The fewest dimensions a sample needs for PyTorch's `dim` to name one of them
// (0 when `dim` is 0, the batch, which never does).
constexpr std::size_t rank_needed(int dim) {
  return dim > 0 ? std::size_t(dim) : dim < 0 ? std::size_t(-dim) : 0;
}
// Whether PyTorch's `dim` names a dimension of a sample of shape `in`.
constexpr bool names_sample_dim(int dim, const dims& in) { return dim != 0 && in.rank >= rank_needed(dim); }
// The per-sample index of PyTorch's `dim` on a sample of rank `rank` (names_sample_dim holds).
constexpr std::size_t sample_dim(int dim, std::size_t rank) {
  return dim > 0 ? std::size_t(dim) - 1 : rank - std::size_t(-dim);
}
// `in` with dimensions of 1 added until it has `rank` of them: at the end for a dim counted
// from the front (dim > 0), at the front for one counted from the end. For error messages: a
// shape the layer would accept, as close to `in` as possible.
constexpr dims padded_for(int dim, const dims& in, std::size_t rank) {
  if (in.rank >= rank) return in;
  dims out;
  out.rank = rank;
  const std::size_t pad = rank - in.rank;
  for (std::size_t i = 0; i < rank; ++i)
    out.d[i] = dim > 0 ? (i < in.rank ? in[i] : 1) : (i < pad ? 1 : in[i - pad]);
  return out;
}

}  // namespace lamina::detail
