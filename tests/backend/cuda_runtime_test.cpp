// The CUDA backend's own machinery: errors as exceptions, the caching pool, buffer<cuda>.
// CUDA only (compiled through all_backends.cu); the error test needs no GPU.
#if defined(__CUDACC__)
#include "backend/backends.hpp"

namespace lm = lamina;

TEST_CASE("LAMINA_CUDA_CHECK names the call and the error", "[cuda]") {
  // Fails with or without a GPU (invalid device, or no device / driver at all).
  const auto cuda_fails = [] { LAMINA_CUDA_CHECK(cudaSetDevice(-1)); };
  CHECK_THROWS_AS(cuda_fails(), lm::cuda_error);
  CHECK_THROWS_WITH(cuda_fails(), Catch::StartsWith("lamina: cudaSetDevice(-1) failed: cudaError") &&
                                      Catch::Contains("cuda_runtime_test.cpp"));
  const auto invalid = [] { LAMINA_CUDA_CHECK(cudaErrorInvalidValue); };
  CHECK_THROWS_WITH(invalid(), Catch::Contains("cudaErrorInvalidValue (invalid argument)"));
  const auto cublas_fails = [] { LAMINA_CUBLAS_CHECK(CUBLAS_STATUS_NOT_INITIALIZED); };
  CHECK_THROWS_WITH(cublas_fails(), Catch::Contains("CUBLAS_STATUS_NOT_INITIALIZED"));
}

TEST_CASE("The pool's size classes waste at most a quarter", "[cuda]") {
  CHECK(lm::cuda_memory_pool::size_class(1) == 256);
  CHECK(lm::cuda_memory_pool::size_class(256) == 256);
  CHECK(lm::cuda_memory_pool::size_class(257) == 320);
  CHECK(lm::cuda_memory_pool::size_class(4096) == 4096);
  CHECK(lm::cuda_memory_pool::size_class(4097) == 5120);
  for (std::size_t b = 1; b < (1u << 22); b = b * 3 + 1) {
    const std::size_t c = lm::cuda_memory_pool::size_class(b);
    CHECK(c >= b);
    CHECK(double(c) <= std::max(256.0, 1.25 * double(b)));
  }
}

TEST_CASE("buffer<cuda> and the caching pool", "[cuda]") {
  LAMINA_REQUIRE_BACKEND(lm::cuda);
  auto& pool = lm::cuda_memory_pool::get();
  {
    lm::buffer<lm::cuda> a(1000);
    CHECK(lamina_test::host<lm::cuda>(a.data(), 1000) == std::vector<float>(1000, 0.f));
    const auto v = lamina_test::random_values(1000, 1);
    lm::kernels::upload(lm::cuda{}, v.data(), a.data(), v.size());
    lm::buffer<lm::cuda> b = a;  // a device copy
    CHECK(lamina_test::host<lm::cuda>(b.data(), 1000) == v);
    a.resize(10);  // smaller: no reallocation, zero-filled
    CHECK(lamina_test::host<lm::cuda>(a.data(), 10) == std::vector<float>(10, 0.f));
  }
  const auto before = pool.stats();
  for (int i = 0; i < 10; ++i) lm::buffer<lm::cuda> c(900);  // same size class as 1000 floats
  const auto after = pool.stats();
  CHECK(after.cuda_mallocs == before.cuda_mallocs);
  CHECK(after.reused >= before.reused + 10);
}

TEST_CASE("A training step on the GPU allocates no new device memory", "[cuda]") {
  LAMINA_REQUIRE_BACKEND(lm::cuda);
  using Net = lm::Sequential<lm::Flatten, lm::Linear<784, 64>, lm::ReLU, lm::Linear<64, 10>>;
  lm::Model<Net, lm::Shape<1, 28, 28>, lm::cuda> model(1);
  lm::optim::Adam opt(model, {});
  const auto x = lamina_test::random_values(32 * 784, 2, 0.f, 1.f);
  std::vector<std::int32_t> y(32, 3);
  lm::train::step(model, x, 32, std::span<const std::int32_t>(y), lm::loss::CrossEntropy{}, opt);
  const auto before = lm::cuda_memory_pool::get().stats().cuda_mallocs;
  for (int i = 0; i < 5; ++i)
    lm::train::step(model, x, 32, std::span<const std::int32_t>(y), lm::loss::CrossEntropy{}, opt);
  CHECK(lm::cuda_memory_pool::get().stats().cuda_mallocs == before);
}
#endif
