#pragma once
// kernels::parallel_for on the CPU (see kernels/common/parallel_for.hpp): fixed chunks over
// OpenMP threads once the work is large enough to pay for waking them, `omp simd` inside a
// chunk for element-wise functors.
#include <algorithm>
#include <cstddef>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "../common/parallel_for.hpp"

namespace lamina::kernels {

namespace detail {

inline constexpr std::size_t parallel_threshold = std::size_t{1} << 15;  // operations

// Calls body(begin, end) over [0, n), in parallel chunks of `chunk` when there are at least
// `threshold` indices.
template <class Body>
void for_ranges(std::size_t n, Body&& body, std::size_t chunk = 8192, std::size_t threshold = parallel_threshold) {
  if (n < threshold || n <= chunk) {
    body(std::size_t{0}, n);
    return;
  }
  const std::ptrdiff_t chunks = std::ptrdiff_t((n + chunk - 1) / chunk);
  LAMINA_OMP(omp parallel for schedule(static))
  for (std::ptrdiff_t c = 0; c < chunks; ++c)
    body(std::size_t(c) * chunk, std::min(n, std::size_t(c + 1) * chunk));
}

}  // namespace detail

/// Waits for the work a backend has queued (for timing): CPU kernels return when they are done.
inline void synchronize(cpu) {}

/// Runs f(0), ..., f(n - 1): OpenMP threads over fixed chunks once n is large, each chunk
/// an `omp simd` loop (for element-wise functors).
template <class F>
void parallel_for(cpu, std::size_t n, const F& f) {
  detail::for_ranges(n, [&f](std::size_t b, std::size_t e) {
    LAMINA_OMP(omp simd)
    for (std::size_t i = b; i < e; ++i) f(i);
  });
}

/// Runs f(0), ..., f(items.n - 1) for items of about items.work operations each: threads
/// over items once the total work pays for them, no vectorisation across items.
template <class F>
void parallel_for(cpu, per_item items, const F& f) {
  const std::size_t work = std::max<std::size_t>(items.work, 1);
  const std::size_t threshold = (detail::parallel_threshold + work - 1) / work;
  const std::size_t chunk = std::max<std::size_t>(1, 8192 / work);
  detail::for_ranges(items.n, [&f](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) f(i);
  }, chunk, threshold);
}

}  // namespace lamina::kernels
