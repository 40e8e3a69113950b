#include <lamina/kernels/cpu/gemm.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

using lamina::kernels::transpose;

struct problem {
  transpose ta, tb;
  std::size_t M, N, K, lda, ldb, ldc;
  std::vector<float> A, B, C;
};

problem make_problem(transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K,
                     std::size_t pad, unsigned seed) {
  problem p{ta, tb, M, N, K, 0, 0, 0, {}, {}, {}};
  const std::size_t a_rows = ta == transpose::yes ? K : M, a_cols = ta == transpose::yes ? M : K;
  const std::size_t b_rows = tb == transpose::yes ? N : K, b_cols = tb == transpose::yes ? K : N;
  p.lda = a_cols + pad;
  p.ldb = b_cols + 2 * pad;
  p.ldc = N + 3 * pad;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  p.A.resize(a_rows * p.lda + 1);
  p.B.resize(b_rows * p.ldb + 1);
  p.C.resize(M * p.ldc + 1);
  for (auto& x : p.A) x = dist(rng);
  for (auto& x : p.B) x = dist(rng);
  for (auto& x : p.C) x = dist(rng);
  return p;
}

float op_a(const problem& p, std::size_t i, std::size_t k) {
  return p.ta == transpose::yes ? p.A[k * p.lda + i] : p.A[i * p.lda + k];
}
float op_b(const problem& p, std::size_t k, std::size_t j) {
  return p.tb == transpose::yes ? p.B[j * p.ldb + k] : p.B[k * p.ldb + j];
}

// Naive double-accumulating reference; also returns sum |a*b| per element for the tolerance.
void reference(const problem& p, float alpha, float beta, const std::vector<float>& C0,
               std::vector<double>& ref, std::vector<double>& mag) {
  ref.assign(p.M * p.ldc, 0.0);
  mag.assign(p.M * p.ldc, 0.0);
  for (std::size_t i = 0; i < p.M; ++i)
    for (std::size_t j = 0; j < p.N; ++j) {
      double s = 0.0, m = 0.0;
      for (std::size_t k = 0; k < p.K; ++k) {
        const double t = double(op_a(p, i, k)) * double(op_b(p, k, j));
        s += t;
        m += std::abs(t);
      }
      const double c = beta == 0.0f ? 0.0 : double(beta) * double(C0[i * p.ldc + j]);
      ref[i * p.ldc + j] = double(alpha) * s + c;
      mag[i * p.ldc + j] = std::abs(double(alpha)) * m + std::abs(c);
    }
}

void run(problem& p, float alpha, float beta) {
  lamina::kernels::gemm(lamina::cpu{}, p.ta, p.tb, p.M, p.N, p.K, alpha, p.A.data(), p.lda,
                        p.B.data(), p.ldb, beta, p.C.data(), p.ldc);
}

// Checks C against the reference (relative to the magnitude of the summands, scaled by K) and
// that the padding between rows (j >= N) and past the end was not touched.
void check(transpose ta, transpose tb, std::size_t M, std::size_t N, std::size_t K,
           std::size_t pad, float alpha, float beta, unsigned seed) {
  auto p = make_problem(ta, tb, M, N, K, pad, seed);
  if (beta == 0.0f)
    for (std::size_t i = 0; i < M; ++i)
      for (std::size_t j = 0; j < N; ++j) p.C[i * p.ldc + j] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> C0 = p.C;
  std::vector<double> ref, mag;
  reference(p, alpha, beta, C0, ref, mag);
  run(p, alpha, beta);
  const double tol = 1e-5 * double(std::max<std::size_t>(K, 1)) / 16.0 + 1e-6;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < p.ldc; ++j) {
      const std::size_t at = i * p.ldc + j;
      if (j >= N) {
        if (std::memcmp(&p.C[at], &C0[at], sizeof(float)) != 0) ++bad;
        continue;
      }
      const double err = std::abs(double(p.C[at]) - ref[at]);
      if (!(err <= tol * (mag[at] + 1e-30) + 1e-30)) ++bad;
    }
  if (std::memcmp(&p.C.back(), &C0.back(), sizeof(float)) != 0) ++bad;
  INFO("ta=" << int(ta) << " tb=" << int(tb) << " M=" << M << " N=" << N << " K=" << K
             << " pad=" << pad << " alpha=" << alpha << " beta=" << beta);
  CHECK(bad == 0);
}

constexpr transpose kT[] = {transpose::no, transpose::yes};

}  // namespace

TEST_CASE("gemm matches a double reference: edge sizes, all transposes", "[kernels][cpu][gemm]") {
  const std::size_t sizes[] = {1, 2, 7, 13, 16, 17, 33};
  unsigned seed = 1;
  for (auto ta : kT)
    for (auto tb : kT)
      for (auto M : sizes)
        for (auto N : sizes)
          for (std::size_t K : {std::size_t{1}, std::size_t{7}, std::size_t{33}})
            check(ta, tb, M, N, K, (M + N + K) % 3 == 0 ? 0 : 5, 1.0f, 0.0f, seed++);
}

