// Residual<Body, Projection>: the projection's output must have the body's shape; here its
// stride 2 halves the size. The error shows both shapes.
// EXPECT: LAMINA_RESIDUAL_PROJECTION_MISMATCH<lamina::at_position<1>, .*lamina::got<lamina::Shape<8, 28, 28> >, lamina::body_gives<lamina::Shape<16, 28, 28> >, lamina::projection_gives<lamina::Shape<16, 14, 14> > >
#include <lamina/lamina.hpp>
namespace lm = lamina;
using Body = lm::Sequential<lm::Conv2d<8, 16, 3, 1, 1>, lm::ReLU>;
#ifdef LAMINA_TWIN
using Block = lm::Residual<Body, lm::Conv2d<8, 16, 1>>;
#else
using Block = lm::Residual<Body, lm::Conv2d<8, 16, 1, 2>>;
#endif
using Net = lm::Sequential<lm::Conv2d<1, 8, 3, 1, 1>, Block, lm::Flatten>;
int main() {
  lm::Model<Net, lm::Shape<1, 28, 28>> model;
  return int(model.output_size);
}
