// SGEMM micro-benchmark: lamina::kernels::gemm vs OpenBLAS cblas_sgemm, 1 and 2 threads.
// Usage: lamina_gemm_bench [samples=7] [min_sample_ms=40] [threads=1,2] [shape indices=all]
// Each sample times enough back-to-back calls to last min_sample_ms; lamina and OpenBLAS
// samples are interleaved so clock/thermal drift hits both equally; the median is reported.
#include <lamina/kernels/cpu/gemm.hpp>

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using lamina::kernels::transpose;
using clk = std::chrono::steady_clock;

struct shape {
  const char* what;
  transpose ta, tb;
  std::size_t M, N, K;
};

double cpu_mhz() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("cpu MHz", 0) == 0) return std::atof(line.substr(line.find(':') + 1).c_str());
  return 0.0;
}

template <class F>
double sample_gflops(F&& f, double flop, double min_ms) {
  f();  // warm caches / thread pools
  int reps = 1;
  for (;;) {
    const auto t0 = clk::now();
    for (int r = 0; r < reps; ++r) f();
    const double ms = std::chrono::duration<double, std::milli>(clk::now() - t0).count();
    if (ms >= min_ms) return flop * reps / (ms * 1e6);
    reps = std::max(reps * 2, int(reps * min_ms / std::max(ms, 1e-3)) + 1);
  }
}

// Effective core clock from a chain of dependent 1-cycle integer adds (turbo included).
double measured_ghz() {
  long v = 0;
  const long n = 400000000;
  const auto t0 = clk::now();
#if defined(__x86_64__) || defined(__i386__)
  for (long k = 0; k < n; ++k) __asm__ volatile("add $1, %0" : "+r"(v));
#else
  return 0.0;
#endif
  return n / std::chrono::duration<double>(clk::now() - t0).count() * 1e-9;
}

