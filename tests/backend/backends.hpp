#pragma once
// Tests written once, instantiated per backend (Kokkos' rule). Each test file here is compiled
// as C++ into lamina_tests (backends: cpu) and, through all_backends.cu, which #includes it,
// as CUDA into lamina_cuda_tests (backends: cpu and cuda). A test for backend B runs B and the
// CPU backend on the same parameters and input and compares them; on the CPU that compares
// the CPU with itself, which keeps the harness honest. Without a usable GPU the cuda
// instantiations pass after a warning that says they were skipped.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <cstdint>
#include <limits>
#include <tuple>
#include <type_traits>
#include <vector>

#include "runtime/fixture.hpp"  // close_to

namespace lamina_test {

#if defined(__CUDACC__)
using backends = std::tuple<lamina::cpu, lamina::cuda>;
#define LAMINA_BACKEND_TAGS "[backend][cuda]"
#else
using backends = std::tuple<lamina::cpu>;
#define LAMINA_BACKEND_TAGS "[backend]"
#endif

template <class B>
constexpr const char* backend_name() {
  return std::is_same_v<B, lamina::cpu> ? "cpu" : "cuda";
}

// Whether backend B can run in this process.
template <class B>
bool backend_available() {
#if defined(__CUDACC__)
  if constexpr (std::is_same_v<B, lamina::cuda>) return lamina::cuda_device_available();
#endif
  return true;
}

// Host copy of n floats of backend memory.
template <class B>
std::vector<float> host(const float* p, std::size_t n) {
  std::vector<float> h(n);
  lamina::kernels::download(B{}, p, h.data(), n);
  return h;
}
template <class B, class View>
std::vector<float> host(const View& v) {
  return host<B>(v.data, v.size());
}

inline std::vector<float> random_values(std::size_t n, std::uint64_t seed, float lo = -1.f, float hi = 1.f) {
  lamina::rng gen(seed);
  std::vector<float> v(n);
  for (float& x : v) x = gen.uniform(lo, hi);
  return v;
}

}  // namespace lamina_test

// Returns from the test (after a warning) when backend B cannot run here.
#define LAMINA_REQUIRE_BACKEND(B)                                                                    \
  do {                                                                                               \
    if (!lamina_test::backend_available<B>()) {                                                      \
      WARN("skipped on " << lamina_test::backend_name<B>()                                           \
                         << ": no CUDA device (cudaGetDeviceCount failed or found none)");          \
      return;                                                                                        \
    }                                                                                                \
  } while (0)
