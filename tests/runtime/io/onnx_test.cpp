// ONNX export: the wire format, the graph a network becomes, options and errors. The files
// themselves are checked by onnx and run by onnxruntime in tests/onnx (CTest onnx.round_trip);
// here an independent minimal protobuf reader checks what was written.
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
namespace onnx = lamina::io::onnx;

namespace {
// One field of a protobuf message: its number, and its value (varint or fixed32) or bytes.
struct field {
  std::uint32_t number;
  std::uint64_t value = 0;
  std::string bytes;
};
std::uint64_t read_varint(const std::string& s, std::size_t& at) {
  std::uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    const auto b = static_cast<unsigned char>(s.at(at++));
    v |= std::uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
}
std::vector<field> parse(const std::string& s) {
  std::vector<field> out;
  for (std::size_t at = 0; at < s.size();) {
    const std::uint64_t key = read_varint(s, at);
    field f{std::uint32_t(key >> 3)};
    switch (key & 7) {
      case 0: f.value = read_varint(s, at); break;
      case 5: std::memcpy(&f.value, s.data() + at, 4); at += 4; break;
      case 2: {
        const std::uint64_t n = read_varint(s, at);
        f.bytes = s.substr(at, n);
        at += n;
        break;
      }
      default: FAIL("unexpected wire type " << (key & 7));
    }
    out.push_back(f);
  }
  return out;
}
std::vector<field> all(const std::vector<field>& m, std::uint32_t number) {
  std::vector<field> out;
  for (const field& f : m)
    if (f.number == number) out.push_back(f);
  return out;
}
field one(const std::vector<field>& m, std::uint32_t number) {
  const auto fs = all(m, number);
  REQUIRE(fs.size() == 1);
  return fs[0];
}
// ModelProto -> GraphProto (field 7).
std::vector<field> graph_of(const std::string& model) { return parse(one(parse(model), 7).bytes); }
std::vector<std::string> op_types(const std::vector<field>& graph) {
  std::vector<std::string> ops;
  for (const field& n : all(graph, 1)) ops.push_back(one(parse(n.bytes), 4).bytes);
  return ops;
}
std::vector<std::string> initializer_names(const std::vector<field>& graph) {
  std::vector<std::string> names;
  for (const field& t : all(graph, 5)) names.push_back(one(parse(t.bytes), 8).bytes);
  return names;
}
// The dimensions of the graph's input or output value (ValueInfoProto): dim_value, or -1 for a
// symbolic dim_param.
std::vector<std::int64_t> value_dims(const field& value_info) {
  const auto type = parse(one(parse(value_info.bytes), 2).bytes);
  const auto tensor = parse(one(type, 1).bytes);
  std::vector<std::int64_t> dims;
  for (const field& d : all(parse(one(tensor, 2).bytes), 1)) {
    const auto dim = parse(d.bytes);
    dims.push_back(all(dim, 2).empty() ? std::int64_t(one(dim, 1).value) : -1);
  }
  return dims;
}
}  // namespace

TEST_CASE("onnx: the protobuf wire format", "[io][onnx]") {
  lm::io::proto_writer w;
  w.varint_field(1, 300);  // key 0x08, 300 = 0xac 0x02
  w.int_field(2, -1);      // int64 -1: ten bytes
  w.float_field(3, 1.f);   // key 0x1d, 0x3f800000 little-endian
  w.bytes_field(4, "ab");
  const std::string expected = std::string("\x08\xac\x02", 3) + "\x10" + std::string(9, '\xff') + "\x01" +
                               std::string("\x1d\x00\x00\x80\x3f", 5) + "\x22\x02" "ab";
  CHECK(w.bytes() == expected);
}

