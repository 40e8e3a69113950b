#pragma once
// Conv2d<In, Out, Kernel, Stride = 1, Padding = 0, Dilation = 1, Groups = 1, Bias = true>: 2-D
// cross-correlation as torch.nn.Conv2d (square kernel, stride, padding and dilation; zero
// padding). Per-sample input [In, H, W], output [Out, OH, OW] with
//     OH = (H + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1   (likewise OW),
// weight [Out, In / Groups, Kernel, Kernel], bias [Out], PyTorch's default initialisation.
// On the CPU, the forward and the weight gradient use implicit-im2col GEMMs
// (kernels/cpu/conv2d_implicit_gemm.hpp) when the padded frame wastes little, and the input
// gradient too when the stride is 1 and Padding <= Dilation * (Kernel - 1): it is then the
// convolution of dy with the rotated kernel. The padded input stays in the workspace from forward
// to backward. Other layers, and other backends, use kernels::conv2d_im2col_gemm_*
// (kernels/cpu/conv2d_im2col_gemm.hpp) with the lowered input kept instead; their input gradient
// is a convolution of dy when the stride is 1 (im2col + GEMM), else GEMM + col2im.
#include <algorithm>
#include <array>
#include <cassert>
#include <string>
#include <type_traits>

#include "../core/layer.hpp"
#include "../init/init.hpp"
#include "../kernels/kernels.hpp"

namespace lamina {

namespace detail {
// PyTorch's repr of a square 2-tuple: "(3, 3)".
inline std::string conv_pair(std::size_t v) {
  return "(" + std::to_string(v) + ", " + std::to_string(v) + ")";
}
// Input extent (per side, padding included) a kernel needs: Dilation * (Kernel - 1) + 1.
constexpr std::size_t conv_span(std::size_t kernel, std::size_t dilation) { return dilation * (kernel - 1) + 1; }
// Smallest input size a kernel fits once padded.
constexpr std::size_t conv_min_input(std::size_t kernel, std::size_t dilation, std::size_t padding) {
  const std::size_t span = conv_span(kernel, dilation);
  return span > 2 * padding ? span - 2 * padding : 1;
}
}  // namespace detail

template <std::size_t In, std::size_t Out, std::size_t Kernel, std::size_t Stride = 1, std::size_t Padding = 0,
          std::size_t Dilation = 1, std::size_t Groups = 1, bool Bias = true>
struct Conv2d {
  static_assert(In > 0 && Out > 0, "lamina::Conv2d: in and out channels must be at least 1");
  static_assert(Kernel > 0, "lamina::Conv2d: the kernel size must be at least 1");
  static_assert(Stride > 0, "lamina::Conv2d: the stride must be at least 1");
  static_assert(Dilation > 0, "lamina::Conv2d: the dilation must be at least 1");
  static_assert(Groups > 0, "lamina::Conv2d: groups must be at least 1");
  static_assert(In % Groups == 0, "lamina::Conv2d: in channels must be divisible by groups");
  static_assert(Out % Groups == 0, "lamina::Conv2d: out channels must be divisible by groups");

  static constexpr std::string_view name = "Conv2d";
  static constexpr std::size_t in_channels = In, out_channels = Out, kernel_size = Kernel;
  static constexpr std::size_t stride = Stride, padding = Padding, dilation = Dilation, groups = Groups;
  static constexpr std::size_t weight_count = Out * (In / Groups) * Kernel * Kernel;
  static constexpr std::size_t param_count = weight_count + (Bias ? Out : 0);
  static constexpr dims weight_shape = make_dims(Out, In / Groups, Kernel, Kernel);

  static constexpr auto parameters = [] {
    if constexpr (Bias)
      return std::array<param_spec, 2>{{{"weight", weight_shape}, {"bias", make_dims(Out)}}};
    else
      return std::array<param_spec, 1>{{{"weight", weight_shape}}};
  }();

  static constexpr std::size_t min_input = detail::conv_min_input(Kernel, Dilation, Padding);
  static constexpr std::size_t out_size(std::size_t n) {
    return (n + 2 * Padding - detail::conv_span(Kernel, Dilation)) / Stride + 1;
  }

