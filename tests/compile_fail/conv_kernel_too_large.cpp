// A 7x7 kernel without padding does not fit a 5x5 input: the error names the layer, the shape it
// got ([1, 5, 5]) and the smallest it accepts ([1, 7, 7]).
// EXPECT: LAMINA_SHAPE_MISMATCH
// EXPECT: at_position<1>, lamina::Conv2d<1, 4, 7(, [0-9a-z]+)*>, lamina::got<lamina::Shape<1, 5, 5> >, lamina::expects<lamina::Shape<1, 7, 7> >
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Net = lm::Sequential<lm::ReLU, lm::Conv2d<1, 4, 7, 1, 1>, lm::Flatten>;  // padding 1 makes it fit
#else
using Net = lm::Sequential<lm::ReLU, lm::Conv2d<1, 4, 7>, lm::Flatten>;
#endif
int main() {
  lm::Model<Net, lm::Shape<1, 5, 5>> model;
  std::vector<float> x(25);
  model.forward(x, 1);
  model.backward();
}
