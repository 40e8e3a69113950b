// NumPy .npy reader/writer: every reference file NumPy wrote (tests/fixtures/npy, made by
// tests/fixtures/gen_npy.py: all dtypes, both byte orders, C and Fortran order, versions 1-3),
// byte-identical output with NumPy, round trips, header syntax variants, and the Olivetti faces.
#include <lamina/data/npy.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "../temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using lamina::data::npy_array;
using lamina::data::npy_dtype;

const fs::path npy_fixtures = fs::path(LAMINA_TEST_FIXTURES) / "npy";

using lamina_test::temp_dir;

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(f.good());
}

// The value gen_npy.py stores at flat C-order index k, as double (exact for every dtype used).
template <class T>
T expected_value(std::int64_t k) {
  if constexpr (std::is_same_v<T, std::uint8_t>) return static_cast<std::uint8_t>((37 * k + 11) % 256);
  else if constexpr (std::is_same_v<T, std::int32_t>) return static_cast<std::int32_t>(100003 * k - 500000);
  else if constexpr (std::is_same_v<T, std::int64_t>) return k * (std::int64_t{1} << 33) + k - 3;
  else if constexpr (std::is_same_v<T, float>) return static_cast<float>(0.25 * static_cast<double>(k) - 1.5);
  else return 1e-3 * static_cast<double>(k) + 1e10;
}

template <class T>
void check_values(const npy_array& a) {
  const auto v = a.as<T>();
  REQUIRE(v.size() == a.element_count());
  for (std::size_t k = 0; k < v.size(); ++k) {
    INFO("element " << k);
    REQUIRE(v[k] == expected_value<T>(static_cast<std::int64_t>(k)));
  }
  const std::vector<float> f = a.as_floats();
  REQUIRE(f.size() == v.size());
  for (std::size_t k = 0; k < v.size(); ++k) REQUIRE(f[k] == static_cast<float>(v[k]));
}

std::string npy_with_header(const std::string& header, const std::string& payload, int major = 1) {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const std::size_t n = header.size();
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i) out += static_cast<char>((n >> (8 * i)) & 0xFF);
  return out + header + payload;
}

}  // namespace

TEST_CASE("read_npy: every NumPy-written reference file", "[data][npy]") {
  REQUIRE(fs::is_directory(npy_fixtures));
  const std::vector<std::pair<std::string, npy_dtype>> dtypes = {
      {"u1", npy_dtype::u1}, {"i4", npy_dtype::i4}, {"i8", npy_dtype::i8}, {"f4", npy_dtype::f4}, {"f8", npy_dtype::f8}};
  const std::vector<std::vector<std::size_t>> shapes = {{}, {5}, {2, 3}, {2, 3, 4}};
  int files = 0;
  for (const auto& [code, dtype] : dtypes)
    for (const std::string order : {"le", "be"}) {
      if (code == "u1" && order == "be") continue;
      for (const auto& shape : shapes)
        for (const std::string layout : {"C", "F"}) {
          if (layout == "F" && shape.size() < 2) continue;
          for (int version : {1, 2, 3}) {
            if (version > 1 && shape.size() != 3) continue;
            std::string s;
            for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
            const std::string name =
                order + "_" + code + "_" + (s.empty() ? "scalar" : s) + "_" + layout + "_v" + std::to_string(version) + ".npy";
            INFO(name);
            const npy_array a = lamina::data::read_npy(npy_fixtures / name);
            ++files;
            CHECK(a.dtype == dtype);
            CHECK(a.shape == shape);
            CHECK(a.file == npy_fixtures / name);
            switch (dtype) {
              case npy_dtype::u1: check_values<std::uint8_t>(a); break;
              case npy_dtype::i4: check_values<std::int32_t>(a); break;
              case npy_dtype::i8: check_values<std::int64_t>(a); break;
              case npy_dtype::f4: check_values<float>(a); break;
              case npy_dtype::f8: check_values<double>(a); break;
            }
            // The memory parser gives the same array.
            const std::string bytes = slurp(npy_fixtures / name);
            const npy_array m = lamina::data::parse_npy(
                std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()), name);
            CHECK(m.shape == a.shape);
            CHECK(m.data == a.data);
          }
        }
    }
  CHECK(files == 90);
}

TEST_CASE("write_npy: byte-identical to NumPy for C-order little-endian arrays", "[data][npy]") {
  temp_dir dir;
  auto same_as_numpy = [&]<class T>(const std::string& fixture, T) {
    INFO(fixture);
    const npy_array ref = lamina::data::read_npy(npy_fixtures / fixture);
    const auto v = ref.as<T>();
    lamina::data::write_npy(dir / "out.npy", v.data(), ref.shape);
    CHECK(slurp(dir / "out.npy") == slurp(npy_fixtures / fixture));
  };
  same_as_numpy("le_u1_2x3x4_C_v1.npy", std::uint8_t{});
  same_as_numpy("le_i4_5_C_v1.npy", std::int32_t{});
  same_as_numpy("le_i8_2x3_C_v1.npy", std::int64_t{});
  same_as_numpy("le_f4_scalar_C_v1.npy", float{});
  same_as_numpy("le_f8_2x3x4_C_v1.npy", double{});
}

