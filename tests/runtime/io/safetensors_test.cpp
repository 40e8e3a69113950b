// safetensors: round trips, PyTorch's layout, and a corpus of broken files that must each give
// a clear error naming the file and what is wrong (never a crash or a silent wrong load).
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
  a.forward(x, 4);  // updates BatchNorm's running statistics
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
  for (const auto& e : fs::directory_iterator(dir))  // no temporary file is left beside the target
    REQUIRE(e.path().filename().string().find(".tmp") == std::string::npos);
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
      {"size_mismatch", with_header(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data), "needs 12 bytes, expected at most the data section's 8"},
      {"size_mismatch_small", with_header(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}})", data), "data_offsets: 8 bytes, expected 4 for F32 of 1 elements"},
      {"offsets_past_end", with_header(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data), "outside the data section"},
      {"reversed_offsets", with_header(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", data), "outside the data section"},
      {"overlap", with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data), "overlap"},
      {"huge_shape", with_header(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", data), "larger than the file"},
      {"zero_then_huge", with_header(R"({"w":{"dtype":"F32","shape":[0,18446744073709551615],"data_offsets":[0,8]}})", data), "expected 0 for F32 of 0 elements"},
      {"offset_over_64_bits", with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551616]}})", data), "data_offsets: expected [begin, end]"},
      {"negative_offset", with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[-1,8]}})", data), "data_offsets: expected [begin, end]"},
      {"three_offsets", with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}})", data), "data_offsets: expected [begin, end]"},
      {"exponent_shape", with_header(R"({"w":{"dtype":"F32","shape":[2e0],"data_offsets":[0,8]}})", data), "shape: element 0 is \"2e0\""},
      {"no_offsets", with_header(R"({"w":{"dtype":"F32","shape":[2]}})", data), "missing \"data_offsets\", expected"},
      {"dtype_not_string", with_header(R"({"w":{"dtype":4,"shape":[2],"data_offsets":[0,8]}})", data), "dtype: expected a string"},
      {"tensor_not_object", with_header(R"({"w":[1]})", data), "expected an object"},
      {"metadata_not_object", with_header(R"({"__metadata__":[]})", ""), "__metadata__: expected an object"},
      {"gap_before_first", with_header(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data), "leave a gap of 4 unused bytes, expected them to start at 0"},
      {"out_of_order_overlap", with_header(R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", data), "overlap another tensor"},
      {"trailing_data", with_header(w, data + "xxxx"), "4 bytes after the last tensor's end at 8"},
      {"bad_escape", with_header(R"({"w\q":{}})", ""), "unknown escape"},
      {"lone_low_surrogate", with_header(R"({"\udc00":{}})", ""), "lone low surrogate"},
      {"control_char", with_header(std::string("{\"a\x01\":{}}"), ""), "control character"},
      {"number_plus", with_header(R"({"w":{"dtype":"F32","shape":[+2],"data_offsets":[0,8]}})", data), "unexpected character '+'"},
      {"number_dot", with_header(R"({"w":{"dtype":"F32","shape":[2.],"data_offsets":[0,8]}})", data), "expected a digit after '.'"},
      {"number_huge", with_header(R"({"w":{"dtype":"F32","shape":[1e400],"data_offsets":[0,8]}})", data), "outside the range of a double"},
      {"literal_prefix", with_header(R"({"w":tru})", ""), "unexpected character 't'"},
      {"header_space_first", with_header(" {}", ""), "expected a JSON object '{'"},
      {"name_bad_utf8", with_header("{\"\xe0\x80\xaf\":{}}", ""), "tensor name: \"\\xe0\\x80\\xaf\" is not valid UTF-8 (overlong 3-byte encoding of U+002F"},
      {"metadata_bad_utf8", with_header("{\"__metadata__\":{\"k\":\"\x80\"}}", ""), "__metadata__.k: \"\\x80\" is not valid UTF-8 (unexpected continuation byte 0x80"},
      {"deep", with_header("{\"w\":" + std::string(100, '[') + std::string(100, ']') + "}", ""), "deeper than 64"},
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
  // Valid UTF-8 (escaped and raw, up to 4-byte sequences), zero-sized tensors and padding are fine.
  write_bytes(dir / "ok2.safetensors",
              with_header("{\"__metadata__\":{\"k\\u00e9\":\"\xe2\x82\xac \\ud83d\\ude00\"},"
                          "\"\xf0\x9f\x98\x80\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                          "\"empty\":{\"dtype\":\"I64\",\"shape\":[0,3],\"data_offsets\":[8,8]}}    ",
                          data));
  const auto ok2 = lm::io::read_safetensors(dir / "ok2.safetensors");
  REQUIRE(ok2.tensors.size() == 2);
  CHECK(ok2.metadata.at("k\xc3\xa9") == "\xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(ok2.find("\xf0\x9f\x98\x80") != nullptr);
  CHECK(ok2.find("empty")->data.empty());
  REQUIRE_THROWS_WITH(lm::io::read_safetensors(dir.parent_path()), Catch::Contains("cannot open: Is a directory"));
  REQUIRE_THROWS_WITH(lm::io::read_safetensors(dir / "missing.safetensors"), Catch::Contains("cannot open"));
  // A truncated copy of a real checkpoint.
  M m;
  lm::io::save(m, dir / "real.safetensors");
  const auto size = fs::file_size(dir / "real.safetensors");
  fs::resize_file(dir / "real.safetensors", size - 10);
  REQUIRE_THROWS_WITH(lm::io::load(m, dir / "real.safetensors"), Catch::Contains("real.safetensors"));
  fs::remove_all(dir);
}

TEST_CASE("utf8_problem: shortest forms only, no surrogates, at most U+10FFFF", "[io][json]") {
  using lm::io::utf8_problem;
  for (const char* ok : {"", "plain ASCII", "\x7f", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80",
                         "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "caf\xc3\xa9 \xe2\x82\xac"}) {
    INFO(lm::io::printable_excerpt(ok));
    CHECK(utf8_problem(ok).empty());
  }
  struct bad { const char* s; const char* why; };
  for (const bad b : {bad{"\x80", "unexpected continuation byte 0x80 at byte 0"},
                      bad{"a\xbf", "unexpected continuation byte 0xBF at byte 1"},
                      bad{"\xc0\x80", "overlong encoding (lead byte 0xC0)"},
                      bad{"\xc1\xbf", "overlong encoding (lead byte 0xC1)"},
                      bad{"\xe0\x9f\xbf", "overlong 3-byte encoding of U+07FF at byte 0"},
                      bad{"\xf0\x8f\xbf\xbf", "overlong 4-byte encoding of U+FFFF at byte 0"},
                      bad{"\xed\xa0\x80", "UTF-16 surrogate U+D800"},
                      bad{"\xed\xbf\xbf", "UTF-16 surrogate U+DFFF"},
                      bad{"\xf4\x90\x80\x80", "code point U+110000 beyond U+10FFFF"},
                      bad{"\xf5\x80\x80\x80", "byte 0xF5 at byte 0, which never occurs in UTF-8"},
                      bad{"\xff", "byte 0xFF"},
                      bad{"ab\xe2\x82", "3-byte sequence at byte 2 cut off by the end of the text"},
                      bad{"\xe2\x28\xa1", "byte 1 is 0x28, expected a continuation byte (0x80..0xBF) of the 3-byte sequence at byte 0"}}) {
    INFO(lm::io::printable_excerpt(b.s));
    CHECK_THAT(utf8_problem(b.s), Catch::Contains(b.why));
  }
}

TEST_CASE("parse_json: RFC 8259 numbers, escapes, limits", "[io][json]") {
  using lm::io::parse_json;
  std::uint64_t v = 0;
  CHECK((parse_json("18446744073709551615").as_u64(v) && v == 18446744073709551615ull));
  CHECK_FALSE(parse_json("18446744073709551616").as_u64(v));
  CHECK_FALSE(parse_json("-1").as_u64(v));
  CHECK_FALSE(parse_json("1.0").as_u64(v));
  CHECK(std::get<double>(parse_json("-0.5e+2").v) == -50.0);
  CHECK(std::get<double>(parse_json("1E-3").v) == 0.001);
  CHECK(parse_json(R"("\u00e9\ud83d\ude00\/")").string() == "\xc3\xa9\xf0\x9f\x98\x80/");
  for (const char* bad : {"01", "-", "-01", "1.", ".5", "+1", "1e", "1e+", "0x10", "1.5.2", "NaN", "Infinity", "1e999",
                          "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1] 2", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
                          "\"\\u12\"", "\"\\x41\"", "\"a", "{\"a\":1,\"a\":2}", "'a'", "tru", "nul", ""}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_json(bad), lm::io::json_error);
  }
  CHECK_THROWS_WITH(parse_json(std::string(65, '[') + std::string(65, ']')), Catch::Contains("nesting deeper than 64"));
  CHECK_NOTHROW(parse_json(std::string(64, '[') + std::string(64, ']')));
  CHECK_NOTHROW(parse_json("[0,[1],{\"a\":2}]", 6));
  CHECK_THROWS_WITH(parse_json("[0,[1],{\"a\":2}]", 5), Catch::Contains("more than 5 values"));
  CHECK(lm::io::json_max_values == std::size_t{1} << 22);
}

TEST_CASE("write_safetensors refuses what read_safetensors would reject", "[io][safetensors]") {
  const auto dir = temp_dir() / "write";
  fs::create_directories(dir);
  const std::vector<unsigned char> eight(8);
  using T = lm::io::tensor_record;
  auto write = [&](std::vector<T> t, std::map<std::string, std::string> meta = {}) {
    lm::io::write_safetensors(dir / "w.safetensors", t, meta);
  };
  CHECK_THROWS_WITH(write({T{"\xc0\xaf", "F32", {2}, eight}}), Catch::Contains("tensor name \"\\xc0\\xaf\" is not valid UTF-8"));
  CHECK_THROWS_WITH(write({T{"a", "F32", {2}, eight}}, {{"k", "\xed\xa0\x80"}}), Catch::Contains("metadata value of \"k\""));
  CHECK_THROWS_WITH(write({T{"a", "F32", {2}, eight}}, {{"\xff", "v"}}), Catch::Contains("metadata key"));
  CHECK_THROWS_WITH(write({T{"a", "F32", {2}, eight}, T{"a", "F32", {2}, eight}}), Catch::Contains("appears twice"));
  CHECK_THROWS_WITH(write({T{"__metadata__", "F32", {2}, eight}}), Catch::Contains("reserved"));
  CHECK_THROWS_WITH(write({T{"a", "Q8", {2}, eight}}), Catch::Contains("unknown dtype"));
  CHECK_THROWS_WITH(write({T{"a", "F32", {3}, eight}}), Catch::Contains("has 8 bytes, expected 12"));
  CHECK_THROWS_WITH(write({T{"a", "F64", {1ull << 32, 1ull << 32}, eight}}), Catch::Contains("expected more than 2^64"));
  CHECK_FALSE(fs::exists(dir / "w.safetensors"));
  write({T{"\xc3\xa9", "F32", {2}, eight}, T{"z", "U8", {0}, {}}}, {{"k", "\xe2\x82\xac"}});
  const auto back = lm::io::read_safetensors(dir / "w.safetensors");
  CHECK(back.tensors.size() == 2);
  CHECK(back.metadata.at("k") == "\xe2\x82\xac");
  fs::remove_all(dir.parent_path());
}

namespace {
// A pid that certainly belonged to a process which has exited (a reaped child).
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}
std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
}  // namespace

TEST_CASE("write_atomically: temporary names, stale temporaries removed, errors clean up", "[io][atomic]") {
  const auto dir = temp_dir() / "atomic";
  fs::create_directories(dir);
  const fs::path target = dir / "model.safetensors";
  const pid_t dead = dead_pid();
  const std::string me = std::to_string(::getpid());
  // Left behind by killed writers of this target (both naming schemes), and files to keep.
  const std::vector<std::string> stale = {"model.safetensors.tmp-" + std::to_string(dead) + "-0123456789abcdef",
                                          "model.safetensors.tmp." + std::to_string(dead)};
  const std::vector<std::string> keep = {
      "model.safetensors.tmp-" + me + "-00000000deadbeef",           // this process is alive
      "model.safetensors.tmp-1-00000000deadbeef",                     // pid 1 is alive
      "other.safetensors.tmp-" + std::to_string(dead) + "-0123456789abcdef",  // another target
      "model.safetensors.tmp-" + std::to_string(dead) + "-not-hex",   // not our pattern
      "model.safetensors.bak"};
  for (const auto& n : stale) write_bytes(dir / n, "half a checkpoint");
  for (const auto& n : keep) write_bytes(dir / n, "x");
  lm::io::write_atomically(target, [](std::ostream& out) { out << "whole file"; });
  CHECK(slurp(target) == "whole file");
  for (const auto& n : stale) CHECK_FALSE(fs::exists(dir / n));
  for (const auto& n : keep) CHECK(fs::exists(dir / n));
  CHECK(lm::io::remove_stale_temporaries(target) == 0);

  // Large writes go through the buffer and around it; the result is byte-exact.
  std::string big(300000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = char(i * 7 + 3);
  lm::io::write_atomically(target, [&](std::ostream& out) {
    out.write(big.data(), 5);
    out.write(big.data() + 5, 200000);
    for (std::size_t i = 200005; i < big.size(); ++i) out.put(big[i]);
  });
  CHECK(slurp(target) == big);

  // A replaced file keeps its permission bits.
  ::chmod(target.c_str(), 0640);
  lm::io::write_atomically(target, [](std::ostream& out) { out << "v3"; });
  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);

  // An exception from the writer leaves the old file and no temporary.
  CHECK_THROWS_WITH(lm::io::write_atomically(target, [](std::ostream& out) {
                      out << "partial";
                      throw std::runtime_error("writer gave up");
                    }),
                    "writer gave up");
  CHECK(slurp(target) == "v3");
  std::size_t temporaries = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("model.safetensors.tmp-" + me + "-", 0) == 0) ++temporaries;
  CHECK(temporaries == 1);  // only the fake one made above

  // Errors name the path and the reason.
  CHECK_THROWS_WITH(lm::io::write_atomically(dir / "missing" / "f.bin", [](std::ostream&) {}),
                    Catch::Contains("missing/f.bin.tmp-") && Catch::Contains("No such file or directory"));
  fs::create_directories(dir / "a_dir");
  CHECK_THROWS_WITH(lm::io::write_atomically(dir / "a_dir", [](std::ostream&) {}), Catch::Contains("cannot replace"));
  fs::remove_all(dir.parent_path());
}

