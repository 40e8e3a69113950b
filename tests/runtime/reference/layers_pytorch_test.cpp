// LayerNorm, GroupNorm, Softmax/LogSoftmax along a dimension, Flatten(start, end), pooling
// options, AdaptiveAvgPool2d, Upsample, Conv2d padding='same', BatchNorm without running
// statistics and Concat (a U-Net level) against PyTorch: output, input gradient and parameter
// gradients for the configurations of tests/fixtures/make_fixtures.py (layer_configs, written to tests/fixtures/layers.txt with
// torch 2.15.0, float32). Tolerance: relative 1e-4, absolute 1e-5.
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <string>

#include "runtime/fixture.hpp"
#include "runtime/reference/layer_reference.hpp"

namespace {

namespace lm = lamina;
using lamina_test::fixture;

constexpr double kRel = 1e-4, kAbs = 1e-5;

const fixture& layers_fixture() {
  static const fixture f(std::string(LAMINA_TEST_FIXTURES) + "/layers.txt");
  return f;
}

template <class V>
void check(const V& actual, const fixture& f, const std::string& name) {
  lamina_test::check_tensor(actual, f, name, kRel, kAbs);
}

// One layer (or network) L on per-sample input In, named `tag` in the fixture. Parameters are
// named like the PyTorch module's ("weight", "2.1.1.weight"): each is looked up by its name.
template <class L, class In>
void check_layer(const std::string& tag) {
  lamina_test::check_layer<L, In>(layers_fixture(), tag, kRel, kAbs);
}

}  // namespace

TEST_CASE("pytorch: LayerNorm forward and backward", "[pytorch][norm]") {
  SECTION("over the last dimension") { check_layer<lm::LayerNorm<6>, lm::Shape<4, 6>>("layer_norm_last"); }
  SECTION("over the last two dimensions") { check_layer<lm::LayerNorm<4, 5>, lm::Shape<3, 4, 5>>("layer_norm_2d"); }
  SECTION("eps 1e-3, no affine parameters") {
    check_layer<lm::LayerNormOf<lm::Shape<7>, 1e-3f, false>, lm::Shape<7>>("layer_norm_eps_noaffine");
  }
}

TEST_CASE("pytorch: GroupNorm forward and backward", "[pytorch][norm]") {
  SECTION("2 groups of 3 channels") { check_layer<lm::GroupNorm<2, 6>, lm::Shape<6, 4, 3>>("group_norm_2_6"); }
  SECTION("one group (a LayerNorm with per-channel parameters)") {
    check_layer<lm::GroupNorm<1, 4>, lm::Shape<4, 5>>("group_norm_1_4");
  }
  SECTION("channels only, no spatial dimensions") { check_layer<lm::GroupNorm<2, 8>, lm::Shape<8>>("group_norm_2_8_flat"); }
  SECTION("one group per channel, eps 1e-3, no affine parameters") {
    check_layer<lm::GroupNorm<4, 4, 1e-3f, false>, lm::Shape<4, 3, 3>>("group_norm_4_4_eps_noaffine");
  }
}

TEST_CASE("pytorch: Softmax and LogSoftmax along a dimension", "[pytorch]") {
  SECTION("Softmax(dim=1), the channels") { check_layer<lm::SoftmaxOf<1>, lm::Shape<3, 4, 5>>("softmax_dim1"); }
  SECTION("Softmax(dim=-2)") { check_layer<lm::SoftmaxOf<-2>, lm::Shape<3, 4, 5>>("softmax_dim-2"); }
  SECTION("LogSoftmax(dim=-1)") { check_layer<lm::LogSoftmax, lm::Shape<7>>("log_softmax_dim-1"); }
  SECTION("LogSoftmax(dim=2)") { check_layer<lm::LogSoftmaxOf<2>, lm::Shape<3, 4, 5>>("log_softmax_dim2"); }
}

TEST_CASE("pytorch: Flatten(start_dim, end_dim)", "[pytorch]") {
  static_assert(std::is_same_v<lm::output_shape_t<lm::FlattenOf<2, 3>, lm::Shape<3, 4, 5>>, lm::Shape<3, 20>>);
  check_layer<lm::FlattenOf<2, 3>, lm::Shape<3, 4, 5>>("flatten_2_3");
}

