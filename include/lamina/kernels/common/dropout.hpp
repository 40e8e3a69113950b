#pragma once
// Inverted dropout with a counter-based generator: element i's coin is a hash of (seed, i), so
// any split of the array over threads, and every backend, draws the same mask for a seed.
#include <cstddef>
#include <cstdint>

#include "../../core/config.hpp"

namespace lamina::kernels::device {

// 24 random bits for element i (the splitmix64 finaliser).
LAMINA_HOST_DEVICE std::uint32_t coin_bits(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return std::uint32_t((z ^ (z >> 31)) >> 40);
}

// mask[i] = keep_scale = 1/(1-p) with probability 1-p, else 0; y = x * mask.
struct dropout_forward_op {
  const float* x; float* y; float* mask; std::uint64_t seed; std::uint32_t threshold; float keep_scale;
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const float m = coin_bits(seed, i) >= threshold ? keep_scale : 0.f;
    mask[i] = m;
    y[i] = x[i] * m;
  }
  // The op for drop probability p.
  static dropout_forward_op make(const float* x, float* y, float* mask, std::uint64_t seed, float p) {
    return {x, y, mask, seed, std::uint32_t(double(p) * double(1u << 24)), p < 1.f ? 1.f / (1.f - p) : 0.f};
  }
};

}  // namespace lamina::kernels::device
