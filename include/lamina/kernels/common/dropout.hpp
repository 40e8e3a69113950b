#pragma once
// Inverted dropout with a counter-based generator: element i's coin is a hash of (seed, i), so
// any split of the array over threads, and every backend, draws the same mask for a seed.
#include <cstddef>
#include <cstdint>

#include "../../core/config.hpp"

namespace lamina::kernels::device {

/// 24 random bits for element i (the splitmix64 finaliser).
/// A value in [0, 2^24) that depends only on (seed, i).
LAMINA_HOST_DEVICE std::uint32_t coin_bits(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return std::uint32_t((z ^ (z >> 31)) >> 40);
}

/// Dropout in training (torch.nn.functional.dropout), one element per index; make() builds it:
/// mask[i] = keep_scale = 1/(1-p) with probability 1-p, else 0; y = x * mask.
struct dropout_forward_op {
  /// `x` the input, `y` the output and `mask` the factor each element got (backward's
  /// dx = dy * mask), all of the same length; `seed` picks the mask; an element is kept when
  /// its coin_bits are at least `threshold` = p 2^24; `keep_scale` = 1/(1-p), 0 when p = 1.
  ///@{
  const float* x; float* y; float* mask; std::uint64_t seed; std::uint32_t threshold; float keep_scale;
  ///@}
  /// Draws element i's coin and writes mask[i] and y[i].
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const {
    const float m = coin_bits(seed, i) >= threshold ? keep_scale : 0.f;
    mask[i] = m;
    y[i] = x[i] * m;
  }
  /// The op for drop probability p.
  /// p is in [0, 1]; p = 1 drops every element (y = 0).
  static dropout_forward_op make(const float* x, float* y, float* mask, std::uint64_t seed, float p) {
    return {x, y, mask, seed, std::uint32_t(double(p) * double(1u << 24)), p < 1.f ? 1.f / (1.f - p) : 0.f};
  }
};

}  // namespace lamina::kernels::device