TEST_CASE("onnx: a network becomes one node per layer, weights under state_dict names", "[io][onnx]") {
  using Net = lm::Sequential<lm::Conv2d<1, 4, 3, 1, 1>, lm::BatchNorm2d<4>, lm::ReLU, lm::MaxPool2d<2>,
                             lm::Flatten, lm::Dropout<0.5f>, lm::Linear<64, 3>>;
  lm::Model<Net, lm::Shape<1, 8, 8>> model(3);
  const std::string bytes = lm::io::to_onnx(model);
  const auto m = parse(bytes);
  CHECK(one(m, 1).value == 8);  // IR version 8 for opset 17
  CHECK(one(m, 2).bytes == "lamina");
  CHECK(one(parse(one(m, 8).bytes), 2).value == 17);
  const auto g = graph_of(bytes);
  // Dropout is the identity in inference: no node.
  CHECK(op_types(g) == std::vector<std::string>{"Conv", "BatchNormalization", "Relu", "MaxPool", "Flatten", "Gemm"});
  CHECK(initializer_names(g) == std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias",
                                                         "1.running_mean", "1.running_var", "6.weight", "6.bias"});
  // The weights are the model's, bit for bit.
  const auto w = parse(all(g, 5)[0].bytes);
  const std::string raw = one(w, 9).bytes;
  REQUIRE(raw.size() == 4 * 9 * 4);
  const lm::Tensor host = model.to_host(model.parameter("0.weight"));
  CHECK(std::memcmp(raw.data(), host.data(), raw.size()) == 0);
  CHECK(all(w, 1).size() == 4);  // dims 4, 1, 3, 3
  // Input [batch, 1, 8, 8] and output [batch, 3], the batch symbolic; the last node writes "output".
  CHECK(one(parse(one(g, 11).bytes), 1).bytes == "input");
  CHECK(value_dims(one(g, 11)) == std::vector<std::int64_t>{-1, 1, 8, 8});
  CHECK(value_dims(one(g, 12)) == std::vector<std::int64_t>{-1, 3});
  CHECK(one(parse(all(g, 1).back().bytes), 2).bytes == "output");
}

TEST_CASE("onnx: options: fixed batch, names, opset, metadata", "[io][onnx]") {
  lm::Model<lm::Sequential<lm::Linear<4, 2>, lm::Tanh>, lm::Shape<4>> model;
  const std::string bytes = lm::io::to_onnx(
      model, {.opset = 21, .batch = 5, .input_name = "x", .output_name = "y", .metadata = {{"task", "demo"}}});
  const auto m = parse(bytes);
  CHECK(one(m, 1).value == 10);
  CHECK(one(parse(one(m, 8).bytes), 2).value == 21);
  const auto entry = parse(one(m, 14).bytes);
  CHECK((one(entry, 1).bytes == "task" && one(entry, 2).bytes == "demo"));
  const auto g = graph_of(bytes);
  CHECK(one(parse(one(g, 11).bytes), 1).bytes == "x");
  CHECK(value_dims(one(g, 11)) == std::vector<std::int64_t>{5, 4});
  CHECK(value_dims(one(g, 12)) == std::vector<std::int64_t>{5, 2});

  CHECK_THROWS_WITH(lm::io::to_onnx(model, {.opset = 13}),
                    Catch::Contains("opset 13 is not supported; expected 17 to 22"));
  CHECK_THROWS_WITH(lm::io::to_onnx(model, {.input_name = "v", .output_name = "v"}),
                    Catch::Contains("two different, non-empty names"));
}

TEST_CASE("onnx: a lone layer keeps its state_dict names, a network that computes nothing gets an Identity",
          "[io][onnx]") {
  lm::Model<lm::Linear<3, 2>, lm::Shape<3>> linear;
  CHECK(initializer_names(graph_of(lm::io::to_onnx(linear))) == std::vector<std::string>{"weight", "bias"});
  CHECK_THROWS_WITH(lm::io::to_onnx(linear, {.input_name = "weight"}), Catch::Contains("'weight' names a weight"));
  lm::Model<lm::Dropout<0.5f>, lm::Shape<3>> dropout;
  CHECK(op_types(graph_of(lm::io::to_onnx(dropout))) == std::vector<std::string>{"Identity"});
  // Linear on [L, in] samples: MatMul with the transposed weight, then the bias.
  lm::Model<lm::Linear<3, 2>, lm::Shape<5, 3>> rows;
  CHECK(op_types(graph_of(lm::io::to_onnx(rows))) == std::vector<std::string>{"Transpose", "MatMul", "Add"});
}

TEST_CASE("onnx: export_onnx writes the file atomically and names a path it cannot write", "[io][onnx]") {
  lm::Model<lm::Linear<3, 2>, lm::Shape<3>> model;
  lamina_test::temp_dir dir("lamina_onnx");
  lm::io::export_onnx(model, dir / "net.onnx");
  std::ifstream in(dir / "net.onnx", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(bytes == lm::io::to_onnx(model));
  CHECK_THROWS_WITH(lm::io::export_onnx(model, dir / "missing" / "net.onnx"), Catch::Contains("missing/net.onnx"));
}
