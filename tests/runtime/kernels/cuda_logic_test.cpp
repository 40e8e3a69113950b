// The CUDA kernels' bodies (kernels/cuda/logic/*.hpp and kernels/common/im2col_index.hpp,
// LAMINA_HOST_DEVICE functors of one index) run on the host by device::host_for, against the
// CPU kernels. This exercises the CUDA backend's index arithmetic (im2col/col2im, pooling
// windows, reductions, batch-norm sums, losses, optimizer updates) in every build, GPU or not.
#include <catch2/catch.hpp>
#include <lamina/kernels/common/im2col_index.hpp>
#include <lamina/kernels/cuda/logic/batch_norm.hpp>
#include <lamina/kernels/cuda/logic/elementwise.hpp>
#include <lamina/kernels/cuda/logic/loss.hpp>
#include <lamina/kernels/cuda/logic/optim.hpp>
#include <lamina/kernels/cuda/logic/pooling.hpp>
#include <lamina/kernels/cuda/logic/reduce.hpp>
#include <lamina/kernels/cuda/logic/softmax.hpp>
#include <lamina/lamina.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
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

TEST_CASE("CUDA logic: element-wise bodies match the CPU kernels", "[kernels][cuda_logic]") {
  const std::size_t n = 1037;
  const auto x = random(n, 1, -4.f, 4.f), d = random(n, 2);
  std::vector<float> a(n), b(n);
  const auto same = [&](auto cpu_call, auto op_of) {
    cpu_call(a.data());
    dv::host_for(n, op_of(b.data()));
    CHECK_THAT(b, close_to(a, 1e-6, 1e-6));
  };
  same([&](float* o) { k::relu_forward(lm::cpu{}, x.data(), o, n); }, [&](float* o) { return dv::relu_forward_op{x.data(), o}; });
  same([&](float* o) { k::relu_backward(lm::cpu{}, x.data(), d.data(), o, n); },
       [&](float* o) { return dv::relu_backward_op{x.data(), d.data(), o}; });
  same([&](float* o) { k::leaky_relu_forward(lm::cpu{}, x.data(), o, n, 0.1f); },
       [&](float* o) { return dv::leaky_relu_forward_op{x.data(), o, 0.1f}; });
  same([&](float* o) { k::leaky_relu_backward(lm::cpu{}, x.data(), d.data(), o, n, 0.1f); },
       [&](float* o) { return dv::leaky_relu_backward_op{x.data(), d.data(), o, 0.1f}; });
  same([&](float* o) { k::sigmoid_forward(lm::cpu{}, x.data(), o, n); }, [&](float* o) { return dv::sigmoid_forward_op{x.data(), o}; });
  same([&](float* o) { k::sigmoid_backward(lm::cpu{}, x.data(), d.data(), o, n); },
       [&](float* o) { return dv::sigmoid_backward_op{x.data(), d.data(), o}; });
  same([&](float* o) { k::tanh_forward(lm::cpu{}, x.data(), o, n); }, [&](float* o) { return dv::tanh_forward_op{x.data(), o}; });
  same([&](float* o) { k::tanh_backward(lm::cpu{}, x.data(), d.data(), o, n); },
       [&](float* o) { return dv::tanh_backward_op{x.data(), d.data(), o}; });
  same([&](float* o) { k::add(lm::cpu{}, x.data(), d.data(), o, n); }, [&](float* o) { return dv::add_op{x.data(), d.data(), o}; });
  same([&](float* o) { k::multiply(lm::cpu{}, x.data(), d.data(), o, n); },
       [&](float* o) { return dv::multiply_op{x.data(), d.data(), o}; });
  same([&](float* o) { k::broadcast_rows(lm::cpu{}, x.data(), o, 17, 61); },
       [&](float* o) { return dv::broadcast_rows_op{x.data(), o, 61}; });
}

TEST_CASE("CUDA logic: dropout draws the CPU kernel's mask", "[kernels][cuda_logic]") {
  const std::size_t n = 70000;  // above the CPU's parallel threshold
  const auto x = random(n, 3);
  std::vector<float> y0(n), m0(n), y1(n), m1(n);
  for (float p : {0.1f, 0.5f, 0.9f}) {
    k::dropout_forward(lm::cpu{}, x.data(), y0.data(), m0.data(), n, p, 12345);
    const auto c = dv::dropout_constants_for(p);
    dv::host_for(n, dv::dropout_forward_op{x.data(), y1.data(), m1.data(), 12345, c.threshold, c.keep_scale});
    CHECK(m1 == m0);
    CHECK(y1 == y0);
  }
}