  static constexpr bool accepts(dims in) {
    return in.rank == 3 && in[0] == In && in[1] >= min_input && in[2] >= min_input;
  }
  // What the layer wants: In channels and at least the kernel's (padded, dilated) extent.
  static constexpr dims expected(dims in) {
    if (in.rank != 3) return make_dims(In, min_input, min_input);
    return make_dims(In, std::max(in[1], min_input), std::max(in[2], min_input));
  }
  static constexpr dims output(dims in) { return make_dims(Out, out_size(in[1]), out_size(in[2])); }
  static constexpr std::size_t flops(dims in) {
    const std::size_t positions = out_size(in[1]) * out_size(in[2]);
    return positions * Out * (2 * (In / Groups) * Kernel * Kernel + (Bias ? 1 : 0));
  }

  // The convolution seen by the kernels (image = input, columns = output).
  static constexpr kernels::conv_geometry geometry(dims in) {
    return {.channels = In, .height = in[1], .width = in[2], .kernel = Kernel, .stride = Stride,
            .padding = Padding, .dilation = Dilation, .out_h = out_size(in[1]), .out_w = out_size(in[2]),
            .groups = Groups};
  }
  // With stride 1, dx is itself a convolution of dy (kernel rotated by 180 degrees, padding
  // D*(K-1) - P): im2col + GEMM with k = Out*K*K, instead of GEMM (k = Out) + col2im. Worth it
  // when it lowers less than col2im would scatter, i.e. In > Out (measured: 32->16 3x3 at 16x16
  // ~15% faster; 16->32 and 1->16 slower, the latter much: its GEMM would have one row).
  static constexpr bool dx_as_convolution = Stride == 1 && Padding <= Dilation * (Kernel - 1) && In > Out;
  static constexpr kernels::conv_geometry dx_geometry(dims in) {
    return {.channels = Out, .height = out_size(in[1]), .width = out_size(in[2]), .kernel = Kernel, .stride = 1,
            .padding = Dilation * (Kernel - 1) - Padding, .dilation = Dilation, .out_h = in[1], .out_w = in[2],
            .groups = Groups};
  }
  // The CPU's implicit-im2col path (see the top of this file), where it pays. `same` padding
  // (2P = D(K-1)) makes dy's frame for dx and its frame for dW one buffer, shifted.
  static constexpr bool implicit(dims in) { return kernels::conv_implicit_pays(geometry(in)); }
  template <class Backend>
  static constexpr bool implicit_on(dims in) { return std::is_same_v<Backend, cpu> && implicit(in); }
  // (With fewer than 4 input channels the dx GEMM would have too few rows: col2im instead.)
  static constexpr bool dx_implicit = Stride == 1 && Padding <= Dilation * (Kernel - 1) && In >= 4;
  static constexpr bool same_padding = dx_implicit && 2 * Padding == Dilation * (Kernel - 1);
  // Per sample: x's frame (kept to backward), then the forward's staging [Out, T], or the
  // backward's dy frame(s), dx staging and rotated weights (dx_implicit), or dy's frame, dy
  // channel-major and the col2im scratch.
  static constexpr std::size_t implicit_workspace(dims in) {
    const std::size_t fx = kernels::conv_implicit_frame_size(geometry(in));
    const std::size_t tx = kernels::conv_frame::of(geometry(in)).size;
    std::size_t bwd = Out * tx + Out * geometry(in).positions() + geometry(in).col_size();
    if constexpr (dx_implicit) {
      const std::size_t td = kernels::conv_frame::of(dx_geometry(in)).size;
      bwd = Out * td + (same_padding ? 0 : Out * tx) + In * td + weight_count;
    }
    return fx + std::max(Out * tx, bwd);
  }