// OpenBLAS (pthreads) and libgomp workers spin for a while after a call; on a 2-core machine
// the other library's spinning workers steal a core from the one being timed. Let them sleep.
void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(150)); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int samples = argc > 1 ? std::atoi(argv[1]) : 7;
  const double min_ms = argc > 2 ? std::atof(argv[2]) : 40.0;
  auto int_list = [](const char* t) {
    std::vector<int> v;
    for (char* end = nullptr; *t; t = *end ? end + 1 : end) {
      const long x = std::strtol(t, &end, 10);
      if (end == t) break;
      v.push_back(int(x));
    }
    return v;
  };
  const std::vector<int> threads = int_list(argc > 3 ? argv[3] : "1,2");
  const std::vector<int> only = int_list(argc > 4 ? argv[4] : "");
  const shape shapes[] = {
      {"square", transpose::no, transpose::no, 256, 256, 256},
      {"square", transpose::no, transpose::no, 512, 512, 512},
      {"square", transpose::no, transpose::no, 1024, 1024, 1024},
      {"square", transpose::no, transpose::no, 2048, 2048, 2048},
      {"fc fwd X*W^T", transpose::no, transpose::yes, 64, 512, 784},
      {"fc dW = dY^T*X", transpose::yes, transpose::no, 512, 784, 64},
      {"fc dX = dY*W", transpose::no, transpose::no, 64, 784, 512},
      {"fc fwd X*W^T", transpose::no, transpose::yes, 128, 32, 784},
      {"fc fwd X*W^T", transpose::no, transpose::yes, 64, 10, 512},
      {"conv W*im2col", transpose::no, transpose::no, 64, 4096, 75},
      {"fc NN", transpose::no, transpose::no, 64, 512, 784},
      {"fc NN", transpose::no, transpose::no, 128, 32, 784},
      {"fc NN", transpose::no, transpose::no, 64, 10, 512},
  };

  const double mhz = cpu_mhz();
  // Peak per core: 2 FMA pipes x 16 floats (512-bit) x 2 flops per FMA per cycle.
  const double peak_core = mhz * 1e-3 * 2 * 16 * 2;
  std::printf("# SGEMM GFLOP/s, median of %d interleaved samples (>= %.0f ms each)\n", samples, min_ms);
  std::printf("# peak assumption: cpu MHz %.0f (from /proc/cpuinfo) x 2 FMA units x 16 floats x 2 "
              "= %.1f GFLOP/s per core (turbo may exceed it)\n",
              mhz, peak_core);
  const double ghz = measured_ghz();
  std::printf("# measured effective clock %.2f GHz (dependent-add chain) -> %.1f GFLOP/s per core "
              "at that clock; %% peak below uses the /proc/cpuinfo figure\n",
              ghz, ghz * 64);
  std::printf("# lamina micro-tile %zux%zu (xsimd %s, %zu floats/vector), KC<=%zu MC~%zu NC<=%zu\n",
              lamina::kernels::detail::gemm_mr, lamina::kernels::detail::gemm_nr,
              xsimd::default_arch::name(), lamina::kernels::detail::gemm_w,
              lamina::kernels::detail::gemm_kc_max, lamina::kernels::detail::gemm_mc_max,
              lamina::kernels::detail::gemm_nc_max);
  std::printf("# OpenBLAS: %s\n\n", openblas_get_config());
  std::printf("| op | M | N | K | thr | lamina GFLOP/s | OpenBLAS GFLOP/s | lamina/OpenBLAS | lamina %% peak | max diff / max C |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");

  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (const auto& s : shapes) {
    const int index = int(&s - shapes);
    if (!only.empty() && std::find(only.begin(), only.end(), index) == only.end()) continue;
    const bool ta = s.ta == transpose::yes, tb = s.tb == transpose::yes;
    const std::size_t lda = ta ? s.M : s.K, ldb = tb ? s.K : s.N, ldc = s.N;
    std::vector<float> A(s.M * s.K), B(s.K * s.N), C1(s.M * s.N), C2(s.M * s.N);
    for (auto& x : A) x = dist(rng);
    for (auto& x : B) x = dist(rng);
    const double flop = 2.0 * double(s.M) * double(s.N) * double(s.K);
    auto run_lamina = [&] {
      lamina::kernels::gemm(lamina::cpu{}, s.ta, s.tb, s.M, s.N, s.K, 1.0f, A.data(), lda, B.data(),
                            ldb, 0.0f, C1.data(), ldc);
    };
    auto run_blas = [&] {
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                  int(s.M), int(s.N), int(s.K), 1.0f, A.data(), int(lda), B.data(), int(ldb), 0.0f,
                  C2.data(), int(ldc));
    };
    for (int thr : threads) {
      omp_set_num_threads(thr);
      openblas_set_num_threads(thr);
      std::vector<double> gl, gb;
      for (int r = 0; r < samples; ++r) {
        if (thr > 1) settle();
        gl.push_back(sample_gflops(run_lamina, flop, min_ms));
        if (thr > 1) settle();
        gb.push_back(sample_gflops(run_blas, flop, min_ms));
      }
      double diff = 0.0, cmax = 0.0;  // max |lamina - OpenBLAS| / max |C|
      for (std::size_t i = 0; i < C1.size(); ++i) {
        diff = std::max(diff, double(std::abs(C1[i] - C2[i])));
        cmax = std::max(cmax, double(std::abs(C2[i])));
      }
      diff /= std::max(cmax, 1e-30);
      const double l = median(gl), b = median(gb);
      std::printf("| %s %s%s | %zu | %zu | %zu | %d | %.1f | %.1f | %.2f | %.0f%% | %.1e |\n", s.what,
                  ta ? "T" : "N", tb ? "T" : "N", s.M, s.N, s.K, thr, l, b, l / b,
                  100.0 * l / (peak_core * thr), diff);
      std::fflush(stdout);
    }
  }
}
