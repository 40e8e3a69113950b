#pragma once
// Inverted dropout with a counter-based generator: element i's coin is a hash of (seed, i),
// so any split of the array over threads draws the same mask.
#include <cstddef>
#include <cstdint>

#include "../../core/backend.hpp"
#include "../../core/config.hpp"
#include "elementwise.hpp"

namespace lamina::kernels {

namespace detail {
// Host and device (the CUDA backend draws the same masks with this very function).
LAMINA_HOST_DEVICE std::uint32_t coin_bits(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;  // splitmix64 finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return std::uint32_t((z ^ (z >> 31)) >> 40);  // 24 bits
}
}  // namespace detail

// mask[i] = 1/(1-p) with probability 1-p, else 0; y = x * mask.
LAMINA_INLINE void dropout_forward(cpu, const float* x, float* y, float* mask, std::size_t n, float p,
                                   std::uint64_t seed);

LAMINA_INLINE void multiply(cpu, const float* a, const float* b, float* out, std::size_t n);

}  // namespace lamina::kernels

#ifndef LAMINA_COMPILED_LIB
#include "dropout-inl.hpp"
#endif
