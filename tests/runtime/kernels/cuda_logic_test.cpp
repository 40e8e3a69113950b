// The bodies only the GPU runs (kernels/common/, LAMINA_HOST_DEVICE functors of one index) run
// on the host by device::host_for, against the CPU's own algorithms for the same op: col2im and
// pooling gradients as gathers against scatters, segmented sums against ordered loops, Fourier
// features per element against SIMD rows, the 2x2 pooling path against the generic window; and
// each element-wise body on floats (the GPU's way) against SIMD batches (the CPU's). This
// covers the CUDA backend's index arithmetic in every build, GPU or not.
#include <catch2/catch.hpp>
#include <lamina/kernels/common/batch_norm.hpp>
#include <lamina/kernels/common/im2col_index.hpp>
#include <lamina/kernels/common/elementwise.hpp>
#include <lamina/kernels/common/fourier_features.hpp>
#include <lamina/kernels/common/pooling.hpp>
#include <lamina/kernels/common/segmented_sum.hpp>
#include <lamina/kernels/common/softmax.hpp>
#include <lamina/lamina.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "runtime/fixture.hpp"

namespace lm = lamina;
namespace k = lamina::kernels;
namespace dv = lamina::kernels::device;
using lamina_test::close_to;

namespace {
std::vector<float> random(std::size_t n, std::uint64_t seed, float lo = -1.f, float hi = 1.f) {
  lm::rng gen(seed);
  std::vector<float> v(n);
  for (float& x : v) x = gen.uniform(lo, hi);
  return v;
}
}  // namespace

TEST_CASE("Element-wise bodies: one float at a time (the GPU's way) equals SIMD batches (the CPU's)",
          "[kernels][cuda_logic]") {
  const std::size_t n = 1037;  // not a multiple of any SIMD width: the padded tail runs too
  auto x = random(n, 1, -4.f, 4.f);
  const auto d = random(n, 2);
  x[5] = 0.f;
  x[6] = std::numeric_limits<float>::quiet_NaN();  // max(0, NaN) is NaN on both paths
  std::vector<float> a(n), b(n);
  const auto same = [&](const auto& f, const auto*... in) {
    k::map(lm::cpu{}, n, a.data(), f, in...);
    for (std::size_t i = 0; i < n; ++i) b[i] = f(in[i]...);
    for (std::size_t i = 0; i < n; ++i) {
      INFO(i);
      if (std::isnan(a[i]) || std::isnan(b[i])) CHECK((std::isnan(a[i]) && std::isnan(b[i])));
      else CHECK(b[i] == Approx(a[i]).epsilon(1e-6).margin(1e-6));
    }
  };
  same(k::fn::relu_forward{}, x.data());
  same(k::fn::relu_backward{}, x.data(), d.data());
  same(k::fn::leaky_relu_forward{0.1f}, x.data());
  same(k::fn::leaky_relu_backward{0.1f}, x.data(), d.data());
  same(k::fn::sigmoid_forward{}, x.data());
  same(k::fn::sigmoid_backward{}, x.data(), d.data());
  same(k::fn::tanh_forward{}, x.data());
  same(k::fn::tanh_backward{}, x.data(), d.data());
  same(k::fn::add{}, x.data(), d.data());
  same(k::fn::multiply{}, x.data(), d.data());
  k::broadcast_rows(lm::cpu{}, x.data(), a.data(), 17, 61);
  dv::host_for(17 * 61, dv::broadcast_rows_op{x.data(), b.data(), 61});
  CHECK(std::memcmp(a.data(), b.data(), 17 * 61 * sizeof(float)) == 0);  // bit for bit, NaN included
}

TEST_CASE("CUDA logic: Fourier features, reductions", "[kernels][cuda_logic]") {
  const std::size_t rows = 23;
  const std::size_t m = 9;
  const auto p = random(rows * m, 6, -2.f, 2.f);
  std::vector<float> fa(rows * 2 * m), fb(rows * 2 * m), da(rows * m), db(rows * m);
  k::fourier_features_forward(lm::cpu{}, p.data(), fa.data(), rows, m);
  dv::host_for(rows * m, dv::fourier_features_forward_op{p.data(), fb.data(), m});
  CHECK_THAT(fb, close_to(fa, 1e-5, 1e-5));
  const auto dy = random(rows * 2 * m, 7);
  k::fourier_features_backward(lm::cpu{}, fa.data(), dy.data(), da.data(), rows, m);
  dv::host_for(rows * m, dv::fourier_features_backward_op{fa.data(), dy.data(), db.data(), m});
  CHECK_THAT(db, close_to(da, 1e-6, 1e-6));

  // Column sums and per-channel sums, with several partial sums per result.
  const std::size_t R = 700, C = 13;
  const auto big = random(R * C, 8);
  std::vector<float> ca(C), cb(C), partial(C * 8);
  k::column_sum(lm::cpu{}, big.data(), R, C, ca.data());
  dv::host_segmented_sum<float>(C, R, 8, dv::column_term{big.data(), C}, dv::store_sum<float>{cb.data()}, partial.data());
  CHECK_THAT(cb, close_to(ca, 1e-5, 1e-5));
  const std::size_t batch = 5, P = 140;  // y [5, 13, 140] = 9100 values
  std::vector<double> dpartial(C * 3);
  k::conv_channel_sums(lm::cpu{}, big.data(), batch, C, P, ca.data());
  dv::host_segmented_sum<double>(C, batch * P, 3, dv::channel_term_double{big.data(), C, P},
                                 dv::store_sum<double>{cb.data()}, dpartial.data());
  CHECK_THAT(cb, close_to(ca, 1e-5, 1e-5));
}

