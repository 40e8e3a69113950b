#pragma once
// An ONNX graph under construction, and its serialisation as an ONNX model file (onnx.proto's
// ModelProto). The exporter (io/onnx/export.hpp) adds the network's input, then each layer's
// nodes and weights (io/onnx/layer_ops.hpp), then the output; model_bytes() writes the file's
// contents. Every value is float32; constants are float32 or (shapes) int64.
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

/// A node attribute: its name and one value (INT, FLOAT, STRING or INTS in ONNX's terms).
struct attribute {
  std::string name;  ///< As the operator defines it, e.g. "kernel_shape" or "axis".
  /// The value; its type picks the attribute's: int64 INT, float FLOAT, string STRING,
  /// vector of int64 INTS.
  std::variant<std::int64_t, float, std::string, std::vector<std::int64_t>> value;
};

/// What the model file says about itself besides the graph.
struct model_info {
  /// The opset version of the default domain, 17 to 22; ir_version_for() derives the IR version.
  int opset = 17;
  std::string graph_name = "lamina";  ///< The graph's name (GraphProto.name).
  /// Free text that viewers such as Netron show; export_onnx puts the network's summary here.
  std::string doc;
  /// Key-value strings stored with the model (ModelProto.metadata_props).
  std::map<std::string, std::string> metadata;
};

/// An ONNX graph being built (see above): inputs, nodes, float32 constants and outputs.
/// layer_op specialisations add to it with node() and initializer().
class graph {
 public:
  /// Declares the graph's input and output: float32 tensors [batch, sample...], where the batch
  /// is the symbolic dimension "batch" when batch == 0, else fixed.
  LAMINA_INLINE void add_input(std::string name, const dims& sample, std::size_t batch);
  /// Declares the graph's output value `name`, shaped as for add_input.
  LAMINA_INLINE void add_output(std::string name, const dims& sample, std::size_t batch);

  /// A constant tensor (weights, buffers) named `name`, copied; returns its name.
  LAMINA_INLINE std::string initializer(std::string name, const dims& shape, const float* values);
  /// A one-dimensional int64 constant (a Reshape's target shape) named `name`; returns its name.
  LAMINA_INLINE std::string int64_initializer(std::string name, const std::vector<std::int64_t>& values);

  /// Adds the node `op_type(inputs...)` named `name` (made unique if taken) with one output,
  /// and returns the output's name, `name + "_output_0"` as torch.onnx names them.
  LAMINA_INLINE std::string node(std::string_view op_type, std::string name, std::vector<std::string> inputs,
                                 std::vector<attribute> attributes = {});
  /// Renames value `from` to `to` where a node produces it (the network's last value becomes the
  /// graph's output); returns false when no node produces `from` (it is the input or a constant).
  LAMINA_INLINE bool rename_output(const std::string& from, const std::string& to);

  /// The whole model file: ModelProto with this graph, IR version matching info.opset.
  /// Throws std::invalid_argument when info.opset is not 17 to 22.
  LAMINA_INLINE std::string model_bytes(const model_info& info) const;
  /// Whether a constant tensor called `name` has been added.
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

/// The ONNX IR version that goes with a default-domain opset (the onnx package's version table).
/// Throws std::invalid_argument for an opset outside 17 to 22.
LAMINA_INLINE int ir_version_for(int opset);

}  // namespace lamina::io::onnx

#ifndef LAMINA_COMPILED_LIB
#include "graph-inl.hpp"
#endif