TEST_CASE("write_npy: round trips, 0-d and empty arrays, npy_array overload", "[data][npy]") {
  temp_dir dir;
  const std::vector<float> f = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, 7.0f};
  lamina::data::write_npy(dir / "f.npy", f.data(), {3, 2});
  const npy_array a = lamina::data::read_npy(dir / "f.npy");
  CHECK(a.dtype == npy_dtype::f4);
  CHECK(a.shape == std::vector<std::size_t>{3, 2});
  CHECK(a.as_floats() == f);

  const double d = 42.5;
  lamina::data::write_npy(dir / "scalar.npy", &d, {});
  const npy_array s = lamina::data::read_npy(dir / "scalar.npy");
  CHECK(s.shape.empty());
  CHECK(s.element_count() == 1);
  CHECK(s.as<double>()[0] == 42.5);

  lamina::data::write_npy<std::int64_t>(dir / "empty.npy", nullptr, {0, 4});
  const npy_array e = lamina::data::read_npy(dir / "empty.npy");
  CHECK(e.shape == std::vector<std::size_t>{0, 4});
  CHECK(e.element_count() == 0);

  const std::vector<std::uint8_t> u = {0, 128, 255};
  lamina::data::write_npy(dir / "u.npy", std::span<const std::uint8_t>(u), {3});
  const npy_array r = lamina::data::read_npy(dir / "u.npy");
  CHECK(r.as_floats() == std::vector<float>{0.0f, 128.0f, 255.0f});      // by value, no scaling
  CHECK(r.as_unit_floats() == std::vector<float>{0.0f, 128.0f / 255.0f, 1.0f});
  lamina::data::write_npy(dir / "copy.npy", r);
  CHECK(slurp(dir / "copy.npy") == slurp(dir / "u.npy"));

  // Fortran-order input is written back in C order with the same values.
  const npy_array fo = lamina::data::read_npy(npy_fixtures / "be_i4_2x3x4_F_v2.npy");
  lamina::data::write_npy(dir / "c.npy", fo);
  CHECK(slurp(dir / "c.npy") == slurp(npy_fixtures / "le_i4_2x3x4_C_v1.npy"));

  // No temporary file is left beside the target.
  for (const auto& entry : fs::directory_iterator(dir.path)) CHECK(entry.path().extension() == ".npy");
}

TEST_CASE("write_npy: argument errors", "[data][npy]") {
  temp_dir dir;
  const std::vector<float> f(6);
  CHECK_THROWS_AS(lamina::data::write_npy(dir / "x.npy", std::span<const float>(f), {4, 2}), std::invalid_argument);
  CHECK_THROWS_AS(lamina::data::write_npy<float>(dir / "x.npy", nullptr, {2}), std::invalid_argument);
  CHECK_THROWS_AS(lamina::data::write_npy(dir / "no-such-dir" / "x.npy", f.data(), {6}), std::runtime_error);
  CHECK_FALSE(fs::exists(dir / "x.npy"));
}

TEST_CASE("read_npy: header syntax NumPy and older writers produce", "[data][npy]") {
  temp_dir dir;
  const std::string payload(8, '\x01');
  const std::vector<std::string> accepted = {
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n",
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}\n",         // no trailing comma
      "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2,)}",   // double quotes
      "{'shape': (2L,), 'fortran_order': False, 'descr': '<i4'}       \n", // any key order, Python 2 long
      "{'descr':'<i4','fortran_order':False,'shape':(2 ,),}",
      "{'descr': '<i4', 'fortran_order': True, 'shape': (1, 2,), }",       // trailing comma in the tuple
      "{'descr': '=i4', 'fortran_order': False, 'shape': (2,), }",
  };
  for (const auto& h : accepted) {
    INFO(h);
    spit(dir / "h.npy", npy_with_header(h, payload));
    const npy_array a = lamina::data::read_npy(dir / "h.npy");
    CHECK(a.element_count() == 2);
    CHECK(a.as<std::int32_t>()[1] == 0x01010101);
  }
  // Version 2.0 with a u32 length, and 3.0 (utf-8) are read the same way.
  for (int major : {2, 3}) {
    spit(dir / "v.npy", npy_with_header("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", payload, major));
    CHECK(lamina::data::read_npy(dir / "v.npy").element_count() == 2);
  }
  const std::vector<std::pair<std::string, std::string>> rejected = {
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (2,), } x", "NPY header: unexpected text after the closing '}'"},
      {"{'descr': '<i4', 'fortran_order': false, 'shape': (2,)}", "NPY fortran_order: expected True or False"},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (02,)}", "NPY shape: leading zeros"},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': [2]}", "NPY shape: expected a tuple"},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999999999999999,)}", "NPY shape: dimension does not fit"},
      {"{'descr': 'i4', 'fortran_order': False, 'shape': (2,)}", "NPY descr: unsupported dtype 'i4'"},
      {"{'descr': '<i\\x34', 'fortran_order': False, 'shape': (2,)}", "NPY header: escape sequences are not supported"},
      {"", "NPY header: unexpected end, expected the header dict to start with '{'"},
  };
  for (const auto& [h, msg] : rejected) {
    INFO(h);
    const fs::path p = dir / "bad.npy";
    spit(p, npy_with_header(h, payload));
    REQUIRE_THROWS_WITH(lamina::data::read_npy(p), Catch::Contains(p.string() + ": " + msg));
  }
}

