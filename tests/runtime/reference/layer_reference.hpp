#pragma once
// One layer (or a small network) against its PyTorch reference in a fixture written by
// tests/fixtures/make_fixtures.py: for configuration `tag`, the fixture holds tag.x, the
// state_dict (tag.<name>), tag.y, tag.dy, tag.dx and tag.grad.<name>.
//   lamina_test::check_layer<lm::Conv2d<3, 4, 3, 1, 1>, lm::Shape<3, 6, 5>>(f, "conv_k3_p1", 1e-4, 1e-5);
#include <lamina/lamina.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/fixture.hpp"

namespace lamina_test {

/// The extents of a lamina shape, as a fixture tensor lists them.
inline std::vector<std::size_t> shape_vector(const lamina::dims& d) {
  return std::vector<std::size_t>(d.d.begin(), d.d.begin() + d.rank);
}

/// Copies a fixture tensor into a lamina view of the same shape.
inline void copy_into(lamina::TensorView dst, const fixture_tensor<float>& src) {
  INFO("copying fixture tensor '" << src.name << "'");
  REQUIRE(shape_vector(dst.shape) == src.shape);
  std::copy(src.values.begin(), src.values.end(), dst.data);
}

/// A lamina view (shape and values) against fixture tensor `name`, within rel and abs.
template <class V>
void check_tensor(const V& actual, const fixture& f, const std::string& name, double rel, double abs) {
  const auto& expected = f.tensor(name);
  INFO(f.path() << ": " << name);
  CHECK(shape_vector(actual.shape) == expected.shape);
  REQUIRE_THAT(values(actual), close_to(expected, rel, abs));
}

/// Layer L on per-sample input In, configuration `tag` of fixture f: parameters loaded by their
/// state_dict names; the output, the input gradient and every parameter gradient checked.
template <class L, class In>
void check_layer(const fixture& f, const std::string& tag, double rel, double abs) {
  namespace lm = lamina;
  lm::Model<L, In> model(3);
  const auto& x = f.tensor(tag + ".x");
  const std::size_t batch = x.shape.at(0);
  std::vector<std::size_t> want{batch};
  for (std::size_t i = 0; i < In::rank; ++i) want.push_back(In::value[i]);
  REQUIRE(x.shape == want);
  for (const auto& p : model.named_parameters()) copy_into(p.value, f.tensor(tag + "." + p.name));

  model.compute_input_grad(true);
  check_tensor(model.forward(x.values, batch), f, tag + ".y", rel, abs);
  copy_into(model.output_grad(), f.tensor(tag + ".dy"));
  model.backward();
  check_tensor(model.input_grad(), f, tag + ".dx", rel, abs);
  for (const auto& p : model.named_parameters()) check_tensor(p.grad, f, tag + ".grad." + p.name, rel, abs);
}

}  // namespace lamina_test
