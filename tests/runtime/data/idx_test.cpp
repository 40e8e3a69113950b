// IDX reader and Fashion-MNIST loader: round trips through raw and gzip files, a corpus of
// broken inputs (each must fail with a message naming the file and the field), and the
// real dataset when it is installed.
#include <lamina/data/fashion_mnist.hpp>
#include <lamina/data/idx.hpp>

#include <catch2/catch.hpp>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using bytes = std::vector<unsigned char>;
using Catch::Contains;

using lamina_test::temp_dir;

void put_be(bytes& out, std::uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

bytes idx_header(unsigned char type, const std::vector<std::uint32_t>& dims) {
  bytes b = {0, 0, type, static_cast<unsigned char>(dims.size())};
  for (auto d : dims) put_be(b, d, 4);
  return b;
}

bytes idx_file(unsigned char type, const std::vector<std::uint32_t>& dims, const bytes& payload) {
  bytes b = idx_header(type, dims);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

bytes cat(bytes a, const bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// In-memory gzip (windowBits 15+16 writes the gzip header and CRC/ISIZE trailer), so tests
// can corrupt or truncate the compressed bytes.
bytes gzip(const bytes& in) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  bytes out(deflateBound(&z, static_cast<uLong>(in.size())) + 64);
  z.next_in = const_cast<unsigned char*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

void write_file(const fs::path& p, const bytes& b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  REQUIRE(f.good());
}

// Also exercise zlib's own file API, the way most tools write .gz files.
void write_gz_file(const fs::path& p, const bytes& b) {
  gzFile f = gzopen(p.string().c_str(), "wb9");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, b.data(), static_cast<unsigned>(b.size())) == static_cast<int>(b.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

bytes iota_bytes(std::size_t n, unsigned mul = 7) {
  bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<unsigned char>(i * mul + (i >> 8));
  return b;
}

}  // namespace

using namespace lamina::data;

TEST_CASE("read_idx: u8 round trip, raw and gzip, regardless of file name", "[data][idx]") {
  temp_dir dir;
  const bytes payload = iota_bytes(2 * 3 * 5);
  const bytes file = idx_file(0x08, {2, 3, 5}, payload);
  write_file(dir / "a.idx", file);
  write_gz_file(dir / "a.idx.gz", file);
  write_file(dir / "raw-but-named.gz", file);             // raw content, .gz name
  write_file(dir / "gzip-but-named.idx", gzip(file));     // gzip content, plain name
  write_file(dir / "two-members.gz", cat(gzip(bytes(file.begin(), file.begin() + 9)),
                                         gzip(bytes(file.begin() + 9, file.end()))));

  for (const char* name : {"a.idx", "a.idx.gz", "raw-but-named.gz", "gzip-but-named.idx", "two-members.gz"}) {
    INFO(name);
    const idx_array a = read_idx(dir / name);
    CHECK(a.type_code == 0x08);
    CHECK(a.dims == std::vector<std::size_t>{2, 3, 5});
    CHECK(a.element_count() == payload.size());
    const auto v = a.as<std::uint8_t>();
    REQUIRE(v.size() == payload.size());
    CHECK(std::equal(v.begin(), v.end(), payload.begin()));

    const idx_u8_array u = read_idx_u8(dir / name, 3);
    CHECK(u.dims == a.dims);
    CHECK(std::equal(u.data.begin(), u.data.end(), payload.begin(), payload.end()));
  }
}

TEST_CASE("read_idx: multi-byte types are converted from big-endian", "[data][idx]") {
  temp_dir dir;
  SECTION("i8") {
    write_file(dir / "i8.idx", idx_file(0x09, {3}, {0x80, 0xFF, 0x7F}));
    const auto a = read_idx(dir / "i8.idx");
    const auto v = a.as<std::int8_t>();
    CHECK(std::vector<std::int8_t>(v.begin(), v.end()) == std::vector<std::int8_t>{-128, -1, 127});
  }
  SECTION("i16") {
    bytes p;
    for (std::int16_t x : {std::int16_t{1}, std::int16_t{-2}, std::int16_t{0x1234}}) put_be(p, static_cast<std::uint16_t>(x), 2);
    write_gz_file(dir / "i16.gz", idx_file(0x0B, {1, 3}, p));
    const auto a = read_idx(dir / "i16.gz");
    CHECK(a.dims == std::vector<std::size_t>{1, 3});
    const auto v = a.as<std::int16_t>();
    CHECK(std::vector<std::int16_t>(v.begin(), v.end()) == std::vector<std::int16_t>{1, -2, 0x1234});
  }
  SECTION("i32") {
    bytes p;
    for (std::int32_t x : {1, -70000, 0x12345678}) put_be(p, static_cast<std::uint32_t>(x), 4);
    write_file(dir / "i32.idx", idx_file(0x0C, {3}, p));
    const auto a = read_idx(dir / "i32.idx");
    const auto v = a.as<std::int32_t>();
    CHECK(std::vector<std::int32_t>(v.begin(), v.end()) == std::vector<std::int32_t>{1, -70000, 0x12345678});
  }
  SECTION("f32") {
    bytes p;
    for (float x : {1.5f, -0.25f, 3.0e38f}) {
      std::uint32_t u;
      std::memcpy(&u, &x, 4);
      put_be(p, u, 4);
    }
    write_file(dir / "f32.idx", idx_file(0x0D, {3, 1}, p));
    const auto a = read_idx(dir / "f32.idx");
    const auto v = a.as<float>();
    CHECK(std::vector<float>(v.begin(), v.end()) == std::vector<float>{1.5f, -0.25f, 3.0e38f});
    CHECK(a.as<const float>().size() == 3);
  }
  SECTION("f64") {
    bytes p;
    for (double x : {1.0 / 3.0, -1e300}) {
      std::uint64_t u;
      std::memcpy(&u, &x, 8);
      put_be(p, u, 8);
    }
    write_gz_file(dir / "f64.gz", idx_file(0x0E, {2}, p));
    const auto a = read_idx(dir / "f64.gz");
    const auto v = a.as<double>();
    CHECK(std::vector<double>(v.begin(), v.end()) == std::vector<double>{1.0 / 3.0, -1e300});
  }
}

TEST_CASE("read_idx: type and rank expectations are enforced", "[data][idx]") {
  temp_dir dir;
  const auto p = dir / "f32.idx";
  write_file(p, idx_file(0x0D, {2}, bytes(8, 0)));
  const auto a = read_idx(p);
  REQUIRE_THROWS_AS(a.as<std::uint8_t>(), format_error);
  REQUIRE_THROWS_WITH(a.as<std::uint8_t>(),
                      Contains(p.string()) && Contains("IDX type") && Contains("expected 0x08 (u8), got 0x0D (f32)"));
  REQUIRE_THROWS_WITH(read_idx_u8(p, 1), Contains(p.string()) && Contains("IDX type: expected 0x08 (u8), got 0x0D (f32)"));

  const auto q = dir / "u8.idx";
  write_file(q, idx_file(0x08, {2, 2}, bytes(4, 0)));
  REQUIRE_THROWS_WITH(read_idx_u8(q, 3), Contains(q.string()) && Contains("IDX header: rank: expected 3, got 2"));
  REQUIRE_NOTHROW(read_idx_u8(q, 2));
}

TEST_CASE("read_idx: broken inputs fail with the file and the field named", "[data][idx]") {
  temp_dir dir;
  const bytes good_payload = iota_bytes(4 * 1000);
  const bytes good = idx_file(0x08, {4, 1000}, good_payload);
  const bytes good_gz = gzip(good);

  bytes corrupt_block = good_gz;
  corrupt_block[10] = 0xFF;  // first deflate byte: BTYPE=11, reserved/invalid
  bytes corrupt_crc = good_gz;
  corrupt_crc[corrupt_crc.size() - 8] ^= 0x5A;  // CRC32 of the trailer
  const bytes gz_cut_half(good_gz.begin(), good_gz.begin() + static_cast<std::ptrdiff_t>(good_gz.size() / 2));
  const bytes gz_cut_trailer(good_gz.begin(), good_gz.end() - 4);  // payload complete, ISIZE missing

  // Header claims 2^34 bytes (the limit, so the header passes); the stream holds 8 MiB of zeros.
  const bytes bomb = gzip(cat(idx_header(0x08, {65536, 65536, 4}), bytes(8u << 20, 0)));
  // Header claims 4 bytes; the stream holds 64 MiB: only 5 bytes may be inflated.
  const bytes overlong = gzip(cat(idx_header(0x08, {4}), bytes(64u << 20, 0)));

  struct broken {
    const char* name;
    bytes content;
    std::string field, detail;
  };
  const std::vector<broken> corpus = {
      {"empty.idx", {}, "IDX magic", "file is empty"},
      {"short-magic.idx", {0, 0}, "IDX magic", "truncated, expected bytes 00 00 <type> <rank>, got only 00 00"},
      {"wrong-magic.idx", {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 0}, "IDX magic",
       "expected bytes 00 00 <type> <rank>, got 12 34 56 78"},
      {"unknown-type.idx", idx_file(0x07, {1}, {0}), "IDX magic", "unknown type code 0x07"},
      {"rank0.idx", {0, 0, 0x08, 0}, "IDX magic", "rank (byte 3) is 0, expected 1..8"},
      {"rank9.idx", idx_file(0x08, {1, 1, 1, 1, 1, 1, 1, 1, 1}, {0}), "IDX magic", "rank (byte 3) is 9, expected 1..8"},
      {"zero-dim.idx", idx_file(0x08, {2, 3, 0}, {}), "IDX header", "dimension 2 is 0, expected > 0"},
      {"short-header.idx", bytes(good.begin(), good.begin() + 9), "IDX header",
       "truncated, expected 8 bytes of big-endian dimensions (rank 2) after the 4-byte magic, got 5"},
      {"short-payload.idx", bytes(good.begin(), good.end() - 1234), "IDX data",
       "truncated, expected 4000 bytes of u8 payload after the 12-byte header, got 2766"},
      {"trailing.idx", cat(good, {0xAB, 0xCD}), "IDX data", "trailing bytes"},
      {"overflow.idx", idx_file(0x0E, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, {}),
       "IDX header", "exceed the payload limit of 17179869184 bytes"},
      {"over-limit.idx", idx_file(0x0D, {65536, 65536, 2}, {1, 2, 3}), "IDX header", "exceed the payload limit"},
      {"huge-claim-raw.idx", idx_file(0x08, {65536, 65536, 4}, {1, 2, 3}), "IDX data",
       "truncated, expected 17179869184 bytes of u8 payload after the 16-byte header, got 3"},
      {"corrupt-block.gz", corrupt_block, "gzip stream", "corrupt (zlib: invalid block type)"},
      {"corrupt-crc.gz", corrupt_crc, "gzip stream", "corrupt (zlib: incorrect data check)"},
      {"not-deflate.gz", {0x1f, 0x8b, 0x00, 0x00, 0x00, 0x00}, "gzip stream", "corrupt (zlib:"},
      {"cut-half.gz", gz_cut_half, "gzip stream", "truncated"},
      {"cut-trailer.gz", gz_cut_trailer, "gzip stream", "truncated"},
      {"gzip-trailing.gz", cat(good_gz, {'j', 'u', 'n', 'k'}), "gzip stream", "trailing bytes"},
      {"gzip-short-payload.gz", gzip(bytes(good.begin(), good.end() - 10)), "IDX data",
       "truncated, expected 4000 bytes of u8 payload after the 12-byte header, got 3990"},
      {"gzip-trailing-payload.gz", gzip(cat(good, {1})), "IDX data", "trailing bytes"},
      {"bomb.gz", bomb, "IDX data", "got 8388608"},
      {"overlong.gz", overlong, "IDX data", "trailing bytes"},
  };

  for (const auto& c : corpus) {
    INFO("case " << c.name);
    const auto p = dir / c.name;
    write_file(p, c.content);
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE_THROWS_AS(read_idx(p), format_error);
    REQUIRE_THROWS_WITH(read_idx(p), Contains(p.string() + ": " + c.field + ": ") && Contains(c.detail));
    // Hostile inputs are rejected quickly, without inflating or allocating the claimed size.
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  }

  SECTION("nonexistent file") {
    const auto p = dir / "no-such-file.idx.gz";
    REQUIRE_THROWS_AS(read_idx(p), format_error);
    REQUIRE_THROWS_WITH(read_idx(p), Contains(p.string() + ": cannot open: No such file or directory"));
  }
  SECTION("directory instead of a file") {
    const auto p = dir / "a-directory.gz";
    fs::create_directory(p);
    REQUIRE_THROWS_WITH(read_idx(p), Contains(p.string() + ": cannot open: Is a directory"));
    REQUIRE_THROWS_WITH(read_idx_u8(p, 1), Contains(p.string() + ": cannot open"));
  }
  SECTION("the good file itself reads back") {
    write_file(dir / "good.gz", good_gz);
    const auto a = read_idx(dir / "good.gz");
    const auto v = a.as<std::uint8_t>();
    CHECK(std::equal(v.begin(), v.end(), good_payload.begin(), good_payload.end()));
  }
}

TEST_CASE("read_idx: mutated inputs either parse or throw format_error", "[data][idx]") {
  // A small deterministic fuzz: flips, truncations and header edits of raw and gzip files
  // must never crash, hang, or throw anything but format_error.
  temp_dir dir;
  const bytes good = idx_file(0x0C, {3, 5, 7}, iota_bytes(3 * 5 * 7 * 4, 13));
  std::mt19937 rng(12345);
  std::size_t parsed = 0, rejected = 0;
  for (int i = 0; i < 400; ++i) {
    bytes b = (i % 2) ? gzip(good) : good;
    switch (rng() % 3) {
      case 0:  // flip a few bytes
        for (unsigned k = 0, n = 1 + rng() % 4; k < n; ++k) b[rng() % b.size()] ^= static_cast<unsigned char>(1 + rng() % 255);
        break;
      case 1:  // truncate
        b.resize(rng() % b.size());
        break;
      default:  // scribble on the first 16 bytes (magic and dims)
        b[rng() % 16] = static_cast<unsigned char>(rng());
        break;
    }
    const auto p = dir / ("mutant" + std::to_string(i));
    write_file(p, b);
    try {
      const auto a = read_idx(p);
      ++parsed;
      CHECK(a.data.size() == a.element_count() * detail::idx_element_size(a.type_code));
    } catch (const format_error& e) {
      ++rejected;
      REQUIRE_THAT(e.what(), Contains(p.string() + ": "));
    }
  }
  CHECK(parsed + rejected == 400);
  CHECK(rejected > 0);
}

namespace {

// A tiny fake Fashion-MNIST directory: n images of side x side, n_labels labels.
void write_fake_fashion(const temp_dir& dir, const std::string& prefix, std::uint32_t n, std::uint32_t n_labels,
                        std::uint32_t side = 28, unsigned char bad_label_at = 255) {
  bytes px(std::size_t{n} * side * side);
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<unsigned char>((i * 51) % 256);
  bytes lb(n_labels);
  for (std::size_t i = 0; i < lb.size(); ++i) lb[i] = static_cast<unsigned char>((i * 3) % 10);
  if (bad_label_at < n_labels) lb[bad_label_at] = 10;
  write_gz_file(dir / (prefix + "-images-idx3-ubyte.gz"), idx_file(0x08, {n, side, side}, px));
  write_file(dir / (prefix + "-labels-idx1-ubyte"), idx_file(0x08, {n_labels}, lb));  // raw, no .gz
}

}  // namespace

TEST_CASE("load_fashion_mnist: small fake set converts pixels exactly", "[data][fashion_mnist_fake]") {
  temp_dir dir;
  write_fake_fashion(dir, "t10k", 3, 3);
  const auto set = load_fashion_mnist(split::test, dir.path);
  CHECK(set.size == 3);
  CHECK(set.sample_size() == 784);
  REQUIRE(set.images.size() == 3 * 784);
  REQUIRE(set.labels == std::vector<std::int32_t>{0, 3, 6});
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < set.images.size(); ++i)
    wrong += set.images[i] != static_cast<float>((i * 51) % 256) / 255.0f;
  CHECK(wrong == 0);
  CHECK(set.images[5] == 1.0f);  // 5 * 51 = 255
  CHECK(set.images[0] == 0.0f);
}

TEST_CASE("load_fashion_mnist: inconsistent files give clear errors", "[data][fashion_mnist_fake]") {
  temp_dir dir;
  const std::string labels = (dir / "train-labels-idx1-ubyte").string();
  const std::string images = (dir / "train-images-idx3-ubyte.gz").string();
  SECTION("label count differs from image count") {
    write_fake_fashion(dir, "train", 3, 2);
    REQUIRE_THROWS_AS(load_fashion_mnist(split::train, dir.path), format_error);
    REQUIRE_THROWS_WITH(load_fashion_mnist(split::train, dir.path),
                        Contains(labels + ": IDX header") && Contains("label file has 2 entries") &&
                            Contains("image file " + images + " has 3"));
  }
  SECTION("label out of range") {
    write_fake_fashion(dir, "train", 4, 4, 28, 2);
    REQUIRE_THROWS_WITH(load_fashion_mnist(split::train, dir.path),
                        Contains(labels + ": IDX data: label at index 2 is 10, expected < 10"));
  }
  SECTION("wrong image size") {
    write_fake_fashion(dir, "train", 2, 2, 32);
    REQUIRE_THROWS_WITH(load_fashion_mnist(split::train, dir.path),
                        Contains(images + ": IDX header: image shape: expected [N, 28, 28], got [2, 32, 32]"));
  }
  SECTION("images of the wrong type") {
    write_file(dir / "train-images-idx3-ubyte.gz", gzip(idx_file(0x0D, {1, 28, 28}, bytes(4 * 784, 0))));
    write_file(dir / "train-labels-idx1-ubyte.gz", gzip(idx_file(0x08, {1}, {0})));
    REQUIRE_THROWS_WITH(load_fashion_mnist(split::train, dir.path),
                        Contains(images + ": IDX type: expected 0x08 (u8), got 0x0D (f32)"));
  }
  SECTION("missing files") {
    REQUIRE_THROWS_WITH(load_fashion_mnist(split::train, dir.path),
                        Contains(images + ": cannot open: No such file or directory"));
  }
}

#ifndef _WIN32
TEST_CASE("fashion_mnist_default_dir honours LAMINA_FASHION_MNIST_DIR", "[data][fashion_mnist_fake]") {
  const char* old = std::getenv("LAMINA_FASHION_MNIST_DIR");
  const std::string saved = old ? old : "";
  ::setenv("LAMINA_FASHION_MNIST_DIR", "/tmp/some/where", 1);
  CHECK(fashion_mnist_default_dir() == fs::path("/tmp/some/where"));
  ::unsetenv("LAMINA_FASHION_MNIST_DIR");
  CHECK(fashion_mnist_default_dir() == fs::path("/usr/share/datasets/fashion-mnist"));
  if (old) ::setenv("LAMINA_FASHION_MNIST_DIR", saved.c_str(), 1);
}

TEST_CASE("load_fashion_mnist: a folder that does not exist names the variable", "[data][fashion_mnist_fake]") {
  const char* old = std::getenv("LAMINA_FASHION_MNIST_DIR");
  const std::string saved = old ? old : "";
  ::setenv("LAMINA_FASHION_MNIST_DIR", "/nonexistent/fashion", 1);
  REQUIRE_THROWS_WITH(load_fashion_mnist(split::train),
                      Catch::StartsWith("/nonexistent/fashion: Fashion-MNIST folder: does not exist (the value of "
                                        "$LAMINA_FASHION_MNIST_DIR), expected the folder holding train-images-idx3-ubyte.gz"));
  ::unsetenv("LAMINA_FASHION_MNIST_DIR");
  REQUIRE_THROWS_WITH(load_fashion_mnist(split::test, "/nonexistent/other"),
                      Catch::StartsWith("/nonexistent/other: Fashion-MNIST folder: does not exist, expected"));
  if (old) ::setenv("LAMINA_FASHION_MNIST_DIR", saved.c_str(), 1);
}
#endif

TEST_CASE("load_fashion_mnist: the real dataset", "[data][fashion_mnist]") {
  const fs::path dir = fashion_mnist_default_dir();
  std::error_code ec;
  if (!fs::exists(dir / "train-images-idx3-ubyte.gz", ec) && !fs::exists(dir / "train-images-idx3-ubyte", ec)) {
    WARN("Fashion-MNIST not found in " << dir.string()
                                       << "; skipping (apt install dataset-fashion-mnist, or set LAMINA_FASHION_MNIST_DIR)");
    return;
  }
  CHECK(fashion_mnist_classes[9] == "Ankle boot");

  const auto check = [](const image_classification_set& set, std::size_t n) {
    REQUIRE(set.size == n);
    CHECK(set.channels == 1);
    CHECK(set.height == 28);
    CHECK(set.width == 28);
    REQUIRE(set.images.size() == n * 784);
    REQUIRE(set.labels.size() == n);
    std::array<std::size_t, 10> per_class{};
    std::size_t out_of_range = 0;
    for (auto l : set.labels) {
      if (l < 0 || l >= 10) ++out_of_range;
      else ++per_class[static_cast<std::size_t>(l)];
    }
    REQUIRE(out_of_range == 0);
    for (auto c : per_class) CHECK(c == n / 10);  // Fashion-MNIST is exactly balanced
    const auto [lo, hi] = std::minmax_element(set.images.begin(), set.images.end());
    CHECK(*lo == 0.0f);
    CHECK(*hi == 1.0f);
  };

  const auto t0 = std::chrono::steady_clock::now();
  const auto train = load_fashion_mnist(split::train, dir);
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  INFO("train set loaded in " << ms << " ms");
  check(train, 60000);
  CHECK(train.labels[0] == 9);  // Ankle boot
  CHECK(fashion_mnist_classes[static_cast<std::size_t>(train.labels[0])] == "Ankle boot");

  const auto test = load_fashion_mnist(split::test, dir);
  check(test, 10000);
}