TEST_CASE("write_safetensors: a save killed mid-write leaves the target whole, the next save cleans up", "[io][atomic]") {
  const auto dir = temp_dir() / "killed";
  fs::create_directories(dir);
  const fs::path target = dir / "ckpt.safetensors";
  using T = lm::io::tensor_record;
  const std::vector<T> small = {T{"w", "U8", {4}, {1, 2, 3, 4}}};
  lm::io::write_safetensors(target, small);
  for (int round = 0; round < 5; ++round) {
    const pid_t child = ::fork();
    if (child == 0) {  // writes a large file and is killed while writing
      const std::vector<T> big = {T{"w", "U8", {std::uint64_t{64} << 20}, std::vector<unsigned char>(std::size_t{64} << 20, 7)}};
      lm::io::write_safetensors(target, big);
      ::_exit(0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + 10 * round));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    const auto f = lm::io::read_safetensors(target);  // the old or the new file, whole
    REQUIRE(f.tensors.size() == 1);
  }
  lm::io::write_safetensors(target, small);
  for (const auto& e : fs::directory_iterator(dir)) CHECK(e.path().filename() == "ckpt.safetensors");
  CHECK(lm::io::read_safetensors(target).find("w")->data == std::vector<unsigned char>{1, 2, 3, 4});
  fs::remove_all(dir.parent_path());
}
