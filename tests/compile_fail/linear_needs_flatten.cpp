// A Linear straight after a convolution (a forgotten Flatten) gets an [8, 26, 26] input; the
// error says to insert lm::Flatten, and shows the flattened shape next to the one it expects.
// EXPECT: LAMINA_LINEAR_NEEDS_FLAT_INPUT<lamina::at_position<2>, lamina::Linear<5408, 10>, lamina::got<lamina::Shape<8, 26, 26> >, lamina::after_Flatten<lamina::Shape<5408> >, lamina::expects<lamina::Shape<5408> > >
// EXPECT: Insert lm::Flatten before it
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Net = lm::Sequential<lm::Conv2d<1, 8, 3>, lm::ReLU, lm::Flatten, lm::Linear<8 * 26 * 26, 10>>;
#else
using Net = lm::Sequential<lm::Conv2d<1, 8, 3>, lm::ReLU, lm::Linear<8 * 26 * 26, 10>>;
#endif
int main() {
  lm::Model<Net, lm::Shape<1, 28, 28>> model;
  return int(model.output_size);
}
