// Softmax along dim 3 of a [C, L] sample (PyTorch counts the batch as dim 0, so a [N, C, L]
// batch has dims 1 and 2 only) must not compile; the one error names the layer and a shape
// that has the dimension.
// EXPECT: LAMINA_SHAPE_MISMATCH
// EXPECT: at_position<1>, lamina::SoftmaxOf<3>, lamina::got<lamina::Shape<4, 6> >, lamina::expects<lamina::Shape<4, 6, 1> >
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Net = lm::Sequential<lm::Linear<5, 6>, lm::SoftmaxOf<2>, lm::FlattenOf<1, 2>>;
#else
using Net = lm::Sequential<lm::Linear<5, 6>, lm::SoftmaxOf<3>, lm::FlattenOf<1, 2>>;
#endif
int main() {
  lm::Model<Net, lm::Shape<4, 5>> model;
  std::vector<float> x(4 * 5);
  model.forward(x, 1);
  model.backward();
}
