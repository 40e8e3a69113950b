// A Residual whose body doubles the channels cannot add its input to the body's output: the
// error shows both shapes and suggests keeping the shape or a projection, Residual<Body, Projection>.
// EXPECT: LAMINA_RESIDUAL_BODY_CHANGES_SHAPE<lamina::at_position<1>, lamina::Residual<lamina::Sequential<lamina::Conv2d<8, 16, 3, 1, 1(, [0-9a-z]+)*>, lamina::ReLU> >, lamina::got<lamina::Shape<8, 28, 28> >, lamina::body_gives<lamina::Shape<16, 28, 28> > >
// EXPECT: Residual<Body, Projection>
#include <lamina/lamina.hpp>
namespace lm = lamina;
using Body = lm::Sequential<lm::Conv2d<8, 16, 3, 1, 1>, lm::ReLU>;
#ifdef LAMINA_TWIN
using Block = lm::Residual<Body, lm::Conv2d<8, 16, 1>>;  // a 1x1 convolution on the shortcut
#else
using Block = lm::Residual<Body>;
#endif
using Net = lm::Sequential<lm::Conv2d<1, 8, 3, 1, 1>, Block, lm::Flatten, lm::Linear<16 * 28 * 28, 10>>;
int main() {
  lm::Model<Net, lm::Shape<1, 28, 28>> model;
  return int(model.output_size);
}
