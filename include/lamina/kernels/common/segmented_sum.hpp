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

// Parts per sum: about one per `per_part` terms, at most `max_parts`.
inline std::size_t sum_parts(std::size_t length, std::size_t per_part = 1024, std::size_t max_parts = 256) {
  const std::size_t p = (length + per_part - 1) / per_part;
  return p < 1 ? 1 : (p > max_parts ? max_parts : p);
}

// Term: LAMINA_HOST_DEVICE T operator()(seg, j) const.
template <class T, class Term>
struct partial_sum_op {
  Term term; std::size_t length, parts; T* partial;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const std::size_t seg = i / parts, k = i % parts, chunk = (length + parts - 1) / parts;
    const std::size_t b = k * chunk, e = min_size(length, b + chunk);
    T s{};
    for (std::size_t j = b; j < e; ++j) s += term(seg, j);
    partial[i] = s;
  }
};
// Finish: LAMINA_HOST_DEVICE void operator()(seg, T total) const.
template <class T, class Finish>
struct finish_sum_op {
  const T* partial; std::size_t parts; Finish finish;
  LAMINA_HOST_DEVICE void operator()(std::size_t seg) const {
    T s{};
    for (std::size_t k = 0; k < parts; ++k) s += partial[seg * parts + k];
    finish(seg, s);
  }
};

// Two doubles summed together (batch-norm's sum(dy) and sum(dy * xhat)).
struct double2_sum {
  double a = 0, b = 0;
  LAMINA_HOST_DEVICE double2_sum& operator+=(const double2_sum& o) {
    a += o.a;
    b += o.b;
    return *this;
  }
};

// Terms of the column sums of x [rows, cols]: seg = column, j = row.
struct column_term {
  const float* x; std::size_t cols;
  LAMINA_HOST_DEVICE float operator()(std::size_t c, std::size_t r) const { return x[r * cols + c]; }
};
// Terms of the per-channel sums of y [batch, C, P]: seg = channel, j = n * P + p.
struct channel_term {
  const float* y; std::size_t C, P;
  LAMINA_HOST_DEVICE float operator()(std::size_t c, std::size_t j) const {
    const std::size_t n = j / P, p = j % P;
    return y[(n * C + c) * P + p];
  }
};
struct channel_term_double {
  const float* y; std::size_t C, P;
  LAMINA_HOST_DEVICE double operator()(std::size_t c, std::size_t j) const { return channel_term{y, C, P}(c, j); }
};
template <class T>
struct store_sum {
  float* out;
  LAMINA_HOST_DEVICE void operator()(std::size_t seg, T s) const { out[seg] = float(s); }
};
// One array as one segment's terms, summed in double (kernels::sum; per-sample losses).
struct float_as_double_term {
  const float* x;
  LAMINA_HOST_DEVICE double operator()(std::size_t, std::size_t j) const { return x[j]; }
};
struct store_total {
  double* out;
  LAMINA_HOST_DEVICE void operator()(std::size_t, double s) const { *out = s; }
};
// Terms of a plain array of doubles (per-sample losses): one segment.
struct double_term {
  const double* x;
  LAMINA_HOST_DEVICE double operator()(std::size_t, std::size_t j) const { return x[j]; }
};

// Host version of the two passes (the CUDA one is kernels::detail::segmented_sum).
template <class T, class Term, class Finish>
void host_segmented_sum(std::size_t segments, std::size_t length, std::size_t parts, Term term, Finish finish,
                        T* partial) {
  host_for(segments * parts, partial_sum_op<T, Term>{term, length, parts, partial});
  host_for(segments, finish_sum_op<T, Finish>{partial, parts, finish});
}

}  // namespace lamina::kernels::device
