// A checkpoint written by PyTorch (tests/interop/pytorch_interop.py --write-fixture, torch
// 2.15.0) loads into the same lamina network and reproduces PyTorch's outputs.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <cstring>

#include "../../interop/interop_net.hpp"

namespace lm = lamina;

TEST_CASE("A PyTorch state_dict in safetensors reproduces PyTorch's outputs", "[io][pytorch]") {
  const std::string dir = LAMINA_TEST_FIXTURES "/interop";
  InteropModel model(1);
  lm::io::load(model, dir + "/torch_model.safetensors");
  REQUIRE(model.buffer("2.num_batches_tracked")[0] == 3.f);
  const auto io = lm::io::read_safetensors(dir + "/torch_io.safetensors");
  std::vector<float> x(io.find("x")->numel()), y(io.find("y")->numel());
  std::memcpy(x.data(), io.find("x")->data.data(), x.size() * 4);
  std::memcpy(y.data(), io.find("y")->data.data(), y.size() * 4);
  model.eval();
  const auto out = model.forward(x, interop_batch);
  REQUIRE(out.size() == y.size());
  for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(out[i] == Approx(y[i]).margin(1e-5));
}
