// Model: state_dict names and layout, run-time argument checks, the summary table, planned
// buffers (a training step allocates nothing), and reproducibility across thread counts.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace lm = lamina;

// Counts heap allocations made on this thread while `counting` is set.
namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;
}  // namespace
// Every replaceable form, so that no allocation reaches a deallocator of another family (the
// sanitizers check that new and delete pair up).
namespace {
void* counted(std::size_t n, std::size_t align = 0) noexcept {
  if (counting) ++allocations;
  if (!align) return std::malloc(n ? n : 1);
  return std::aligned_alloc(align, (std::max<std::size_t>(n, 1) + align - 1) / align * align);
}
void* counted_or_throw(std::size_t n, std::size_t align = 0) {
  if (void* p = counted(n, align)) return p;
  throw std::bad_alloc();
}
}  // namespace
void* operator new(std::size_t n) { return counted_or_throw(n); }
void* operator new[](std::size_t n) { return counted_or_throw(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_or_throw(n, std::size_t(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_or_throw(n, std::size_t(a)); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted(n, std::size_t(a)); }
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted(n, std::size_t(a)); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

using Block = lm::Sequential<lm::Linear<8, 8>, lm::Tanh>;
using Net = lm::Sequential<lm::Flatten, lm::Linear<12, 8>, lm::ReLU, Block, lm::Linear<8, 3>>;

TEST_CASE("Parameters are named and laid out like nn.Sequential's state_dict", "[model]") {
  lm::Model<Net, lm::Shape<3, 2, 2>> model;
  std::vector<std::string> names;
  for (const auto& p : model.named_parameters()) names.push_back(p.name);
  REQUIRE(names == std::vector<std::string>{"1.weight", "1.bias", "3.0.weight", "3.0.bias", "4.weight", "4.bias"});
  REQUIRE(model.parameter("1.weight").shape == lm::make_dims(8, 12));
  REQUIRE(model.parameter("4.bias").shape == lm::make_dims(3));
  // Packed contiguously in that order.
  REQUIRE(model.parameter("1.bias").data == model.parameter("1.weight").data + 96);
  REQUIRE(model.parameter("4.bias").data + 3 == model.parameters().data + Net::param_count);
  REQUIRE_THROWS_WITH(model.parameter("2.weight"),
                      Catch::Contains("no parameter named '2.weight'") && Catch::Contains("3.0.weight"));
}

TEST_CASE("Forward checks the run-time shape of a view", "[model]") {
  lm::Model<Net, lm::Shape<3, 2, 2>> model;
  std::vector<float> x(2 * 12, 0.1f);
  REQUIRE(model.forward(lm::ConstTensorView{x.data(), lm::make_dims(2, 3, 2, 2)}).shape == lm::make_dims(2, 3));
  REQUIRE(model.forward(lm::ConstTensorView{x.data(), lm::make_dims(2, 12)}).shape == lm::make_dims(2, 3));
  REQUIRE_THROWS_WITH(model.forward(lm::ConstTensorView{x.data(), lm::make_dims(2, 2, 3, 2)}),
                      Catch::Contains("[2, 2, 3, 2]") && Catch::Contains("[3, 2, 2]"));
}

TEST_CASE("A nested network computes what the flat one does", "[model]") {
  using Flat = lm::Sequential<lm::Flatten, lm::Linear<12, 8>, lm::ReLU, lm::Linear<8, 8>, lm::Tanh, lm::Linear<8, 3>>;
  lm::Model<Net, lm::Shape<3, 2, 2>> nested(4);
  lm::Model<Flat, lm::Shape<3, 2, 2>> flat(9);
  std::copy(nested.parameters().begin(), nested.parameters().end(), flat.parameters().begin());
  lm::rng gen(1);
  std::vector<float> x(5 * 12);
  for (float& v : x) v = gen.uniform(-1, 1);
  const auto a = nested.forward(x, 5);
  const auto b = flat.forward(x, 5);
  REQUIRE(std::equal(a.begin(), a.end(), b.begin()));
}

TEST_CASE("The summary is torchinfo's table from compile-time data", "[model][summary]") {
  using W1 = lm::Sequential<lm::Flatten, lm::Linear<784, 512>, lm::ReLU, lm::Linear<512, 512>, lm::ReLU,
                            lm::Linear<512, 10>>;
  const std::string s = lm::Model<W1, lm::Shape<1, 28, 28>>::summary(64);
  REQUIRE_THAT(s, Catch::Contains("Total params: 669,706"));
  REQUIRE_THAT(s, Catch::Contains("├─Linear: 1-2"));
  REQUIRE_THAT(s, Catch::Contains("[64, 784]"));
  REQUIRE_THAT(s, Catch::Contains("401,920"));
  // torchinfo's totals for the same network and batch: mult-adds = batch * parameters of each
  // Linear; MB = 10^6 bytes; the forward/backward size counts the outputs of layers with parameters.
  REQUIRE_THAT(s, Catch::Contains("Total mult-adds (M): 42.86"));
  REQUIRE_THAT(s, Catch::Contains("Input size (MB): 0.20"));
  REQUIRE_THAT(s, Catch::Contains("Forward/backward pass size (MB): 0.53"));
  REQUIRE_THAT(s, Catch::Contains("Params size (MB): 2.68"));
  REQUIRE_THAT(s, Catch::Contains("Estimated Total Size (MB): 3.41"));
  // Convolutions: parameters * output height * width (torchinfo's rule), 80 * 26 * 26 + 16 + 13,530.
  using Small = lm::Sequential<lm::Conv2d<1, 8, 3>, lm::BatchNorm2d<8>, lm::ReLU, lm::MaxPool2d<2>, lm::Flatten,
                               lm::Linear<8 * 13 * 13, 10>>;
  REQUIRE_THAT((lm::summary<Small, lm::Shape<1, 28, 28>>(1000)), Catch::Contains("Total mult-adds (M): 67.63"));
  REQUIRE_THAT((lm::summary<Small, lm::Shape<1, 28, 28>>(100000)), Catch::Contains("Total mult-adds (G): 6.76"));
  const std::string n = lm::Model<Net, lm::Shape<3, 2, 2>>::summary();
  REQUIRE_THAT(n, Catch::Contains("│    ├─Linear: 2-1"));
}

TEST_CASE("After planning, a training step allocates nothing", "[model][memory]") {
  using W = lm::Sequential<lm::Flatten, lm::Linear<64, 256>, lm::ReLU, lm::Linear<256, 256>, lm::Sigmoid,
                           lm::Linear<256, 10>>;
  lm::Model<W, lm::Shape<1, 8, 8>> model(2);
  lm::optim::SGD opt(model, {.lr = 0.01f, .momentum = 0.9f});
  std::vector<float> x(128 * 64, 0.3f);
  std::vector<std::int32_t> y(128, 1);
  lm::train::step(model, x, 128, std::span<const std::int32_t>(y), lm::loss::CrossEntropy{}, opt);
  allocations = 0;
  counting = true;
  for (int i = 0; i < 3; ++i)
    lm::train::step(model, x, 128, std::span<const std::int32_t>(y), lm::loss::CrossEntropy{}, opt);
  counting = false;
  REQUIRE(allocations == 0);
}

namespace {
template <class Model>
std::vector<float> train_a_little(int threads) {
#if defined(_OPENMP)
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
#endif
  Model model(21);
  lm::optim::SGD opt(model, {.lr = 0.05f, .momentum = 0.9f, .weight_decay = 1e-4f});
  lm::rng gen(5);
  std::vector<float> x(256 * 300);
  std::vector<std::int32_t> y(256);
  for (float& v : x) v = gen.uniform(0, 1);
  for (auto& v : y) v = std::int32_t(gen.below(10));
  for (int i = 0; i < 4; ++i)
    lm::train::step(model, x, 256, std::span<const std::int32_t>(y), lm::loss::CrossEntropy{}, opt);
#if defined(_OPENMP)
  omp_set_num_threads(saved);
#endif
  return {model.parameters().begin(), model.parameters().end()};
}
}  // namespace

TEST_CASE("Training is bit-identical for 1 and 2 threads and for the same seed", "[model][determinism]") {
  using M = lm::Model<lm::Sequential<lm::Linear<300, 400>, lm::ReLU, lm::Linear<400, 200>, lm::Tanh,
                                     lm::Linear<200, 10>>, lm::Shape<300>>;
  const auto one = train_a_little<M>(1);
  const auto two = train_a_little<M>(2);
  const auto again = train_a_little<M>(2);
  REQUIRE(one == two);
  REQUIRE(two == again);
}