  // Workspace per sample: the lowered input [In*K*K, P] (kept to backward; later the lowered
  // dy), the output channel-major [Out, P] (later dx's staging), and the rotated weights.
  // (Sized for every backend: the CPU's implicit path may need less, or more.)
  static constexpr std::size_t col_per_sample(dims in) {
    if constexpr (dx_as_convolution) return std::max(geometry(in).col_size(), dx_geometry(in).col_size());
    else return geometry(in).col_size();
  }
  static constexpr std::size_t tmp_per_sample(dims in) {
    if constexpr (dx_as_convolution) return std::max(Out * geometry(in).positions(), In * in[1] * in[2]);
    else return Out * geometry(in).positions();
  }
  static constexpr std::size_t workspace_per_sample(dims in) {
    const std::size_t gemm = col_per_sample(in) + tmp_per_sample(in) + (dx_as_convolution ? weight_count : 0);
    return implicit(in) ? std::max(gemm, implicit_workspace(in)) : gemm;
  }

  static std::string describe() {
    std::string s = "Conv2d(" + std::to_string(In) + ", " + std::to_string(Out) +
                    ", kernel_size=" + detail::conv_pair(Kernel) + ", stride=" + detail::conv_pair(Stride);
    if (Padding != 0) s += ", padding=" + detail::conv_pair(Padding);
    if (Dilation != 1) s += ", dilation=" + detail::conv_pair(Dilation);
    if (Groups != 1) s += ", groups=" + std::to_string(Groups);
    if (!Bias) s += ", bias=False";
    return s + ")";
  }

  static void reset_parameters(float* p, const rng& gen) {
    rng wg = gen.fork("weight"), bg = gen.fork("bias");
    init::pytorch_default({p, weight_shape}, Bias ? TensorView{p + weight_count, make_dims(Out)} : TensorView{},
                          wg, bg);
  }

  // A following ReLU is applied on the implicit path: while writing y, and backward while
  // framing dy (the paths that frame dy once, from the layer's own dy).
  template <class Backend>
  static constexpr bool absorbs(epilogue e, dims in) {
    return e == epilogue::relu && implicit_on<Backend>(in) && (same_padding || !dx_implicit);
  }

  template <dims InD, class Backend>
  static void forward(Backend b, const forward_args& a) {
    constexpr kernels::conv_geometry g = geometry(InD);
    if constexpr (implicit_on<Backend>(InD)) {
      float* fx = a.workspace;                                              // x's frame
      float* tmp = fx + a.batch * kernels::conv_implicit_frame_size(g);     // [Out, batch*T]
      kernels::conv2d_implicit_forward(b, g, Out, a.x, a.params, Bias ? a.params + weight_count : nullptr, a.y,
                                       fx, tmp, a.batch, /*framed=*/false, a.post == epilogue::relu);
    } else {
      float* col = a.workspace;                                  // [In*K*K, batch*P]
      float* tmp = a.workspace + a.batch * col_per_sample(InD);  // [Out, batch*P]
      assert(a.post == epilogue::none && "Conv2d absorbs an activation only on its implicit path");
      kernels::conv2d_im2col_gemm_forward(b, g, Out, a.x, a.params, Bias ? a.params + weight_count : nullptr,
                                          a.y, col, tmp, a.batch);
    }
  }

  template <dims InD, class Backend>
  static void backward(Backend b, const backward_args& a) {
    constexpr kernels::conv_geometry g = geometry(InD);
    constexpr std::size_t P = g.positions();
    // (With a fused ReLU, the implicit path sums the masked dy it frames.)
    if constexpr (Bias)
      if (!a.post_output) kernels::conv_channel_sums(b, a.dy, a.batch, Out, P, a.grads + weight_count);
    if constexpr (implicit_on<Backend>(InD)) {
      implicit_backward<InD>(b, a);
      return;
    }
    assert(!a.post_output && "Conv2d absorbs an activation only on its implicit path");
    float* col = a.workspace;  // im2col(x), from forward
    float* dym = a.workspace + a.batch * col_per_sample(InD);  // dy channel-major [Out, batch*P]
    kernels::conv_channel_major(b, a.dy, dym, a.batch, Out, P);
    kernels::conv2d_im2col_gemm_backward_weights(b, g, Out, dym, col, a.grads, a.batch);
    if (!a.dx) return;
    if constexpr (dx_as_convolution) {
      float* wf = dym + a.batch * tmp_per_sample(InD);  // [In, Out/G*K*K]
      kernels::conv_flip_weights(b, a.params, wf, Out, In, Kernel, Groups);
      kernels::conv2d_im2col_gemm_forward(b, dx_geometry(InD), In, a.dy, wf, nullptr, a.dx, col, dym, a.batch);
    } else {
      kernels::conv2d_im2col_gemm_backward_data(b, g, Out, dym, a.params, a.dx, col, a.batch);
    }
  }