TEST_CASE("gemm matches a double reference: blocked sizes, alpha/beta, padding", "[kernels][cpu][gemm]") {
  struct shape { std::size_t M, N, K; };
  const shape shapes[] = {{257, 33, 13},  {13, 257, 7},   {64, 10, 512},  {128, 32, 300},
                          {65, 97, 600},  {200, 70, 257}, {33, 300, 520}, {7, 4100, 3},
                          {300, 9, 1030}, {1, 1, 1000},   {1, 300, 300},  {300, 1, 300}};
  const float ab[][2] = {{1.0f, 0.0f}, {-0.5f, 1.0f}, {2.0f, -1.5f}, {1.0f, 1.0f}};
  unsigned seed = 1000;
  for (auto ta : kT)
    for (auto tb : kT)
      for (const auto& s : shapes)
        for (const auto& v : ab) {
          const std::size_t pad = seed % 2 ? 3 : 0;
          check(ta, tb, s.M, s.N, s.K, pad, v[0], v[1], seed++);
        }
}

TEST_CASE("gemm degenerate sizes and alpha == 0", "[kernels][cpu][gemm]") {
  for (auto ta : kT)
    for (auto tb : kT) {
      check(ta, tb, 5, 9, 0, 2, 1.0f, 0.0f, 7);    // K == 0, beta == 0: C = 0 (NaNs dropped)
      check(ta, tb, 5, 9, 0, 2, 1.0f, 0.25f, 8);   // K == 0: C = beta * C
      check(ta, tb, 5, 9, 11, 0, 0.0f, -2.0f, 9);  // alpha == 0
      check(ta, tb, 0, 9, 11, 0, 1.0f, 1.0f, 10);  // M == 0: nothing
      check(ta, tb, 9, 0, 11, 0, 1.0f, 1.0f, 11);  // N == 0: nothing
    }
}

TEST_CASE("gemm is bit-identical for 1, 2 and 3 OpenMP threads", "[kernels][cpu][gemm]") {
#ifndef _OPENMP
  SUCCEED("built without OpenMP");
#else
  const int saved = omp_get_max_threads();
  struct shape { std::size_t M, N, K; };
  const shape shapes[] = {{1024, 1024, 1024}, {64, 512, 784}, {512, 784, 64},
                          {257, 129, 1031},   {128, 32, 784},  {64, 10, 512}};
  unsigned seed = 77;
  for (const auto& s : shapes)
    for (auto ta : kT)
      for (auto tb : kT) {
        auto p = make_problem(ta, tb, s.M, s.N, s.K, 1, seed++);
        auto q = p, r = p;
        omp_set_num_threads(1);
        run(p, 1.5f, 0.5f);
        omp_set_num_threads(2);
        run(q, 1.5f, 0.5f);
        omp_set_num_threads(3);  // oversubscribed, odd split: still the same bits
        run(r, 1.5f, 0.5f);
        INFO("M=" << s.M << " N=" << s.N << " K=" << s.K << " ta=" << int(ta) << " tb=" << int(tb));
        CHECK(std::memcmp(p.C.data(), q.C.data(), p.C.size() * sizeof(float)) == 0);
        CHECK(std::memcmp(p.C.data(), r.C.data(), p.C.size() * sizeof(float)) == 0);
      }
  omp_set_num_threads(saved);
#endif
}

TEST_CASE("gemm called from inside a parallel region runs serially and correctly",
          "[kernels][cpu][gemm]") {
  auto p = make_problem(transpose::no, transpose::yes, 100, 90, 80, 0, 5);
  const auto C0 = p.C;
  std::vector<double> ref, mag;
  reference(p, 1.0f, 0.0f, C0, ref, mag);
  std::vector<std::vector<float>> outs(4, p.C);
#ifdef _OPENMP
#pragma omp parallel for num_threads(2)
#endif
  for (int t = 0; t < 4; ++t)
    lamina::kernels::gemm(lamina::cpu{}, p.ta, p.tb, p.M, p.N, p.K, 1.0f, p.A.data(), p.lda,
                          p.B.data(), p.ldb, 0.0f, outs[t].data(), p.ldc);
  for (int t = 0; t < 4; ++t) {
    double worst = 0;
    for (std::size_t i = 0; i < p.M * p.ldc; ++i)
      worst = std::max(worst, std::abs(outs[t][i] - ref[i]) / (mag[i] + 1e-30));
    CHECK(worst < 1e-5);
    CHECK(std::memcmp(outs[t].data(), outs[0].data(), outs[0].size() * sizeof(float)) == 0);
  }
}
