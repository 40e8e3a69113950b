#pragma once
// Saving and loading a model's state_dict (parameters and buffers) as safetensors, with
// PyTorch's names and layouts, so that
//   lamina:  lm::io::save(model, "net.safetensors");
//   PyTorch: net.load_state_dict(safetensors.torch.load_file("net.safetensors"))
// and the reverse both work. Loading checks every name, shape and dtype before changing
// anything, and says which tensor is wrong and how.
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "../kernels/kernels.hpp"
#include "safetensors.hpp"

namespace lamina::io {

/// Options of load(), after torch.nn.Module.load_state_dict's.
struct load_options {
  /// Whether tensors in the file that the model lacks are errors (true, the default) or are
  /// ignored. Missing tensors and wrong shapes or dtypes are errors either way.
  bool strict = true;
};

namespace detail {
LAMINA_INLINE std::vector<std::uint64_t> shape_of(const dims& d);

// Host copy of a backend view.
template <class Backend>
std::vector<float> host_copy(ConstTensorView v) {
  std::vector<float> h(v.size());
  kernels::download(Backend{}, v.data, h.data(), h.size());
  return h;
}

// Every state_dict tensor of a model, as safetensors records (integral buffers as I64).
template <class Model>
std::vector<tensor_record> state_dict_records(const Model& model) {
  using B = typename Model::backend;
  std::vector<tensor_record> out;
  for (const auto& p : model.named_parameters()) {
    const auto h = host_copy<B>(p.value);
    tensor_record t{p.name, "F32", shape_of(p.value.shape), std::vector<unsigned char>(h.size() * 4)};
    std::memcpy(t.data.data(), h.data(), t.data.size());
    out.push_back(std::move(t));
  }
  for (const auto& b : model.named_buffers()) {
    const auto h = host_copy<B>(b.value);
    tensor_record t{b.name, b.integral ? "I64" : "F32", shape_of(b.value.shape), {}};
    if (b.integral) {
      t.data.resize(h.size() * 8);
      for (std::size_t i = 0; i < h.size(); ++i) {
        const auto v = static_cast<std::int64_t>(h[i]);
        std::memcpy(t.data.data() + 8 * i, &v, 8);
      }
    } else {
      t.data.resize(h.size() * 4);
      std::memcpy(t.data.data(), h.data(), t.data.size());
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Converts a record's values to float: F32 as is; F64, I64, I32 converted (integral buffers).
LAMINA_INLINE std::vector<float> as_floats(const tensor_record& t, const std::filesystem::path& file, bool integral);
}  // namespace detail

/// Saves the model's state_dict (parameters, then buffers, with PyTorch's names and layouts)
/// to `file` as safetensors, atomically, with optional string `metadata`. Float tensors are F32,
/// integral buffers (num_batches_tracked) I64, as safetensors.torch.save_file writes them.
template <class Model>
void save(const Model& model, const std::filesystem::path& file, const std::map<std::string, std::string>& metadata = {}) {
  write_safetensors(file, detail::state_dict_records(model), metadata);
}

namespace detail {
// The values of every state_dict tensor of `model` in `f` (parameters, then buffers, in the
// model's order), after checking every name, shape and dtype. Changes nothing.
template <class Model>
std::vector<std::vector<float>> read_state_dict(const Model& model, const safetensors_file& f,
                                                const std::filesystem::path& file, load_options options) {
  struct target {
    std::string name;
    dims shape;
    bool integral;
  };
  std::vector<target> targets;
  for (const auto& p : model.named_parameters()) targets.push_back({p.name, p.value.shape, false});
  for (const auto& b : model.named_buffers()) targets.push_back({b.name, b.value.shape, b.integral});

  std::vector<std::vector<float>> values;
  std::set<std::string> known;
  for (const auto& t : targets) {
    known.insert(t.name);
    const tensor_record* r = f.find(t.name);
    if (!r) {
      std::string names;
      for (const auto& x : f.tensors) names += (names.empty() ? "" : ", ") + x.name;
      throw data::format_error(file, "tensor '" + t.name + "'", "missing; the file has: " + names);
    }
    const auto expected = shape_of(t.shape);
    if (r->shape != expected)
      throw data::format_error(file, "tensor '" + t.name + "'",
                               "shape " + shape_string(r->shape) + " in the file, expected " +
                                   shape_string(expected) + " by the model");
    values.push_back(as_floats(*r, file, t.integral));
  }
  if (options.strict)
    for (const auto& r : f.tensors)
      if (!known.count(r.name))
        throw data::format_error(file, "tensor '" + r.name + "'",
                                 "not in the model (the architectures differ; load with {.strict = false} to ignore)");
  return values;
}

// Writes what read_state_dict returned into the model (cannot fail).
template <class Model>
void write_state_dict(Model& model, const std::vector<std::vector<float>>& values) {
  using B = typename Model::backend;
  std::size_t i = 0;
  for (const auto& p : model.named_parameters()) kernels::upload(B{}, values[i].data(), p.value.data, values[i].size()), ++i;
  for (const auto& b : model.named_buffers()) kernels::upload(B{}, values[i].data(), b.value.data, values[i].size()), ++i;
}
}  // namespace detail

/// Loads parameters and buffers by name; nothing is changed unless every tensor checks out.
/// Returns the file's metadata.
/// Errors are data::format_error naming the file, the tensor and what was expected.
template <class Model>
std::map<std::string, std::string> load(Model& model, const std::filesystem::path& file, load_options options = {}) {
  const safetensors_file f = read_safetensors(file);
  detail::write_state_dict(model, detail::read_state_dict(model, f, file, options));
  return f.metadata;
}

}  // namespace lamina::io

#ifndef LAMINA_COMPILED_LIB
#include "model_file-inl.hpp"
#endif
