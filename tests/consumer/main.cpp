// A tiny user program: a compile-time network, checked, trained for a few steps; the bundled
// data found.
#include <lamina/lamina.hpp>

#include <cstdio>
#include <vector>

namespace lm = lamina;
using Net = lm::Sequential<lm::Linear<4, 16>, lm::ReLU, lm::Linear<16, 1>>;
static_assert(Net::param_count == 4 * 16 + 16 + 16 + 1);

int main() {
  lm::Model<Net, lm::Shape<4>> model(1);
  lm::optim::SGD opt(model, {.lr = 0.05f});
  std::vector<float> x(32 * 4), y(32);
  for (std::size_t i = 0; i < 32; ++i) {
    for (std::size_t j = 0; j < 4; ++j) x[i * 4 + j] = float((i * 7 + j * 3) % 11) / 11.0f;
    y[i] = x[i * 4] - 0.5f * x[i * 4 + 1];
  }
  const lm::ConstTensorView target{y.data(), lm::make_dims(32, 1)};
  float first = 0, last = 0;
  for (int s = 0; s < 200; ++s) {
    last = lm::train::step(model, x, 32, target, lm::loss::MSE{}, opt);
    if (s == 0) first = last;
  }
  std::printf("loss %.5f -> %.5f\n", first, last);
  // The bundled data is found from the headers' location: source tree, install prefix or package.
  std::printf("data: %s\n", lm::data::data_path("images/camera.png").string().c_str());
  return last < first ? 0 : 1;
}
