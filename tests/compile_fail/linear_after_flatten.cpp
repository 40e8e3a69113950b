// A Linear<1000, 10> after a Flatten of 16x8x8 = 1024 features must not compile, and the one
// error must name the layer (Linear), what it expects (1000) and what it got (1024).
// EXPECT: LAMINA_SHAPE_MISMATCH
// EXPECT: at_position<1>, lamina::Linear<1000, 10(, true)?>, lamina::got<lamina::Shape<1024> >, lamina::expects<lamina::Shape<1000> >
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Net = lm::Sequential<lm::Flatten, lm::Linear<1024, 10>>;
#else
using Net = lm::Sequential<lm::Flatten, lm::Linear<1000, 10>>;
#endif
int main() {
  lm::Model<Net, lm::Shape<16, 8, 8>> model;
  std::vector<float> x(16 * 8 * 8);
  model.forward(x, 1);
  model.backward();
}