TEST_CASE("pytorch: pooling with ceil_mode, dilation and count_include_pad", "[pytorch][pooling]") {
  SECTION("MaxPool2d(3, 2, ceil_mode=True)") {
    check_layer<lm::MaxPool2d<3, 2, 0, 1, true>, lm::Shape<3, 6, 7>>("max_pool_k3_s2_ceil");
  }
  SECTION("MaxPool2d(2, ceil_mode=True) on odd sizes") {
    check_layer<lm::MaxPool2d<2, 2, 0, 1, true>, lm::Shape<3, 5, 7>>("max_pool_k2_ceil");
  }
  SECTION("MaxPool2d(2, stride=1, padding=1, dilation=2)") {
    check_layer<lm::MaxPool2d<2, 1, 1, 2>, lm::Shape<2, 5, 6>>("max_pool_k2_s1_p1_d2");
  }
  SECTION("AvgPool2d(3, 2, 1, ceil_mode=True)") {
    check_layer<lm::AvgPool2d<3, 2, 1, true>, lm::Shape<3, 6, 7>>("avg_pool_k3_s2_p1_ceil");
  }
  SECTION("AvgPool2d(3, 2, 1, count_include_pad=False)") {
    check_layer<lm::AvgPool2d<3, 2, 1, false, false>, lm::Shape<3, 6, 7>>("avg_pool_k3_s2_p1_nopad");
  }
  SECTION("AvgPool2d(2, ceil_mode=True, count_include_pad=False)") {
    check_layer<lm::AvgPool2d<2, 2, 0, true, false>, lm::Shape<2, 5, 5>>("avg_pool_k2_ceil_nopad");
  }
}

TEST_CASE("pytorch: AdaptiveAvgPool2d and Upsample", "[pytorch][pooling]") {
  SECTION("AdaptiveAvgPool2d(1)") { check_layer<lm::AdaptiveAvgPool2d<1>, lm::Shape<3, 5, 4>>("adaptive_avg_1"); }
  SECTION("AdaptiveAvgPool2d((3, 2)), overlapping windows") {
    check_layer<lm::AdaptiveAvgPool2d<3, 2>, lm::Shape<2, 7, 5>>("adaptive_avg_3_2");
  }
  SECTION("AdaptiveAvgPool2d((4, 6)), larger than the input") {
    check_layer<lm::AdaptiveAvgPool2d<4, 6>, lm::Shape<2, 3, 4>>("adaptive_avg_4_6_up");
  }
  SECTION("Upsample nearest x2") { check_layer<lm::Upsample<2>, lm::Shape<3, 3, 4>>("upsample_nearest_2"); }
  SECTION("Upsample nearest x3") { check_layer<lm::Upsample<3>, lm::Shape<2, 2, 3>>("upsample_nearest_3"); }
  SECTION("Upsample bilinear x2") {
    check_layer<lm::Upsample<2, lm::upsample_mode::bilinear>, lm::Shape<3, 4, 5>>("upsample_bilinear_2");
  }
  SECTION("Upsample bilinear x3") {
    check_layer<lm::Upsample<3, lm::upsample_mode::bilinear>, lm::Shape<2, 3, 2>>("upsample_bilinear_3");
  }
}

TEST_CASE("pytorch: Conv2d with padding='same'", "[pytorch][conv]") {
  SECTION("5x5") {
    using C = lm::Conv2d<3, 4, 5, 1, lm::padding_same>;
    static_assert(C::padding == 2);
    check_layer<C, lm::Shape<3, 6, 5>>("conv_k5_same");
  }
  SECTION("3x3, dilation 2") { check_layer<lm::Conv2d<2, 3, 3, 1, lm::padding_same, 2>, lm::Shape<2, 7, 6>>("conv_k3_d2_same"); }
}

