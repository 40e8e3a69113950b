#pragma once
// Autocast (mixed precision, as torch.autocast). A layer that runs matrix products declares
// `static constexpr bool autocast_to_lower_precision = true` (Linear, Conv2d, ConvTranspose2d).
// When its model runs under bf16 or fp16 (Model::autocast), each call of such a layer sees its
// input, incoming gradient and parameters rounded to that format (copies in the model's
// scratch), and its output, outgoing gradient and parameter gradients are rounded in place.
// The kernels stay fp32: products of rounded operands are exact in fp32 and the sums accumulate
// in fp32, which is what bf16/fp16 matrix units (tensor cores, AVX512-BF16) compute. Every other
// layer runs in fp32 on the rounded activations, and the parameters stay fp32 ("master weights").
#include <cstddef>

#include "../kernels/common/round_precision.hpp"
#include "../kernels/kernels.hpp"
#include "layer.hpp"
#include "precision.hpp"

namespace lamina {

namespace kernels {
/// y = x rounded to p, n floats in backend memory (x == y rounds in place; fp32 copies).
template <class Backend>
void round_to(Backend b, precision p, const float* x, float* y, std::size_t n) {
  if (p == precision::bf16) parallel_for(b, n, device::round_op<precision::bf16>{x, y});
  else if (p == precision::fp16) parallel_for(b, n, device::round_op<precision::fp16>{x, y});
  else if (x != y) copy(b, x, y, n);
}
}  // namespace kernels

namespace layer_traits {
/// Whether L runs its matrix products in the autocast precision (it declares
/// `autocast_to_lower_precision = true`).
template <Layer L> constexpr bool autocasts() {
  if constexpr (requires { L::autocast_to_lower_precision; }) return L::autocast_to_lower_precision;
  else return false;
}
}  // namespace layer_traits

/// Floats of autocast scratch a call of L on `in` needs: the rounded input and incoming gradient
/// (`per_sample`, times the batch) and the rounded parameters (`fixed`).
struct autocast_scratch {
  /// Floats per sample and floats whatever the batch.
  ///@{
  std::size_t per_sample = 0, fixed = 0;
  ///@}
  /// The floats for a batch of `batch` (room for each region's 64-byte alignment included).
  constexpr std::size_t floats(std::size_t batch) const { return batch * per_sample + fixed + 48; }
};

namespace detail {
// Rounded copies placed one after another in the autocast scratch, each 64-byte aligned.
template <class Backend>
struct rounded_copies {
  Backend b;
  precision p;
  float* next;
  const float* operator()(const float* src, std::size_t n) {
    float* dst = next;
    kernels::round_to(b, p, src, dst, n);
    next += round16(n);
    return dst;
  }
};
}  // namespace detail

/// Runs L's forward with forward_args `a`, under the autocast that `a.cast` names when L
/// autocasts (Sequential, Residual and Concat call their children through it).
template <Layer L, dims In, class Backend>
void forward_layer(Backend b, const forward_args& a) {
  if constexpr (layer_traits::autocasts<L>()) {
    if (const precision p = a.cast.compute; p != precision::fp32) {
      detail::rounded_copies<Backend> rounded{b, p, a.cast.scratch};
      forward_args r = a;
      r.x = rounded(a.x, a.batch * In.size());
      r.params = rounded(a.params, L::param_count);
      L::template forward<In>(b, r);
      kernels::round_to(b, p, a.y, a.y, a.batch * L::output(In).size());
      return;
    }
  }
  L::template forward<In>(b, a);
}

/// Runs L's backward with backward_args `a`, under the autocast that `a.cast` names when L
/// autocasts.
template <Layer L, dims In, class Backend>
void backward_layer(Backend b, const backward_args& a) {
  if constexpr (layer_traits::autocasts<L>()) {
    if (const precision p = a.cast.compute; p != precision::fp32) {
      const std::size_t nx = a.batch * In.size();
      detail::rounded_copies<Backend> rounded{b, p, a.cast.scratch};
      backward_args r = a;
      r.x = rounded(a.x, nx);
      r.dy = rounded(a.dy, a.batch * L::output(In).size());
      r.params = rounded(a.params, L::param_count);
      L::template backward<In>(b, r);
      if (a.dx) kernels::round_to(b, p, a.dx, a.dx, nx);
      if (a.grads) kernels::round_to(b, p, a.grads, a.grads, L::param_count);
      return;
    }
  }
  L::template backward<In>(b, a);
}

}  // namespace lamina
