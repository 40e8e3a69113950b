#pragma once
// Deterministic two-pass sums, the pattern of every GPU reduction in lamina (column sums,
// per-channel sums, batch-norm statistics, loss totals): `segments` sums of `length` terms each.
//   pass 1, index i = seg * parts + k: partial[i] = terms [k*chunk, (k+1)*chunk) of seg, in order
//   pass 2, index seg:                 out(seg, sum of partial[seg*parts ..], in order)
// The split depends on the sizes only, so a sum has the same bits on every run; no atomics.
#include <cstddef>

#include "../../core/config.hpp"
#include "index_math.hpp"

namespace lamina::kernels::device {

/// Parts per sum: about one per `per_part` terms, at most `max_parts`.
/// At least 1, also for an empty sum.
inline std::size_t sum_parts(std::size_t length, std::size_t per_part = 1024, std::size_t max_parts = 256) {
  const std::size_t p = (length + per_part - 1) / per_part;
  return p < 1 ? 1 : (p > max_parts ? max_parts : p);
}

/// Pass 1 of a segmented sum, index i = seg * parts + k: partial[i] is the in-order sum of
/// chunk k of segment seg's terms (chunks of ceil(length / parts) terms; T{} when empty).
/// Term: LAMINA_HOST_DEVICE T operator()(seg, j) const.
template <class T, class Term>
struct partial_sum_op {
  /// `term` gives term j of segment seg; each segment has `length` terms, split into `parts`
  /// chunks; `partial` [segments * parts] receives the chunk sums.
  ///@{
  Term term; std::size_t length, parts; T* partial;
  ///@}
  /// Sums chunk i % parts of segment i / parts.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t seg = i / parts, k = i % parts, chunk = (length + parts - 1) / parts;
    const std::size_t b = k * chunk, e = min_size(length, b + chunk);
    T s{};
    for (std::size_t j = b; j < e; ++j) s += term(seg, j);
    partial[i] = s;
  }
};
/// Pass 2 of a segmented sum, index seg: adds segment seg's partial sums in order and hands
/// the total to the finish functor.
/// Finish: LAMINA_HOST_DEVICE void operator()(seg, T total) const.
template <class T, class Finish>
struct finish_sum_op {
  /// `partial` [segments * parts] from partial_sum_op, `parts` partial sums per segment, and
  /// `finish`, called once per segment with its total.
  ///@{
  const T* partial; std::size_t parts; Finish finish;
  ///@}
  /// Adds up segment seg's partial sums and calls finish(seg, total).
  LAMINA_HOST_DEVICE void operator()(std::size_t seg) const {
    T s{};
    for (std::size_t k = 0; k < parts; ++k) s += partial[seg * parts + k];
    finish(seg, s);
  }
};

/// Two doubles summed together (batch-norm's sum(dy) and sum(dy * xhat)).
struct double2_sum {
  /// The two sums, both starting at 0: `a` (batch norm: sum(dy)) and `b` (sum(dy xhat)).
  ///@{
  double a = 0, b = 0;
  ///@}
  /// Adds o's sums component-wise.
  LAMINA_HOST_DEVICE double2_sum& operator+=(const double2_sum& o) {
    a += o.a;
    b += o.b;
    return *this;
  }
};

/// Terms of the column sums of x [rows, cols]: seg = column, j = row.
struct column_term {
  /// `x` the matrix [rows, cols], row-major, and its row length `cols`.
  ///@{
  const float* x; std::size_t cols;
  ///@}
  /// Term r of column c: x[r, c].
  LAMINA_HOST_DEVICE float operator()(std::size_t c, std::size_t r) const { return x[r * cols + c]; }
};
/// Terms of the per-channel sums of y [batch, C, P]: seg = channel, j = n * P + p.
struct channel_term {
  /// `y` [batch, C, P], its number of channels `C` and its elements per channel and sample `P`.
  ///@{
  const float* y; std::size_t C, P;
  ///@}
  /// Term j = n * P + p of channel c: y[n, c, p].
  LAMINA_HOST_DEVICE float operator()(std::size_t c, std::size_t j) const {
    const std::size_t n = j / P, p = j % P;
    return y[(n * C + c) * P + p];
  }
};
/// channel_term's terms as doubles, for per-channel sums in double (convolution bias
/// gradients, batch-norm means).
struct channel_term_double {
  /// `y` [batch, C, P], its number of channels `C` and its elements per channel and sample `P`.
  ///@{
  const float* y; std::size_t C, P;
  ///@}
  /// Term j = n * P + p of channel c, y[n, c, p], as a double.
  LAMINA_HOST_DEVICE double operator()(std::size_t c, std::size_t j) const { return channel_term{y, C, P}(c, j); }
};
/// Finish that stores segment seg's total, rounded to float, in out[seg].
template <class T>
struct store_sum {
  float* out;  ///< The totals, one per segment.
  /// Stores segment seg's total s.
  LAMINA_HOST_DEVICE void operator()(std::size_t seg, T s) const { out[seg] = float(s); }
};
/// One array as one segment's terms, summed in double (kernels::sum; per-sample losses).
struct float_as_double_term {
  const float* x;  ///< The terms, one per element.
  /// Term j, x[j], as a double (the segment index is ignored: there is one).
  LAMINA_HOST_DEVICE double operator()(std::size_t, std::size_t j) const { return x[j]; }
};
/// Finish of a one-segment sum: stores the total, in double, where `out` points.
struct store_total {
  double* out;  ///< Where the total goes (one double).
  /// Stores the total s (the segment index is ignored: there is one).
  LAMINA_HOST_DEVICE void operator()(std::size_t, double s) const { *out = s; }
};
/// Terms of a plain array of doubles (per-sample losses): one segment.
struct double_term {
  const double* x;  ///< The terms, one per element.
  /// Term j, x[j] (the segment index is ignored: there is one).
  LAMINA_HOST_DEVICE double operator()(std::size_t, std::size_t j) const { return x[j]; }
};

/// Host version of the two passes (the CUDA one is kernels::detail::segmented_sum).
/// `segments` sums of `length` terms each, in `parts` parts, with `partial` as scratch of
/// segments * parts elements; the totals go to `finish`. Lets the host tests run the GPU's
/// reduction bodies.
template <class T, class Term, class Finish>
void host_segmented_sum(std::size_t segments, std::size_t length, std::size_t parts, Term term, Finish finish,
                        T* partial) {
  host_for(segments * parts, partial_sum_op<T, Term>{term, length, parts, partial});
  host_for(segments, finish_sum_op<T, Finish>{partial, parts, finish});
}

}  // namespace lamina::kernels::device
