#pragma once
// Re-initialising a constructed model's weights with a chosen initialiser, what PyTorch code
// does after building a network:
//
//   for m in net.modules():
//       if isinstance(m, (nn.Linear, nn.Conv2d)):
//           nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
//           nn.init.zeros_(m.bias)                       # or leave the default bias
//
//   lm::Model<Net, In> model(seed);                        // PyTorch's default initialisation
//   lm::init::apply(model, lm::init::kaiming_normal{.nonlinearity = lm::init::nonlinearity::relu},
//                   {.bias = lm::init::bias_init::zeros, .seed = 7});
//
// Weights are the parameters named "weight" (or "<path>.weight") of rank >= 2: the weights of
// Linear, Conv2d and ConvTranspose2d, whose fans the initialisers compute from the shape as
// torch.nn.init does. BatchNorm's weight [C] (rank 1) and buffers (FourierFeatures' B) are left
// alone. The bias of each re-initialised layer is kept as it is (bias_init::keep: PyTorch's
// default from construction, since torch.nn.init changes only the tensor it is given) or set to
// zero. Each weight draws from its own stream rng(seed).fork(name), so one layer's values do not
// depend on the layers before it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../core/rng.hpp"
#include "../core/tensor.hpp"
#include "../kernels/kernels.hpp"

namespace lamina::init {

/// What apply does to the bias of each layer whose weight it draws: keep leaves it as it is
/// (PyTorch's default from construction), zeros sets it to 0 (nn.init.zeros_(m.bias)).
enum class bias_init { keep, zeros };

/// Options of apply: the biases' treatment and the seed of the weights' streams.
struct apply_options {
  bias_init bias = bias_init::keep;  ///< keep (PyTorch's default bias) or zeros.
  std::uint64_t seed = 0;  ///< Root seed; each weight draws from rng(seed).fork(its name).
};

namespace detail {
inline bool is_weight_name(std::string_view name) {
  return name == "weight" || (name.size() > 7 && name.substr(name.size() - 7) == ".weight");
}
}  // namespace detail

/// Draws every weight of `model` (rank >= 2, see above) with `weight_init` (any initialiser of
/// init.hpp, called as weight_init(view, gen)); returns how many weight tensors it drew.
/// Parameters may live on any backend: values are drawn on the host and uploaded.
template <class M, class Init>
  requires requires(M& m) { m.named_parameters(); typename M::backend; }
std::size_t apply(M& model, const Init& weight_init, const apply_options& options = {}) {
  using backend = typename M::backend;
  const rng root(options.seed);
  std::vector<float> host;
  std::size_t drawn = 0;
  for (const auto& p : model.named_parameters()) {
    if (!detail::is_weight_name(p.name) || p.value.shape.rank < 2) continue;
    host.assign(p.value.size(), 0.f);
    rng gen = root.fork(p.name);
    weight_init(TensorView{host.data(), p.value.shape}, gen);
    kernels::upload(backend{}, host.data(), p.value.data, host.size());
    ++drawn;
    if (options.bias == bias_init::zeros) {
      const std::string bias = p.name.substr(0, p.name.size() - 6) + "bias";  // "<path>.weight" -> "<path>.bias"
      for (const auto& b : model.named_parameters())
        if (b.name == bias) {
          host.assign(b.value.size(), 0.f);
          kernels::upload(backend{}, host.data(), b.value.data, host.size());
        }
    }
  }
  return drawn;
}

}  // namespace lamina::init
