// TensorBoard event files: the CRC, the record framing, what each summary holds, and the
// logger's options. The files themselves are read back by tensorboard's own reader in
// tests/tensorboard (CTest tensorboard.events).
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../temp_dir.hpp"

namespace lm = lamina;

namespace {
std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
std::uint32_t u32(const std::string& s, std::size_t at) {
  std::uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}
// The Event records of a file, after checking each record's framing.
std::vector<std::string> records(const std::string& file) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < file.size();) {
    REQUIRE(at + 12 <= file.size());
    std::uint64_t n;
    std::memcpy(&n, file.data() + at, 8);
    REQUIRE(u32(file, at + 8) == lm::io::detail::masked_crc32c(file.substr(at, 8)));
    REQUIRE(at + 16 + n <= file.size());
    const std::string body = file.substr(at + 12, n);
    REQUIRE(u32(file, at + 12 + n) == lm::io::detail::masked_crc32c(body));
    out.push_back(body);
    at += 16 + n;
  }
  return out;
}
}  // namespace

TEST_CASE("tensorboard: CRC-32C and its mask", "[io][tensorboard]") {
  CHECK(lm::io::detail::crc32c("123456789") == 0xe3069283u);  // the standard check value
  CHECK(lm::io::detail::crc32c("") == 0u);
  const std::uint32_t c = lm::io::detail::crc32c("lamina");
  CHECK(lm::io::detail::masked_crc32c("lamina") == ((c >> 15) | (c << 17)) + 0xa282ead8u);
}

TEST_CASE("tensorboard: framed records, a version record first, one event per value", "[io][tensorboard]") {
  lamina_test::temp_dir dir("lamina_tensorboard");
  std::filesystem::path file;
  {
    lm::io::tensorboard_writer tb(dir.path / "run");
    file = tb.path();
    CHECK(file.filename().string().find("events.out.tfevents.") == 0);
    tb.add_scalar("loss", 0.25, 7);
    tb.add_histogram("w", std::vector<float>{1.f, 2.f, 2.f, NAN, 4.f}, 7, 3);
    tb.add_histogram("constant", std::vector<float>{5.f, 5.f}, 7);
    tb.add_image("img", lm::viz::image(3, 2), 7);
    tb.add_text("note", "**bold**", 7);
    // A second writer on the same folder gets a file of its own.
    lm::io::tensorboard_writer other(dir.path / "run");
    CHECK(other.path() != file);
  }
  const auto events = records(read_all(file));
  REQUIRE(events.size() == 6);
  CHECK(events[0].find("brain.Event:2") != std::string::npos);
  CHECK(events[1].find("loss") != std::string::npos);
  // The scalar as a float32 after its field key (Value.simple_value, field 2, fixed32: 0x15).
  const float quarter = 0.25f;
  CHECK(events[1].find(std::string("\x15", 1) + std::string(reinterpret_cast<const char*>(&quarter), 4)) !=
        std::string::npos);
  // Histogram: NaN left out: num = 4 (field 3, double: key 0x19).
  const double four = 4;
  CHECK(events[2].find(std::string("\x19", 1) + std::string(reinterpret_cast<const char*>(&four), 8)) !=
        std::string::npos);
  CHECK(events[4].find("\x89PNG") != std::string::npos);
  CHECK(events[5].find("text") != std::string::npos);
  CHECK(events[5].find("**bold**") != std::string::npos);

  CHECK_THROWS_WITH(lm::io::tensorboard_writer(dir.path / "run").add_histogram("h", std::vector<float>{1.f}, 0, 0),
                    Catch::Contains("bins must be at least 1"));
  CHECK_THROWS_WITH(lm::train::TensorBoardLogger({}), Catch::Contains("options::logdir is required"));
}