TEST_CASE("CUDA logic: softmax, Fourier features, reductions", "[kernels][cuda_logic]") {
  const std::size_t rows = 23, cols = 11;
  const auto x = random(rows * cols, 4, -5.f, 5.f), d = random(rows * cols, 5);
  std::vector<float> a(rows * cols), b(rows * cols);
  k::softmax_forward(lm::cpu{}, x.data(), a.data(), rows, cols);
  dv::host_for(rows, dv::softmax_forward_op{x.data(), b.data(), cols});
  CHECK_THAT(b, close_to(a, 1e-6, 1e-7));
  std::vector<float> ga(rows * cols), gb(rows * cols);
  k::softmax_backward(lm::cpu{}, a.data(), d.data(), ga.data(), rows, cols);
  dv::host_for(rows, dv::softmax_backward_op{a.data(), d.data(), gb.data(), cols});
  CHECK_THAT(gb, close_to(ga, 1e-6, 1e-7));

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

TEST_CASE("CUDA logic: pooling windows and their gathered gradients", "[kernels][cuda_logic]") {
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
    k::avg_pool2d_forward(lm::cpu{}, g, x.data(), ya.data());
    dv::host_for(ya.size(), dv::avg_pool2d_forward_op{g, x.data(), yb.data()});
    CHECK(yb == ya);
    k::avg_pool2d_backward(lm::cpu{}, g, dy.data(), dxa.data());
    dv::host_for(dxb.size(), dv::avg_pool2d_backward_op{g, dy.data(), dxb.data()});
    CHECK_THAT(dxb, close_to(dxa, 1e-6, 1e-7));  // same order; a compiler may fuse dy * inv + s
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
  dv::host_segmented_sum<double>(3, len, 4, dv::bn_x_term{x.data(), 3, g.spatial}, dv::bn_store_mean{mean.data(), double(len)},
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

TEST_CASE("CUDA logic: loss terms and gradients match the CPU losses", "[kernels][cuda_logic]") {
  const std::size_t n = 12, c = 5;
  const auto logits = random(n * c, 17, -4.f, 4.f);
  const std::vector<std::int32_t> t{0, 4, 2, 2, 1, 3, 0, 4, 1, 1, 3, 2};
  for (float eps : {0.f, 0.2f}) {
    std::vector<float> ga(n * c), gb(n * c);
    std::vector<double> rows(n);
    const float ref = lm::loss::CrossEntropy{.label_smoothing = eps}(lm::ConstTensorView{logits.data(), lm::make_dims(n, c)},
                                                                     t, lm::TensorView{ga.data(), lm::make_dims(n, c)});
    dv::host_for(n, dv::cross_entropy_row_op{logits.data(), t.data(), c, eps, 1.0 / double(n), rows.data(), gb.data()});
    double total = 0;
    for (double r : rows) total += r;
    CHECK(float(total / double(n)) == Approx(ref).epsilon(1e-6));
    CHECK_THAT(gb, close_to(ga, 1e-6, 1e-7));
  }
  const auto target = random(n * c, 18, 0.f, 1.f);
  const lm::ConstTensorView pv{logits.data(), lm::make_dims(n, c)}, tv{target.data(), lm::make_dims(n, c)};
  const auto check_pointwise = [&](auto loss, dv::pointwise_kind kind, double delta) {
    std::vector<float> ga(n * c), gb(n * c);
    std::vector<double> terms(n * c);
    const float ref = loss(pv, tv, lm::TensorView{ga.data(), lm::make_dims(n, c)});
    const double scale = 1.0 / double(n * c);
    dv::host_for(n * c, dv::pointwise_loss_op{{kind, delta}, logits.data(), target.data(), scale, terms.data(), gb.data()});
    double total = 0;
    for (double v : terms) total += v;
    CHECK(float(total * scale) == Approx(ref).epsilon(1e-6));
    CHECK(gb == ga);  // the same double formulas
  };
  check_pointwise(lm::loss::MSE{}, dv::pointwise_kind::mse, 0);
  check_pointwise(lm::loss::L1{}, dv::pointwise_kind::l1, 0);
  check_pointwise(lm::loss::Huber{.delta = 0.7f}, dv::pointwise_kind::huber, double(0.7f));
  check_pointwise(lm::loss::BCEWithLogits{}, dv::pointwise_kind::bce_with_logits, 0);
}

TEST_CASE("CUDA logic: optimizer updates match the CPU optimizers", "[kernels][cuda_logic][optim]") {
  const std::size_t n = 333;
  const lm::dims d = lm::make_dims(n);
  const auto p0 = random(n, 19);
  for (const lm::optim::sgd_options o : {lm::optim::sgd_options{.lr = 0.1f, .weight_decay = 0.01f},
                                         lm::optim::sgd_options{.lr = 0.1f, .momentum = 0.9f, .dampening = 0.2f},
                                         lm::optim::sgd_options{.lr = 0.1f, .momentum = 0.9f, .nesterov = true}}) {
    std::vector<float> pa = p0, pb = p0, g(n), buf(n);
    lm::optim::SGD opt(lm::TensorView{pa.data(), d}, lm::TensorView{g.data(), d}, o);
    for (int s = 0; s < 3; ++s) {
      const auto fresh = random(n, 20 + std::uint64_t(s));
      std::copy(fresh.begin(), fresh.end(), g.begin());  // the optimizer holds a view of g
      opt.step();
      dv::host_for(n, dv::sgd_op{{.params = pb.data(), .grads = g.data(), .momentum_buffer = buf.data(), .n = n, .lr = o.lr,
                                  .momentum = o.momentum, .dampening_complement = 1.f - o.dampening,
                                  .weight_decay = o.weight_decay, .nesterov = o.nesterov, .first = s == 0}});
    }
    CHECK_THAT(pb, close_to(pa, 1e-6, 1e-7));
  }
  {
    const lm::optim::adam_options o{.lr = 1e-2, .weight_decay = 1e-2, .amsgrad = true};
    std::vector<float> pa = p0, pb = p0, g(n), m(n), v(n), vmax(n);
    lm::optim::Adam opt(lm::TensorView{pa.data(), d}, lm::TensorView{g.data(), d}, o);
    for (int s = 1; s <= 3; ++s) {
      const auto fresh = random(n, 30 + std::uint64_t(s));
      std::copy(fresh.begin(), fresh.end(), g.begin());  // the optimizer holds a view of g
      opt.step();
      const double bc1 = 1 - std::pow(o.beta1, s), bc2 = 1 - std::pow(o.beta2, s);
      dv::host_for(n, dv::adam_op{{.params = pb.data(), .grads = g.data(), .exp_avg = m.data(), .exp_avg_sq = v.data(),
                                   .max_exp_avg_sq = vmax.data(), .n = n, .decay = float(1 - o.lr * o.weight_decay),
                                   .wd = float(o.weight_decay), .w1 = float(1 - o.beta1), .beta2 = float(o.beta2),
                                   .w2 = float(1 - o.beta2), .bc2_sqrt = float(std::sqrt(bc2)), .eps = float(o.eps),
                                   .neg_step = float(-(o.lr / bc1)), .decoupled = false, .weight_decay = true,
                                   .amsgrad = true, .small_weight = true}});
    }
    CHECK_THAT(pb, close_to(pa, 1e-6, 1e-7));
  }
  {
    const lm::optim::rmsprop_options o{.lr = 1e-2, .weight_decay = 1e-2, .momentum = 0.5, .centered = true};
    std::vector<float> pa = p0, pb = p0, g(n), sq(n), ga(n), buf(n);
    lm::optim::RMSprop opt(lm::TensorView{pa.data(), d}, lm::TensorView{g.data(), d}, o);
    for (int s = 1; s <= 3; ++s) {
      const auto fresh = random(n, 40 + std::uint64_t(s));
      std::copy(fresh.begin(), fresh.end(), g.begin());  // the optimizer holds a view of g
      opt.step();
      dv::host_for(n, dv::rmsprop_op{{.params = pb.data(), .grads = g.data(), .square_avg = sq.data(), .grad_avg = ga.data(),
                                      .momentum_buffer = buf.data(), .n = n, .wd = float(o.weight_decay),
                                      .alpha = float(o.alpha), .w = float(1 - o.alpha), .eps = float(o.eps),
                                      .momentum = float(o.momentum), .neg_lr = float(-o.lr), .centered = true,
                                      .weight_decay = true, .use_momentum = true, .small_weight = true}});
    }
    CHECK_THAT(pb, close_to(pa, 1e-6, 1e-7));
  }
}
