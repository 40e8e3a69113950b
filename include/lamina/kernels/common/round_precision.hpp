#pragma once
// Rounding fp32 values to bf16 or fp16 and back, exactly as a conversion to torch.bfloat16 or
// torch.float16 and back does (round to nearest, ties to even; fp16 overflows to infinity past
// 65504 and has subnormals down to 2^-24). The results are floats again, so that the fp32
// kernels compute with bf16/fp16 operands: a product of two such values is exact in fp32, and
// the sums accumulate in fp32, as the tensor-core and AVX512-BF16 instructions do.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../../core/config.hpp"
#include "../../core/precision.hpp"

namespace lamina::kernels::fn {

/// The bits of a float.
LAMINA_HOST_DEVICE std::uint32_t float_bits(float v) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(v);
#else
  std::uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  return u;
#endif
}
/// The float with these bits.
LAMINA_HOST_DEVICE float bits_float(std::uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float v;
  std::memcpy(&v, &u, sizeof v);
  return v;
#endif
}

/// v rounded to bfloat16 (the top 16 bits of a float), nearest-even; NaN stays NaN.
LAMINA_HOST_DEVICE float round_bf16(float v) {
  const std::uint32_t u = float_bits(v);
  const std::uint32_t r = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
  return bits_float((u & 0x7fffffffu) > 0x7f800000u ? u : r);  // NaN stays NaN
}

/// v rounded to IEEE half precision, nearest-even: beyond 65504 (from 65520 on, the midpoint
/// to 2^16) it becomes infinite, below 2^-14 it keeps multiples of 2^-24 (fp16's subnormals).
/// Every case is computed and one picked with bit masks, without branches, so that loops
/// vectorise.
LAMINA_HOST_DEVICE float round_fp16(float v) {
  const std::uint32_t u = float_bits(v);
  const std::uint32_t a = u & 0x7fffffffu, sign = u & 0x80000000u;
  const std::uint32_t normal = (u + 0xfffu + ((u >> 13) & 1u)) & 0xffffe000u;
  // |v| < 2^-14: 0.75 + v lies in [0.5, 1), where floats are 2^-24 apart, so the addition rounds
  // v and the subtraction is exact (lamina is never built with -ffast-math, which would fold
  // them); a negative v that rounds to 0 keeps its sign, as the conversion does.
  const std::uint32_t subnormal = float_bits((v + 0.75f) - 0.75f) | sign;
  const std::uint32_t tiny = 0u - std::uint32_t(a < 0x38800000u);      // all ones when |v| < 2^-14
  const std::uint32_t huge = 0u - std::uint32_t(a >= 0x477ff000u);     // |v| >= 65520: infinity
  const std::uint32_t nan = 0u - std::uint32_t(a > 0x7f800000u);       // NaN stays NaN
  std::uint32_t r = (normal & ~tiny) | (subnormal & tiny);
  r = (r & ~huge) | ((sign | 0x7f800000u) & huge);
  return bits_float((r & ~nan) | (u & nan));
}

/// v rounded to precision P (fp32: v itself).
template <precision P>
LAMINA_HOST_DEVICE float round_to(float v) {
  if constexpr (P == precision::bf16) return round_bf16(v);
  else if constexpr (P == precision::fp16) return round_fp16(v);
  else return v;
}
/// v rounded to precision p (fp32: v itself).
LAMINA_HOST_DEVICE float round_to(precision p, float v) {
  return p == precision::bf16 ? round_bf16(v) : p == precision::fp16 ? round_fp16(v) : v;
}

}  // namespace lamina::kernels::fn

namespace lamina::kernels::device {

/// y[i] = x[i] rounded to P (x and y may be the same array).
template <precision P>
struct round_op {
  /// Source and destination, n floats each.
  ///@{
  const float* x; float* y;
  ///@}
  /// Rounds element i.
  LAMINA_HOST_DEVICE void operator()(std::size_t i) const { y[i] = fn::round_to<P>(x[i]); }
};

}  // namespace lamina::kernels::device