TEST_CASE("CUDA logic: max pooling, the CPU's 2x2 path and arg-max scatter against the windows and their gather", "[kernels][cuda_logic]") {
  struct case_t { std::size_t h, w, kernel, stride, padding; };
  for (const case_t c : {case_t{6, 6, 2, 2, 0}, case_t{7, 5, 3, 2, 1}, case_t{5, 5, 2, 1, 0}, case_t{9, 8, 3, 3, 1},
                         case_t{4, 4, 4, 1, 2}}) {
    const std::size_t oh = (c.h + 2 * c.padding - c.kernel) / c.stride + 1, ow = (c.w + 2 * c.padding - c.kernel) / c.stride + 1;
    const k::pool2d_geometry g{6, c.h, c.w, c.kernel, c.stride, c.padding, oh, ow};
    const auto x = random(g.planes * g.in_plane(), 9), dy = random(g.planes * g.out_plane(), 10);
    std::vector<float> ya(g.planes * g.out_plane()), yb(ya.size()), dxa(x.size()), dxb(x.size());
    std::vector<std::int32_t> aa(ya.size()), ab(ya.size());
    k::max_pool2d_forward(lm::cpu{}, g, x.data(), ya.data(), aa.data());
    dv::host_for(ya.size(), dv::max_pool2d_forward_op{g, x.data(), yb.data(), ab.data()});
    CHECK(yb == ya);
    CHECK(ab == aa);
    k::max_pool2d_backward(lm::cpu{}, g, dy.data(), aa.data(), dxa.data());
    dv::host_for(dxb.size(), dv::max_pool2d_backward_op{g, dy.data(), ab.data(), dxb.data()});
    CHECK(dxb == dxa);  // the same sums in the same order
  }
}

TEST_CASE("CUDA logic: im2col and the col2im gather match the CPU lowering", "[kernels][cuda_logic]") {
  struct case_t { std::size_t c, h, w, kernel, stride, padding, dilation; };
  for (const case_t t : {case_t{2, 6, 5, 3, 1, 0, 1}, case_t{3, 7, 8, 3, 2, 1, 1}, case_t{2, 9, 9, 3, 1, 2, 2},
                         case_t{1, 5, 6, 2, 2, 0, 1}, case_t{2, 8, 7, 5, 3, 2, 1}}) {
    const std::size_t span = t.dilation * (t.kernel - 1) + 1;
    const std::size_t oh = (t.h + 2 * t.padding - span) / t.stride + 1, ow = (t.w + 2 * t.padding - span) / t.stride + 1;
    const k::conv_geometry g{.channels = t.c, .height = t.h, .width = t.w, .kernel = t.kernel, .stride = t.stride,
                             .padding = t.padding, .dilation = t.dilation, .out_h = oh, .out_w = ow};
    const std::size_t batch = 3, P = g.positions(), ld = batch * P;
    const auto image = random(batch * g.image_size(), 11);
    // CPU: one sample at a time into its columns of a [rows, batch*P] matrix.
    std::vector<float> ca(g.col_rows() * ld), cb(ca.size());
    for (std::size_t n = 0; n < batch; ++n) k::im2col(lm::cpu{}, g, image.data() + n * g.image_size(), ca.data() + n * P, ld);
    dv::host_for(cb.size(), dv::im2col_op{g, image.data(), cb.data(), batch});
    CHECK(cb == ca);
    const auto col = random(ca.size(), 12);
    std::vector<float> ia(image.size()), ib(image.size());
    for (std::size_t n = 0; n < batch; ++n) k::col2im(lm::cpu{}, g, col.data() + n * P, ld, ia.data() + n * g.image_size());
    dv::host_for(ib.size(), dv::col2im_op{g, col.data(), ib.data(), batch});
    CHECK(ib == ia);  // the same sums in the same (ki, kj) order
  }
  // Weights rotated for the input gradient as a convolution.
  for (const std::size_t groups : {std::size_t{1}, std::size_t{2}}) {
    const std::size_t out = 4, in = 6, K = 3;
    const auto w = random(out * (in / groups) * K * K, 21);
    std::vector<float> fa(w.size()), fb(w.size());
    k::conv_flip_weights(lm::cpu{}, w.data(), fa.data(), out, in, K, groups);
    dv::host_for(fb.size(), dv::flip_weights_op{w.data(), fb.data(), out, in, K * K, groups});
    CHECK(fb == fa);
  }
  // Channel-major permutation and back.
  const std::size_t batch = 4, C = 3, P = 10;
  const auto y = random(batch * C * P, 13), bias = random(C, 14);
  std::vector<float> a(y.size()), b(y.size()), back(y.size()), ref(y.size());
  k::conv_channel_major(lm::cpu{}, y.data(), a.data(), batch, C, P);
  dv::host_for(b.size(), dv::channel_major_op{y.data(), b.data(), batch, C, P});
  CHECK(b == a);
  dv::host_for(back.size(), dv::sample_major_op{b.data(), back.data(), bias.data(), batch, C, P});
  ref = y;
  k::conv_add_channel_bias(lm::cpu{}, ref.data(), bias.data(), batch, C, P);
  CHECK(back == ref);
}

