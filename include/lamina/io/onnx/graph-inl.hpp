#pragma once
// Definitions for graph.hpp (compiled into lamina::compiled, else inline).
#include <bit>
#include <cstring>
#include <stdexcept>

#include "graph.hpp"
#include "../proto_writer.hpp"

namespace lamina::io::onnx {

namespace detail {
static_assert(std::endian::native == std::endian::little,
              "lamina's ONNX writer stores tensors as raw little-endian bytes");

// Field numbers of onnx.proto (ONNX 1.x; stable across versions).
namespace model_proto { enum : std::uint32_t { ir_version = 1, producer_name = 2, producer_version = 3, graph = 7, opset_import = 8, metadata_props = 14 }; }
namespace graph_proto { enum : std::uint32_t { node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12 }; }
namespace node_proto { enum : std::uint32_t { input = 1, output = 2, name = 3, op_type = 4, attribute = 5 }; }
namespace attribute_proto { enum : std::uint32_t { name = 1, f = 2, i = 3, s = 4, ints = 8, type = 20 }; }
namespace attribute_type { enum : std::int64_t { float_ = 1, int_ = 2, string = 3, ints = 7 }; }
namespace tensor_proto { enum : std::uint32_t { dims = 1, data_type = 2, name = 8, raw_data = 9 }; }
namespace tensor_type { enum : int { float32 = 1, int64 = 7 }; }

LAMINA_INLINE proto_writer value_info(const std::string& name, const dims& sample, std::size_t batch) {
  proto_writer shape;
  proto_writer first;
  if (batch == 0) first.bytes_field(2, "batch");  // dim_param
  else first.int_field(1, static_cast<std::int64_t>(batch));  // dim_value
  shape.message_field(1, first);
  for (std::size_t i = 0; i < sample.rank; ++i) {
    proto_writer d;
    d.int_field(1, static_cast<std::int64_t>(sample[i]));
    shape.message_field(1, d);
  }
  proto_writer tensor;  // TypeProto.Tensor
  tensor.int_field(1, tensor_type::float32);
  tensor.message_field(2, shape);
  proto_writer type;  // TypeProto
  type.message_field(1, tensor);
  proto_writer info;  // ValueInfoProto
  info.bytes_field(1, name);
  info.message_field(2, type);
  return info;
}
}  // namespace detail

LAMINA_INLINE int ir_version_for(int opset) {
  if (opset < 17 || opset > 22)
    throw std::invalid_argument("lamina::io::export_onnx: opset " + std::to_string(opset) +
                                " is not supported; expected 17 to 22");
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

LAMINA_INLINE void graph::add_input(std::string name, const dims& sample, std::size_t batch) {
  inputs_.push_back({std::move(name), sample, batch});
}
LAMINA_INLINE void graph::add_output(std::string name, const dims& sample, std::size_t batch) {
  outputs_.push_back({std::move(name), sample, batch});
}

LAMINA_INLINE std::string graph::initializer(std::string name, const dims& shape, const float* values) {
  tensor_t t{name, {}, detail::tensor_type::float32, std::string(shape.size() * sizeof(float), '\0')};
  for (std::size_t i = 0; i < shape.rank; ++i) t.shape.push_back(static_cast<std::int64_t>(shape[i]));
  if (!t.raw.empty()) std::memcpy(t.raw.data(), values, t.raw.size());
  initializers_.push_back(std::move(t));
  return name;
}

LAMINA_INLINE std::string graph::int64_initializer(std::string name, const std::vector<std::int64_t>& values) {
  tensor_t t{name, {static_cast<std::int64_t>(values.size())}, detail::tensor_type::int64,
             std::string(values.size() * sizeof(std::int64_t), '\0')};
  if (!t.raw.empty()) std::memcpy(t.raw.data(), values.data(), t.raw.size());
  initializers_.push_back(std::move(t));
  return name;
}

LAMINA_INLINE bool graph::has_initializer(const std::string& name) const {
  for (const tensor_t& t : initializers_)
    if (t.name == name) return true;
  return false;
}

LAMINA_INLINE std::string graph::node(std::string_view op_type, std::string name, std::vector<std::string> inputs,
                                      std::vector<attribute> attributes) {
  std::string unique = name;
  for (int k = 1; node_names_.count(unique); ++k) unique = name + "_" + std::to_string(k);
  node_names_.insert(unique);
  std::string output = unique + "_output_0";
  nodes_.push_back({std::string(op_type), unique, std::move(inputs), {output}, std::move(attributes)});
  return output;
}

LAMINA_INLINE bool graph::rename_output(const std::string& from, const std::string& to) {
  for (node_t& n : nodes_)
    for (std::string& o : n.outputs)
      if (o == from) {
        o = to;
        for (node_t& m : nodes_)
          for (std::string& i : m.inputs)
            if (i == from) i = to;
        return true;
      }
  return false;
}

LAMINA_INLINE std::string graph::model_bytes(const model_info& info) const {
  namespace f = detail;
  proto_writer g;
  for (const node_t& n : nodes_) {
    proto_writer p;
    for (const std::string& i : n.inputs) p.bytes_field(f::node_proto::input, i);
    for (const std::string& o : n.outputs) p.bytes_field(f::node_proto::output, o);
    p.bytes_field(f::node_proto::name, n.name);
    p.bytes_field(f::node_proto::op_type, n.op_type);
    for (const attribute& a : n.attributes) {
      proto_writer q;
      q.bytes_field(f::attribute_proto::name, a.name);
      if (const auto* i = std::get_if<std::int64_t>(&a.value)) {
        q.int_field(f::attribute_proto::i, *i);
        q.int_field(f::attribute_proto::type, f::attribute_type::int_);
      } else if (const auto* x = std::get_if<float>(&a.value)) {
        q.float_field(f::attribute_proto::f, *x);
        q.int_field(f::attribute_proto::type, f::attribute_type::float_);
      } else if (const auto* s = std::get_if<std::string>(&a.value)) {
        q.bytes_field(f::attribute_proto::s, *s);
        q.int_field(f::attribute_proto::type, f::attribute_type::string);
      } else {
        for (const std::int64_t v : std::get<std::vector<std::int64_t>>(a.value)) q.int_field(f::attribute_proto::ints, v);
        q.int_field(f::attribute_proto::type, f::attribute_type::ints);
      }
      p.message_field(f::node_proto::attribute, q);
    }
    g.message_field(f::graph_proto::node, p);
  }
  g.bytes_field(f::graph_proto::name, info.graph_name);
  for (const tensor_t& t : initializers_) {
    proto_writer p;
    for (const std::int64_t d : t.shape) p.int_field(f::tensor_proto::dims, d);
    p.int_field(f::tensor_proto::data_type, t.data_type);
    p.bytes_field(f::tensor_proto::name, t.name);
    p.bytes_field(f::tensor_proto::raw_data, t.raw);
    g.message_field(f::graph_proto::initializer, p);
  }
  if (!info.doc.empty()) g.bytes_field(f::graph_proto::doc_string, info.doc);
  for (const value_t& v : inputs_) g.message_field(f::graph_proto::input, f::value_info(v.name, v.sample, v.batch));
  for (const value_t& v : outputs_) g.message_field(f::graph_proto::output, f::value_info(v.name, v.sample, v.batch));

  proto_writer m;
  m.int_field(f::model_proto::ir_version, ir_version_for(info.opset));
  m.bytes_field(f::model_proto::producer_name, "lamina");
  m.bytes_field(f::model_proto::producer_version, std::to_string(LAMINA_VERSION_MAJOR) + "." +
                                                      std::to_string(LAMINA_VERSION_MINOR) + "." +
                                                      std::to_string(LAMINA_VERSION_PATCH));
  m.message_field(f::model_proto::graph, g);
  proto_writer opset;
  opset.bytes_field(1, "");  // the default domain, ai.onnx
  opset.int_field(2, info.opset);
  m.message_field(f::model_proto::opset_import, opset);
  for (const auto& [key, value] : info.metadata) {
    proto_writer e;
    e.bytes_field(1, key);
    e.bytes_field(2, value);
    m.message_field(f::model_proto::metadata_props, e);
  }
  return m.bytes();
}

}  // namespace lamina::io::onnx
