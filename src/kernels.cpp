// lamina::compiled: lamina's CPU kernels, compiled once (see LAMINA_INLINE in core/config.hpp).
#include <lamina/kernels/cpu/batch_norm-inl.hpp>
#include <lamina/kernels/cpu/conv2d-inl.hpp>
#include <lamina/kernels/cpu/conv2d_im2col_gemm-inl.hpp>
#include <lamina/kernels/cpu/conv2d_implicit_gemm-inl.hpp>
#include <lamina/kernels/cpu/conv_transpose2d-inl.hpp>
#include <lamina/kernels/cpu/dropout-inl.hpp>
#include <lamina/kernels/cpu/elementwise-inl.hpp>
#include <lamina/kernels/cpu/fourier_features-inl.hpp>
#include <lamina/kernels/cpu/gemm-inl.hpp>
#include <lamina/kernels/cpu/gemm_dot-inl.hpp>
#include <lamina/kernels/cpu/gemm_pack-inl.hpp>
#include <lamina/kernels/cpu/im2col-inl.hpp>
#include <lamina/kernels/cpu/pooling-inl.hpp>
#include <lamina/kernels/cpu/reduce-inl.hpp>
#include <lamina/kernels/cpu/softmax-inl.hpp>