TEST_CASE("pytorch: BatchNorm with track_running_stats=False", "[pytorch][batch_norm]") {
  using BN2 = lm::BatchNorm2d<3, 1e-5f, 0.1f, true, false>;
  using BN1 = lm::BatchNorm1d<5, 1e-5f, 0.1f, false, false>;
  static_assert(lm::layer_traits::state_count<BN2>() == 0, "no running statistics, no buffers");
  SECTION("BatchNorm2d") { check_layer<BN2, lm::Shape<3, 3, 3>>("batch_norm2d_no_stats"); }
  SECTION("BatchNorm1d without affine parameters") { check_layer<BN1, lm::Shape<5>>("batch_norm1d_no_stats_noaffine"); }
  SECTION("evaluation uses the batch statistics too") {
    const fixture& f = layers_fixture();
    lm::Model<BN2, lm::Shape<3, 3, 3>> model(3);
    for (const auto& p : model.named_parameters())
      lamina_test::copy_into(p.value, f.tensor("batch_norm2d_no_stats." + p.name));
    model.eval();
    check(model.forward(f.tensor("batch_norm2d_no_stats.x").values, 4), f, "batch_norm2d_no_stats.y");
  }
}

TEST_CASE("pytorch: Concat and a U-Net level", "[pytorch][concat]") {
  SECTION("three branches along the last dimension") {
    using C = lm::Concat<-1, lm::Identity, lm::Linear<5, 3>, lm::Sequential<lm::LayerNorm<5>, lm::Tanh>>;
    static_assert(std::is_same_v<lm::output_shape_t<C, lm::Shape<4, 5>>, lm::Shape<4, 13>>);
    check_layer<C, lm::Shape<4, 5>>("concat_last");
  }
  SECTION("the skip concatenated with pool, conv, GroupNorm, bilinear upsampling") {
    using Inner = lm::Sequential<lm::MaxPool2d<2>, lm::Conv2d<4, 4, 3, 1, 1>, lm::GroupNorm<2, 4>, lm::Tanh,
                                 lm::Upsample<2, lm::upsample_mode::bilinear>>;
    using UNet = lm::Sequential<lm::Conv2d<2, 4, 3, 1, 1>, lm::Tanh, lm::Concat<1, lm::Identity, Inner>, lm::Conv2d<8, 2, 1>>;
    static_assert(std::is_same_v<lm::output_shape_t<UNet, lm::Shape<2, 6, 6>>, lm::Shape<2, 6, 6>>);
    check_layer<UNet, lm::Shape<2, 6, 6>>("tiny_unet");
  }
}

TEST_CASE("Normalisation and dimension layers print like PyTorch's repr", "[norm]") {
  using lm::layer_traits::describe;
  CHECK(describe<lm::LayerNorm<64>>() == "LayerNorm((64,), eps=1e-05, elementwise_affine=True)");
  CHECK(describe<lm::LayerNormOf<lm::Shape<4, 5>, 1e-6f, false>>() ==
        "LayerNorm((4, 5), eps=1e-06, elementwise_affine=False)");
  CHECK(describe<lm::GroupNorm<2, 6>>() == "GroupNorm(2, 6, eps=1e-05, affine=True)");
  CHECK(describe<lm::SoftmaxOf<1>>() == "Softmax(dim=1)");
  CHECK(describe<lm::LogSoftmax>() == "LogSoftmax(dim=-1)");
  CHECK(describe<lm::Flatten>() == "Flatten(start_dim=1, end_dim=-1)");
  CHECK(describe<lm::FlattenOf<2, -2>>() == "Flatten(start_dim=2, end_dim=-2)");
  CHECK(describe<lm::MaxPool2d<3, 2, 1, 1, true>>() ==
        "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)");
  CHECK(describe<lm::AdaptiveAvgPool2d<1>>() == "AdaptiveAvgPool2d(output_size=(1, 1))");
  CHECK(describe<lm::Conv2d<3, 8, 3, 1, lm::padding_same>>() ==
        "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=same)");
  CHECK(describe<lm::Upsample<2, lm::upsample_mode::bilinear>>() == "Upsample(scale_factor=2.0, mode='bilinear')");
}
