#pragma once
// lm::io::export_onnx(model, "net.onnx"): the network, with its weights, as an ONNX model that
// onnxruntime, TensorRT, OpenVINO or a browser can run without lamina. Inference semantics
// (BatchNorm's running statistics, no Dropout), default opset 17, static per-sample shapes
// from the network's type and a dynamic batch dimension. A layer without an ONNX mapping is a
// compile error naming it (LAMINA_NO_ONNX_EXPORT). docs/deploy.md has the whole story.
#include <cstddef>
#include <filesystem>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../../core/layer_walk.hpp"
#include "../../core/model.hpp"
#include "../atomic_file.hpp"
#include "graph.hpp"
#include "layer_ops.hpp"

namespace lamina {

/// A layer that export_onnx cannot write: it has no io::onnx::layer_op.
/// Instantiated only to fail: the compile error names LayerType and its Position in the network.
template <class Position, class LayerType>
struct LAMINA_NO_ONNX_EXPORT {
  static_assert(detail::always_false<LayerType>,
                "LAMINA_NO_ONNX_EXPORT: lamina::io::export_onnx cannot write the layer named above (at "
                "at_position<...>, indices count from 0): it has no ONNX mapping. For a layer of your "
                "own, specialise lamina::io::onnx::layer_op<YourLayer> with `static std::string "
                "emit(lamina::io::onnx::graph&, const lamina::io::onnx::layer_input&)`; see docs/deploy.md.");
  static constexpr bool ok = false;  ///< Never true: instantiating the class is the error.
};

namespace io {

/// Options of export_onnx and to_onnx, in the spirit of torch.onnx.export's arguments.
struct onnx_options {
  /// The ONNX opset version (torch.onnx.export's opset_version); others throw
  /// std::invalid_argument.
  int opset = 17;
  /// The batch dimension of the input and output: 0, the default, leaves it dynamic (named
  /// "batch", as dynamic_axes would), any other value fixes it.
  std::size_t batch = 0;
  /// Name of the graph's input (input_names); it must differ from output_name and weight names.
  std::string input_name = "input";
  /// Name of the graph's output (output_names); it must differ from input_name and weight names.
  std::string output_name = "output";
  /// Key-value strings stored in the model file, e.g. the training data or a version.
  std::map<std::string, std::string> metadata;
};

namespace detail {
template <class L, dims> struct has_onnx_op : std::bool_constant<onnx::has_layer_op<L>> {};
}  // namespace detail

/// The model file's bytes (what export_onnx writes).
/// Throws std::invalid_argument for bad or clashing input and output names or an unsupported
/// opset; a layer without an ONNX mapping is a compile error (LAMINA_NO_ONNX_EXPORT).
template <class Net, class InShape, class Backend>
std::string to_onnx(const Model<Net, InShape, Backend>& model, const onnx_options& options = {}) {
  using M = Model<Net, InShape, Backend>;
  constexpr bool exportable =
      lamina::detail::check_leaves<detail::has_onnx_op, LAMINA_NO_ONNX_EXPORT, typename M::network, InShape::value>();
  if constexpr (!exportable) {
    return {};
  } else {
    if (options.input_name.empty() || options.output_name.empty() || options.input_name == options.output_name)
      throw std::invalid_argument("lamina::io::export_onnx: input_name and output_name must be two different, "
                                  "non-empty names; got '" + options.input_name + "' and '" + options.output_name + "'");
    const Tensor params = model.to_host(model.parameters());
    const Tensor state = model.to_host(model.state());
    onnx::graph g;
    g.add_input(options.input_name, InShape::value, options.batch);
    // Emitted as Net itself, so that a lone layer's weights are "weight", as in its state_dict.
    const std::string y = onnx::layer_op<Net>::emit(g, {options.input_name, InShape::value, "", params.data(), state.data()});
    // The network's last value becomes the graph's output; a network that computes nothing in
    // inference (a lone Dropout) gets an Identity node.
    if (!g.rename_output(y, options.output_name))
      g.rename_output(g.node("Identity", "/Identity", {y}), options.output_name);
    for (const std::string* name : {&options.input_name, &options.output_name})
      if (g.has_initializer(*name))
        throw std::invalid_argument("lamina::io::export_onnx: '" + *name + "' names a weight of the network; "
                                    "choose another input_name / output_name");
    g.add_output(options.output_name, M::output_shape::value, options.batch);
    onnx::model_info info;
    info.opset = options.opset;
    info.doc = M::summary(1);
    info.metadata = options.metadata;
    return g.model_bytes(info);
  }
}

/// Writes the model to `file` as ONNX, atomically (io/atomic_file.hpp).
template <class Net, class InShape, class Backend>
void export_onnx(const Model<Net, InShape, Backend>& model, const std::filesystem::path& file,
                 const onnx_options& options = {}) {
  const std::string bytes = to_onnx(model, options);
  write_atomically(file, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

}  // namespace io
}  // namespace lamina
