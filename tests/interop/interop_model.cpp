// The lamina side of the PyTorch interoperability check (driven by pytorch_interop.py):
//   interop_model write DIR  -> DIR/lamina_model.safetensors and DIR/lamina_io.safetensors (x, y)
//   interop_model read DIR   -> loads DIR/torch_model.safetensors, runs DIR/torch_io.safetensors' x,
//                               writes DIR/lamina_out.safetensors (y)
#include <lamina/lamina.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "interop_net.hpp"

namespace lm = lamina;

static lm::io::tensor_record record(const std::string& name, lm::ConstTensorView v) {
  lm::io::tensor_record t{name, "F32", {}, std::vector<unsigned char>(v.size() * 4)};
  for (std::size_t i = 0; i < v.rank(); ++i) t.shape.push_back(v.shape[i]);
  std::memcpy(t.data.data(), v.data, t.data.size());
  return t;
}

int main(int argc, char** argv) try {
  if (argc != 3) throw std::invalid_argument("usage: interop_model write|read DIR");
  const std::string mode = argv[1];
  const std::filesystem::path dir = argv[2];
  InteropModel model(7);
  if (mode == "write") {
    // A few training steps so that BatchNorm's running statistics are not the defaults.
    lm::optim::SGD opt(model, {.lr = 0.1f, .momentum = 0.9f});
    lm::rng gen(3);
    std::vector<float> x(interop_batch * InteropModel::input_size);
    std::vector<std::int32_t> labels(interop_batch);
    for (int step = 0; step < 3; ++step) {
      for (float& v : x) v = gen.uniform(-1, 1);
      for (auto& l : labels) l = std::int32_t(gen.below(5));
      lm::train::step(model, x, interop_batch, std::span<const std::int32_t>(labels), lm::loss::CrossEntropy{}, opt);
    }
    lm::io::save(model, dir / "lamina_model.safetensors");
    for (float& v : x) v = gen.uniform(-1, 1);
    model.eval();
    const auto y = model.forward(x, interop_batch);
    lm::io::write_safetensors(dir / "lamina_io.safetensors",
                              {record("x", {x.data(), lm::make_dims(interop_batch, 3, 4, 4)}), record("y", y)});
  } else if (mode == "read") {
    lm::io::load(model, dir / "torch_model.safetensors");
    const auto io = lm::io::read_safetensors(dir / "torch_io.safetensors");
    const auto* x = io.find("x");
    if (!x || x->numel() != interop_batch * InteropModel::input_size)
      throw std::runtime_error("torch_io.safetensors: tensor 'x' missing or of the wrong size");
    std::vector<float> xv(x->numel());
    std::memcpy(xv.data(), x->data.data(), xv.size() * 4);
    model.eval();
    lm::io::write_safetensors(dir / "lamina_out.safetensors", {record("y", model.forward(xv, interop_batch))});
  } else {
    throw std::invalid_argument("unknown mode " + mode);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "interop_model: %s\n", e.what());
  return 1;
}
