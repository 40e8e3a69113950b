#pragma once
// A small, fast, portable generator. Unlike std::normal_distribution, every draw here is
// specified by this file alone, so a seed reproduces a run bit for bit on any platform.
#include <cmath>
#include <cstdint>
#include <bit>
#include <charconv>
#include <cstdio>
#include <numbers>
#include <string>
#include <string_view>

namespace lamina {

/// lamina's random number generator: xoshiro256** seeded through splitmix64, with uniform
/// and normal draws specified here (not by the standard library), so that a seed gives the
/// same numbers on every platform. A UniformRandomBitGenerator, usable with `<random>`.
class rng {
 public:
  using result_type = std::uint64_t;  ///< What operator() returns: 64 random bits.
  /// A generator seeded with `seed`.
  explicit rng(std::uint64_t seed = 0) { reseed(seed); }

  /// Restarts the generator as if constructed with `seed`.
  void reseed(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& s : s_) s = splitmix64(x);
    has_spare_ = false;
  }
  /// A generator for a named sub-stream (e.g. one parameter tensor): independent of how many
  /// numbers other streams drew, so adding a layer does not change the others' initial values.
  rng fork(std::string_view name) const {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (char c : name) h = (h ^ std::uint8_t(c)) * 1099511628211ull;
    return rng(s_[0] ^ h ^ (s_[1] << 1));
  }

  /// Smallest value of operator() (0).
  static constexpr result_type min() { return 0; }
  /// Largest value of operator() (2^64 - 1).
  static constexpr result_type max() { return ~result_type{0}; }

  /// The next 64 random bits: xoshiro256** (Blackman & Vigna).
  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1) with 24 random mantissa bits.
  float uniform() { return float((*this)() >> 40) * 0x1.0p-24f; }
  /// Uniform in [lo, hi).
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n) without modulo bias (Lemire).
  std::uint64_t below(std::uint64_t n) {
    unsigned __int128 m = (unsigned __int128)(*this)() * n;
    auto low = std::uint64_t(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = (unsigned __int128)(*this)() * n;
        low = std::uint64_t(m);
      }
    }
    return std::uint64_t(m >> 64);
  }
  /// Standard normal by Box-Muller, in double for accuracy, spare value kept.
  float normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = (double((*this)() >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
    double u2 = double((*this)() >> 11) * 0x1.0p-53;
    double r = std::sqrt(-2.0 * std::log(u1));
    double a = 2.0 * std::numbers::pi * u2;
    spare_ = float(r * std::sin(a));
    has_spare_ = true;
    return float(r * std::cos(a));
  }
  /// Normal with this mean and standard deviation.
  float normal(float mean, float stddev) { return mean + stddev * normal(); }

  /// The whole state as text ("s0 s1 s2 s3 spare has_spare" in hex), for checkpoints: a
  /// generator restored from it continues the same stream, bit for bit.
  std::string state() const {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%016llx %016llx %016llx %016llx %08x %d", (unsigned long long)s_[0],
                  (unsigned long long)s_[1], (unsigned long long)s_[2], (unsigned long long)s_[3],
                  unsigned(std::bit_cast<std::uint32_t>(spare_)), int(has_spare_));
    return buf;
  }
  /// Restores state(); false (and the generator unchanged) when `text` is not one.
  bool set_state(std::string_view text) {
    std::uint64_t w[6];
    const char* p = text.data();
    const char* end = p + text.size();
    for (int i = 0; i < 6; ++i) {
      if (i && (p == end || *p++ != ' ')) return false;
      const auto [next, ec] = std::from_chars(p, end, w[i], 16);
      if (ec != std::errc{} || next - p != (i < 4 ? 16 : i == 4 ? 8 : 1)) return false;
      p = next;
    }
    if (p != end || (w[0] | w[1] | w[2] | w[3]) == 0 || w[5] > 1) return false;  // all-zero: xoshiro's one bad state
    for (int i = 0; i < 4; ++i) s_[i] = w[i];
    spare_ = std::bit_cast<float>(std::uint32_t(w[4]));
    has_spare_ = w[5] == 1;
    return true;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4]{};
  float spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace lamina
