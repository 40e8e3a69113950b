#pragma once
// An ONNX graph under construction, and its serialisation as an ONNX model file (onnx.proto's
// ModelProto). The exporter (io/onnx/export.hpp) adds the network's input, then each layer's
// nodes and weights (io/onnx/layer_ops.hpp), then the output; model_bytes() writes the file's
// contents. Every tensor is float32.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "../../core/config.hpp"
#include "../../core/shape.hpp"
#include "../proto_writer.hpp"

namespace lamina::io::onnx {

// A node attribute: its name and one value (INT, FLOAT, STRING or INTS in ONNX's terms).
struct attribute {
  std::string name;
  std::variant<std::int64_t, float, std::string, std::vector<std::int64_t>> value;
};

// What the model file says about itself besides the graph.
struct model_info {
  int opset = 17;                                 // the default ("ai.onnx") operator set
  std::string graph_name = "lamina";
  std::string doc;                                // the graph's doc_string (the network's description)
  std::map<std::string, std::string> metadata;    // metadata_props
};

class graph {
 public:
  // Declares the graph's input and output: float32 tensors [batch, sample...], where the batch
  // is the symbolic dimension "batch" when batch == 0, else fixed.
  LAMINA_INLINE void add_input(std::string name, const dims& sample, std::size_t batch);
  LAMINA_INLINE void add_output(std::string name, const dims& sample, std::size_t batch);

  // A constant tensor (weights, buffers) named `name`, copied; returns its name.
  LAMINA_INLINE std::string initializer(std::string name, const dims& shape, const float* values);

  // Adds the node `op_type(inputs...)` named `name` (made unique if taken) with one output,
  // and returns the output's name, `name + "_output_0"` as torch.onnx names them.
  LAMINA_INLINE std::string node(std::string_view op_type, std::string name, std::vector<std::string> inputs,
                                 std::vector<attribute> attributes = {});
  // Renames value `from` to `to` where a node produces it (the network's last value becomes the
  // graph's output); returns false when no node produces `from` (it is the input or a constant).
  LAMINA_INLINE bool rename_output(const std::string& from, const std::string& to);

  // The whole model file: ModelProto with this graph, IR version matching info.opset.
  LAMINA_INLINE std::string model_bytes(const model_info& info) const;
  LAMINA_INLINE bool has_initializer(const std::string& name) const;

 private:
  struct node_t {
    std::string op_type, name;
    std::vector<std::string> inputs, outputs;
    std::vector<attribute> attributes;
  };
  struct tensor_t {
    std::string name;
    std::vector<std::int64_t> shape;
    int data_type;      // onnx.TensorProto.DataType
    std::string raw;    // little-endian values
  };
  struct value_t {
    std::string name;
    dims sample;
    std::size_t batch;
  };
  std::vector<node_t> nodes_;
  std::vector<tensor_t> initializers_;
  std::vector<value_t> inputs_, outputs_;
  std::set<std::string> node_names_;
};

// The ONNX IR version that goes with a default-domain opset (the onnx package's version table).
LAMINA_INLINE int ir_version_for(int opset);

}  // namespace lamina::io::onnx

#ifndef LAMINA_COMPILED_LIB
#include "graph-inl.hpp"
#endif
