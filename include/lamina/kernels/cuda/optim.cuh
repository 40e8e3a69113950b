#pragma once
// Optimizer steps on the CUDA backend (the explicit specialisations of
// kernels/backend_seam.hpp): one element-wise launch over the packed parameters, the bodies of
// logic/optim.hpp (the CPU loops' float operations).
#include "../../core/backend.hpp"
#include "../backend_seam.hpp"
#include "launch.cuh"
#include "logic/optim.hpp"

namespace lamina::kernels {

template <>
inline void sgd_step<cuda>(cuda, const sgd_step_args& a) {
  detail::parallel_for(cuda{}, a.n, device::sgd_op{a});
}
template <>
inline void adam_step<cuda>(cuda, const adam_step_args& a) {
  detail::parallel_for(cuda{}, a.n, device::adam_op{a});
}
template <>
inline void rmsprop_step<cuda>(cuda, const rmsprop_step_args& a) {
  detail::parallel_for(cuda{}, a.n, device::rmsprop_op{a});
}

}  // namespace lamina::kernels