  // dW from x's frame (kept by forward) and dy framed like it; dx as the forward of the dx
  // convolution (dy padded by D(K-1) - P, rotated weights), or GEMM + col2im.
  template <dims InD>
  static void implicit_backward(cpu b, const backward_args& a) {
    constexpr kernels::conv_geometry g = geometry(InD);
    constexpr kernels::conv_frame fx = kernels::conv_frame::of(g);
    const std::size_t n = a.batch;
    const float* x_frame = a.workspace;
    float* scratch = a.workspace + n * kernels::conv_implicit_frame_size(g);
    if constexpr (!dx_implicit) {
      float* dyx_frame = scratch;                         // dy in x's frame [Out, batch, T]
      float* dym = dyx_frame + n * Out * fx.size;         // dy channel-major [Out, batch*P]
      float* col = dym + n * Out * g.positions();         // col2im scratch
      kernels::conv_frame_batch(b, a.dy, Out, g.out_h, g.out_w, dyx_frame, n, fx.size, fx.width, 0, 0,
                                a.post_output);
      if (Bias && a.post_output) kernels::conv_channel_sums(b, dyx_frame, 1, Out, n * fx.size, a.grads + weight_count);
      kernels::conv2d_implicit_backward_weights(b, g, Out, dyx_frame, n * fx.size, x_frame, a.grads, n);
      if (!a.dx) return;
      kernels::conv_channel_major(b, a.dy, dym, n, Out, g.positions(), a.post_output);
      kernels::conv2d_im2col_gemm_backward_data(b, g, Out, dym, a.params, a.dx, col, n);
    } else {
      constexpr kernels::conv_geometry gd = dx_geometry(InD);
      constexpr kernels::conv_frame fd = kernels::conv_frame::of(gd);
      float* dy_frame = scratch;                          // [Out, batch, Td]
      float* dyx_frame = dy_frame + n * Out * fd.size;    // dy in x's frame [Out, batch, T] (unless same)
      float* dx_tmp = dyx_frame + (same_padding ? 0 : n * Out * fx.size);  // [In, batch*Td]
      float* wf = dx_tmp + n * In * fd.size;                               // [In, Out/G*K*K]
      if constexpr (same_padding) {
        // dy at (P', P') of its frame is dy at (0, 0) of x's (same sizes); the borders are zero.
        kernels::conv_frame_batch(b, a.dy, Out, g.out_h, g.out_w, dy_frame, n, fd.size, fd.width, fd.pad, fd.pad,
                                  a.post_output);
        if (Bias && a.post_output)
          kernels::conv_channel_sums(b, dy_frame, 1, Out, n * fd.size, a.grads + weight_count);
        kernels::conv2d_implicit_backward_weights(b, g, Out, dy_frame + fd.pad * (fd.width + 1), n * fd.size,
                                                  x_frame, a.grads, n);
      } else {
        assert(!a.post_output && "not absorbed without same padding (see absorbs)");
        kernels::conv_frame_batch(b, a.dy, Out, g.out_h, g.out_w, dyx_frame, n, fx.size, fx.width, 0, 0);
        kernels::conv2d_implicit_backward_weights(b, g, Out, dyx_frame, n * fx.size, x_frame, a.grads, n);
      }
      if (!a.dx) return;
      kernels::conv_flip_weights(b, a.params, wf, Out, In, Kernel, Groups);
      kernels::conv2d_implicit_forward(b, gd, In, a.dy, wf, nullptr, a.dx, dy_frame, dx_tmp, n,
                                       /*framed=*/same_padding);
    }
  }
};

}  // namespace lamina
