// A LayerNorm<32> after 24 features must not compile; the one error names the layer, the shape
// it got ([4, 24]) and the one it expects (the trailing dimension 32).
// EXPECT: LAMINA_SHAPE_MISMATCH
// EXPECT: at_position<1>, lamina::LayerNormOf<lamina::Shape<32>(, [0-9a-z.+-]+)*>, lamina::got<lamina::Shape<4, 24> >, lamina::expects<lamina::Shape<4, 32> >
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Net = lm::Sequential<lm::Linear<16, 24>, lm::LayerNorm<24>, lm::GroupNorm<2, 4>, lm::SoftmaxOf<1>>;
#else
using Net = lm::Sequential<lm::Linear<16, 24>, lm::LayerNorm<32>, lm::GroupNorm<2, 4>, lm::SoftmaxOf<1>>;
#endif
int main() {
  lm::Model<Net, lm::Shape<4, 16>> model;
  std::vector<float> x(4 * 16);
  model.forward(x, 1);
  model.backward();
}
