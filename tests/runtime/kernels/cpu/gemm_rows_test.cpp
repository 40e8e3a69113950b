// The GEMMs that read an operand through a row table (implicit-im2col convolutions): the packed
// GEMM reading B's panels in place (gemm_rows_b, op(B) = B) and the dot-product GEMM
// (gemm_dot_rows, C = A x B^T). Rows overlap, as a convolution's shifted image rows do.
#include <lamina/kernels/cpu/gemm.hpp>
#include <lamina/kernels/cpu/gemm_dot.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <random>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

namespace lk = lamina::kernels;

std::vector<float> random_floats(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Row j of the table starts at `shift * j + j % 3`: consecutive rows overlap and are misaligned.
std::vector<std::ptrdiff_t> row_table(std::size_t rows, std::size_t shift) {
  std::vector<std::ptrdiff_t> t(rows);
  for (std::size_t j = 0; j < rows; ++j) t[j] = std::ptrdiff_t(shift * j + j % 3);
  return t;
}

struct dot_problem {
  std::size_t M, N, K, lda, a_offset;
  std::vector<float> A, B;
  std::vector<std::ptrdiff_t> rows;
  std::vector<float> run() const {
    std::vector<float> C(M * (N + 1), -7.f);  // ldc = N + 1: the spare column must stay untouched
    lk::gemm_dot_rows(lamina::cpu{}, M, N, K, A.data() + a_offset, lda, B.data(), rows.data(), C.data(), N + 1);
    return C;
  }
};

dot_problem make_dot(std::size_t M, std::size_t N, std::size_t K, std::size_t lda, std::size_t a_offset,
                     unsigned seed) {
  dot_problem p{M, N, K, lda, a_offset, random_floats(a_offset + M * lda, seed), {}, row_table(N, 5)};
  p.B = random_floats(std::size_t(p.rows.back()) + K, seed + 1);
  return p;
}

}  // namespace

TEST_CASE("gemm_dot_rows matches a double reference", "[kernels][cpu][gemm]") {
  struct shape { std::size_t M, N, K, lda, a_offset; };
  const shape shapes[] = {{1, 1, 1, 1, 0},        {16, 9, 3, 3, 0},         {4, 6, 16, 16, 0},
                          {5, 7, 40, 48, 3},      {32, 144, 2500, 2512, 35}, {16, 9, 1100, 1100, 1},
                          {3, 13, 4099, 4112, 0}, {33, 25, 700, 705, 2}};
  unsigned seed = 1;
  for (const auto& s : shapes) {
    const auto p = make_dot(s.M, s.N, s.K, s.lda, s.a_offset, seed += 2);
    const auto C = p.run();
    std::size_t bad = 0;
    for (std::size_t i = 0; i < s.M; ++i) {
      for (std::size_t j = 0; j < s.N; ++j) {
        double ref = 0, mag = 0;
        for (std::size_t k = 0; k < s.K; ++k) {
          const double t = double(p.A[s.a_offset + i * s.lda + k]) * double(p.B[std::size_t(p.rows[j]) + k]);
          ref += t;
          mag += std::abs(t);
        }
        if (!(std::abs(C[i * (s.N + 1) + j] - ref) <= 1e-5 * mag + 1e-30)) ++bad;
      }
      if (C[i * (s.N + 1) + s.N] != -7.f) ++bad;
    }
    INFO("M=" << s.M << " N=" << s.N << " K=" << s.K << " lda=" << s.lda << " offset=" << s.a_offset);
    CHECK(bad == 0);
  }
}

TEST_CASE("gemm_dot_rows is bit-identical for 1, 2 and 3 OpenMP threads", "[kernels][cpu][gemm]") {
#ifndef _OPENMP
  SUCCEED("built without OpenMP");
#else
  const int saved = omp_get_max_threads();
  const auto p = make_dot(32, 144, 5000, 5008, 35, 11);
  omp_set_num_threads(1);
  const auto c1 = p.run();
  omp_set_num_threads(2);
  const auto c2 = p.run();
  omp_set_num_threads(3);
  const auto c3 = p.run();
  omp_set_num_threads(saved);
  CHECK(std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(float)) == 0);
  CHECK(std::memcmp(c1.data(), c3.data(), c1.size() * sizeof(float)) == 0);
#endif
}

TEST_CASE("gemm_rows_b reads whole B panels in place and packs the edge", "[kernels][cpu][gemm]") {
  // op(B) = B with row k at B + rows[k]; N spans whole panels plus a ragged edge.
  // K past one k block (256) exercises later blocks accumulating into C, beta = 0.5 the caller's C.
  struct shape { std::size_t N, K; float beta; };
  for (const shape s : {shape{7, 37, 0.f}, shape{64, 37, 0.f}, shape{100, 37, 0.5f}, shape{1157, 37, 0.f},
                        shape{100, 300, 0.f}, shape{300, 600, 0.5f}}) {
    const std::size_t M = 19, N = s.N, K = s.K;
    const auto A = random_floats(M * K, 3);
    const auto rows = row_table(K, 9);
    const auto B = random_floats(std::size_t(rows.back()) + N, 4);
    const auto C0 = random_floats(M * N, 5);
    auto C = C0;
    lk::gemm_rows_b(lamina::cpu{}, lk::transpose::no, lk::transpose::no, M, N, K, 1.f, A.data(), K, B.data(),
                    rows.data(), s.beta, C.data(), N);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < M; ++i)
      for (std::size_t j = 0; j < N; ++j) {
        double ref = double(s.beta) * C0[i * N + j], mag = std::abs(ref);
        for (std::size_t k = 0; k < K; ++k) {
          const double t = double(A[i * K + k]) * double(B[std::size_t(rows[k]) + j]);
          ref += t;
          mag += std::abs(t);
        }
        if (!(std::abs(C[i * N + j] - ref) <= 1e-5 * mag + 1e-30)) ++bad;
      }
    INFO("N=" << N << " K=" << K << " beta=" << s.beta);
    CHECK(bad == 0);
  }
}