TEST_CASE("as_floats: doubles beyond float's range saturate to infinity", "[data][npy]") {
  lamina::data::npy_array a;
  a.dtype = lamina::data::npy_dtype::f8;
  a.shape = {5};
  const double v[5] = {1e300, -1e300, 1.5, std::numeric_limits<double>::quiet_NaN(), 3.4028234663852886e38};
  a.data.resize(sizeof v);
  std::memcpy(a.data.data(), v, sizeof v);
  const std::vector<float> f = a.as_floats();
  CHECK(f[0] == std::numeric_limits<float>::infinity());
  CHECK(f[1] == -std::numeric_limits<float>::infinity());
  CHECK(f[2] == 1.5f);
  CHECK(std::isnan(f[3]));
  CHECK(f[4] == std::numeric_limits<float>::max());
}

TEST_CASE("read_npy: typed access checks the dtype", "[data][npy]") {
  const npy_array a = lamina::data::read_npy(npy_fixtures / "le_f4_2x3_C_v1.npy");
  CHECK(a.as<float>().size() == 6);
  REQUIRE_THROWS_WITH(a.as<double>(), Catch::Contains("NPY descr: as<f8>() expected '<f8', got '<f4'"));
  REQUIRE_THROWS_WITH(a.as_unit_floats(), Catch::Contains("NPY descr: as_unit_floats() expected 8-bit pixels"));
}

TEST_CASE("read_npy: missing file and directory", "[data][npy]") {
  temp_dir dir;
  REQUIRE_THROWS_WITH(lamina::data::read_npy(dir / "none.npy"),
                      Catch::Contains((dir / "none.npy").string() + ": cannot open: No such file or directory"));
  REQUIRE_THROWS_WITH(lamina::data::read_npy(dir.path), Catch::Contains(": cannot open: Is a directory"));
  // A FIFO is refused before fopen(), which would wait for a writer forever.
  REQUIRE(::mkfifo((dir / "fifo.npy").c_str(), 0600) == 0);
  REQUIRE_THROWS_WITH(lamina::data::read_npy(dir / "fifo.npy"), Catch::Contains("fifo.npy: cannot open: not a regular file"));
}

TEST_CASE("read_npy: mutated reference files either parse or throw format_error", "[data][npy]") {
  temp_dir dir;
  std::mt19937 rng(1234);
  const std::string base = slurp(npy_fixtures / "be_f8_2x3x4_F_v1.npy");
  for (int trial = 0; trial < 300; ++trial) {
    std::string b = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % b.size();
      switch (rng() % 3) {
        case 0: b[at] = static_cast<char>(rng()); break;
        case 1: b.erase(at, 1 + rng() % 8); break;
        default: b.insert(at, std::string(1 + rng() % 8, static_cast<char>(rng()))); break;
      }
      if (b.empty()) b = "x";
    }
    spit(dir / "m.npy", b);
    try {
      (void)lamina::data::read_npy(dir / "m.npy");
    } catch (const lamina::data::format_error& e) {
      REQUIRE_THAT(e.what(), Catch::StartsWith((dir / "m.npy").string() + ": "));
    }
  }
}

TEST_CASE("read_npy: the Olivetti faces", "[data][npy][olivetti]") {
  const fs::path faces = fs::path(LAMINA_TEST_FIXTURES) / ".." / ".." / "data" / "faces" / "olivetti_faces.npy";
  if (!fs::exists(faces)) {
    WARN("skipped: " << faces << " not found");
    return;
  }
  const npy_array a = lamina::data::read_npy(faces);
  CHECK(a.dtype == npy_dtype::u1);
  CHECK(a.shape == std::vector<std::size_t>{400, 64, 64});
  const std::vector<float> px = a.as_unit_floats();
  REQUIRE(px.size() == 400u * 64u * 64u);
  float lo = 1.0f, hi = 0.0f;
  for (float v : px) lo = std::min(lo, v), hi = std::max(hi, v);
  CHECK(lo >= 0.0f);
  CHECK(hi <= 1.0f);
  CHECK(hi > lo);
}
