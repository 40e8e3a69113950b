#pragma once
// Definitions for dropout.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>
#include <cstdint>

#include "dropout.hpp"

namespace lamina::kernels {

LAMINA_INLINE void dropout_forward(cpu, const float* x, float* y, float* mask, std::size_t n, float p,
                                   std::uint64_t seed) {
  const float keep_scale = p < 1.f ? 1.f / (1.f - p) : 0.f;
  const auto threshold = std::uint32_t(double(p) * double(1u << 24));
  detail::for_ranges(n, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      mask[i] = detail::coin_bits(seed, i) >= threshold ? keep_scale : 0.f;
      y[i] = x[i] * mask[i];
    }
  });
}

LAMINA_INLINE void multiply(cpu, const float* a, const float* b, float* out, std::size_t n) {
  detail::map(n, out, [](auto u, auto v) { return u * v; }, a, b);
}

}  // namespace lamina::kernels