TEST_CASE("CUDA logic: batch-norm sums and updates match the CPU kernel", "[kernels][cuda_logic]") {
  const k::batch_norm_geometry g{.batch = 7, .channels = 3, .spatial = 50, .eps = 1e-5f, .momentum = 0.1f};
  const std::size_t n = g.batch * g.channels * g.spatial;
  const auto x = random(n, 15, -2.f, 3.f), dy = random(n, 16);
  const std::vector<float> gamma{0.5f, 1.5f, -1.f}, beta{0.1f, 0.f, -0.3f};
  std::vector<float> ya(n), yb(n), rma{0.f, 1.f, 2.f}, rva{1.f, 2.f, 3.f}, rmb = rma, rvb = rva;
  std::vector<float> ma(3), sa(3), mb(3), sb(3);
  k::batch_norm_forward_train(lm::cpu{}, g, x.data(), ya.data(), gamma.data(), beta.data(), rma.data(), rva.data(),
                              ma.data(), sa.data());
  std::vector<double> mean(3), partial(3 * 4);
  const std::size_t len = g.batch * g.spatial;
  dv::host_segmented_sum<double>(3, len, 4, dv::channel_term_double{x.data(), 3, g.spatial}, dv::bn_store_mean{mean.data(), double(len)},
                                 partial.data());
  dv::host_segmented_sum<double>(3, len, 4, dv::bn_centered_square_term{x.data(), mean.data(), 3, g.spatial},
                                 dv::bn_finish_stats{g, mean.data(), mb.data(), sb.data(), rmb.data(), rvb.data()},
                                 partial.data());
  dv::host_for(n, dv::bn_normalize_op{g, x.data(), yb.data(), gamma.data(), beta.data(), mb.data(), sb.data()});
  CHECK_THAT(mb, close_to(ma, 1e-6, 1e-7));
  CHECK_THAT(sb, close_to(sa, 1e-6, 1e-7));
  CHECK_THAT(rmb, close_to(rma, 1e-6, 1e-7));
  CHECK_THAT(rvb, close_to(rva, 1e-6, 1e-7));
  CHECK_THAT(yb, close_to(ya, 1e-5, 1e-6));
  for (bool batch_stats : {true, false}) {
    std::vector<float> dxa(n), dxb(n), dga(3), dgb(3), dba(3), dbb(3);
    std::vector<dv::double2_sum> sums(3), p2(3 * 4);
    k::batch_norm_backward(lm::cpu{}, g, batch_stats, x.data(), dy.data(), gamma.data(), ma.data(), sa.data(), dxa.data(),
                           dga.data(), dba.data());
    dv::host_segmented_sum<dv::double2_sum>(3, len, 4, dv::bn_backward_term{x.data(), dy.data(), ma.data(), sa.data(), 3, g.spatial},
                                            dv::bn_store_backward_sums{sums.data(), dgb.data(), dbb.data()}, p2.data());
    dv::host_for(n, dv::bn_backward_dx_op{g, batch_stats, x.data(), dy.data(), gamma.data(), ma.data(), sa.data(),
                                          sums.data(), dxb.data()});
    CHECK_THAT(dgb, close_to(dga, 1e-5, 1e-6));
    CHECK_THAT(dbb, close_to(dba, 1e-5, 1e-6));
    CHECK_THAT(dxb, close_to(dxa, 1e-5, 1e-6));
  }
}

