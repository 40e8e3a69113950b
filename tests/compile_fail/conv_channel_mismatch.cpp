// A Conv2d<3, ...> after a one-channel input must not compile; the one error names the layer,
// the shape it got ([1, 28, 28]) and the one it expects (3 channels, same size).
// EXPECT: LAMINA_SHAPE_MISMATCH
// EXPECT: at_position<0>, lamina::Conv2d<3, 8, 3(, [0-9a-z]+)*>, lamina::got<lamina::Shape<1, 28, 28> >, lamina::expects<lamina::Shape<3, 28, 28> >
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Net = lm::Sequential<lm::Conv2d<1, 8, 3>, lm::ReLU, lm::Flatten, lm::Linear<8 * 26 * 26, 10>>;
#else
using Net = lm::Sequential<lm::Conv2d<3, 8, 3>, lm::ReLU, lm::Flatten, lm::Linear<8 * 26 * 26, 10>>;
#endif
int main() {
  lm::Model<Net, lm::Shape<1, 28, 28>> model;
  std::vector<float> x(28 * 28);
  model.forward(x, 1);
  model.backward();
}
