// safetensors: round trips, PyTorch's layout, and a corpus of broken files that must each give
// a clear error naming the file and what is wrong (never a crash or a silent wrong load).
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <filesystem>
#include <fstream>
#include <vector>

namespace lm = lamina;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("lamina_safetensors_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}
void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}
std::string with_header(const std::string& json, const std::string& data) {
  std::string out(8, '\0');
  std::uint64_t n = json.size();
  for (int i = 0; i < 8; ++i) out[std::size_t(i)] = char((n >> (8 * i)) & 0xFF);
  return out + json + data;
}
using Net = lm::Sequential<lm::Flatten, lm::Linear<12, 16>, lm::BatchNorm1d<16>, lm::ReLU, lm::Linear<16, 5>>;
using M = lm::Model<Net, lm::Shape<3, 2, 2>>;
}  // namespace

TEST_CASE("A model round-trips through safetensors with state_dict names", "[io][safetensors]") {
  const auto dir = temp_dir();
  M a(1), b(2);
  std::vector<float> x(4 * 12, 0.5f);
  a.forward(x.data(), 4);  // updates BatchNorm's running statistics
  lm::io::save(a, dir / "m.safetensors", {{"epoch", "3"}});
  const auto file = lm::io::read_safetensors(dir / "m.safetensors");
  REQUIRE(file.metadata.at("epoch") == "3");
  REQUIRE(file.find("1.weight")->shape == std::vector<std::uint64_t>{16, 12});
  REQUIRE(file.find("2.num_batches_tracked")->dtype == "I64");
  REQUIRE(file.find("2.num_batches_tracked")->shape.empty());
  const auto meta = lm::io::load(b, dir / "m.safetensors");
  REQUIRE(meta.at("epoch") == "3");
  REQUIRE(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin()));
  REQUIRE(std::equal(a.state().begin(), a.state().end(), b.state().begin()));
  REQUIRE(b.buffer("2.num_batches_tracked")[0] == 1.f);
  REQUIRE_FALSE(fs::exists(dir / ("m.safetensors.tmp." + std::to_string(::getpid()))));
  fs::remove_all(dir);
}

TEST_CASE("Loading a checkpoint of another architecture names the tensor and both shapes", "[io][safetensors]") {
  const auto dir = temp_dir();
  lm::Model<lm::Sequential<lm::Flatten, lm::Linear<12, 8>, lm::ReLU, lm::Linear<8, 5>>, lm::Shape<3, 2, 2>> other;
  lm::io::save(other, dir / "other.safetensors");
  M m;
  const std::vector<float> before(m.parameters().begin(), m.parameters().end());
  REQUIRE_THROWS_WITH(lm::io::load(m, dir / "other.safetensors"),
                      Catch::Contains("other.safetensors") && Catch::Contains("tensor '1.weight'") &&
                          Catch::Contains("shape [8, 12] in the file, expected [16, 12]"));
  // Nothing was changed by the failed load.
  REQUIRE(std::equal(before.begin(), before.end(), m.parameters().begin()));
  lm::Model<lm::Sequential<lm::Flatten, lm::Linear<12, 16>>, lm::Shape<3, 2, 2>> small;
  lm::io::save(small, dir / "small.safetensors");
  REQUIRE_THROWS_WITH(lm::io::load(m, dir / "small.safetensors"),
                      Catch::Contains("tensor '2.weight'") && Catch::Contains("missing"));
  lm::Model<lm::Sequential<lm::Flatten, lm::Linear<12, 16>>, lm::Shape<3, 2, 2>> tiny;
  REQUIRE_THROWS_WITH(lm::io::load(tiny, dir / "other.safetensors"), Catch::Contains("shape"));
  fs::remove_all(dir);
}

TEST_CASE("Broken safetensors files give clear errors", "[io][safetensors]") {
  const auto dir = temp_dir();
  const std::string w = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const std::string data(8, '\0');
  struct broken {
    const char* name;
    std::string bytes;
    const char* message;
  };
  const broken corpus[] = {
      {"empty", "", "expected at least 8"},
      {"short", "abc", "expected at least 8"},
      {"huge_header", std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8) + "{}", "header claims"},
      {"header_past_end", std::string("\x40\0\0\0\0\0\0\0", 8) + "{}", "header claims 64 bytes"},
      {"not_json", with_header("{\"w\":", ""), "JSON"},
      {"not_object", with_header("[1,2]", ""), "expected a JSON object"},
      {"bad_dtype", with_header(R"({"w":{"dtype":"X9","shape":[2],"data_offsets":[0,8]}})", data), "unknown \"X9\""},
      {"no_shape", with_header(R"({"w":{"dtype":"F32","data_offsets":[0,8]}})", data), "missing \"shape\""},
      {"negative_shape", with_header(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data), "non-negative"},
      {"size_mismatch", with_header(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data), "expected 12"},
      {"offsets_past_end", with_header(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data), "outside the data section"},
      {"reversed_offsets", with_header(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", data), "outside the data section"},
      {"overlap", with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data), "overlap"},
      {"huge_shape", with_header(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", data), "larger than the file"},
      {"deep", with_header(std::string(100, '[') + std::string(100, ']'), ""), "deeper than 64"},
      {"duplicate", with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{}})", data), "duplicate key"},
      {"metadata_not_strings", with_header(R"({"__metadata__":{"a":1}})", ""), "expected a string value"},
  };
  for (const auto& b : corpus) {
    INFO(b.name);
    const auto p = dir / (std::string(b.name) + ".safetensors");
    write_bytes(p, b.bytes);
    REQUIRE_THROWS_AS(lm::io::read_safetensors(p), lm::data::format_error);
    REQUIRE_THROWS_WITH(lm::io::read_safetensors(p), Catch::Contains(p.string()) && Catch::Contains(b.message));
  }
  write_bytes(dir / "ok.safetensors", with_header(w, data));
  REQUIRE(lm::io::read_safetensors(dir / "ok.safetensors").tensors.size() == 1);
  REQUIRE_THROWS_WITH(lm::io::read_safetensors(dir / "missing.safetensors"), Catch::Contains("cannot open"));
  // A truncated copy of a real checkpoint.
  M m;
  lm::io::save(m, dir / "real.safetensors");
  const auto size = fs::file_size(dir / "real.safetensors");
  fs::resize_file(dir / "real.safetensors", size - 10);
  REQUIRE_THROWS_WITH(lm::io::load(m, dir / "real.safetensors"), Catch::Contains("real.safetensors"));
  fs::remove_all(dir);
}
