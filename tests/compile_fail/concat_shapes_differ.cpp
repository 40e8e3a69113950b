// A Concat along the channels whose second branch halves the image must not compile; the one
// error names the branch (in_branch<1>), the shape it gives and the first branch's.
// EXPECT: LAMINA_CONCAT_SHAPES_DIFFER
// EXPECT: in_branch<1>, lamina::branch_gives<lamina::Shape<4, 4, 4> >, lamina::first_branch_gives<lamina::Shape<4, 8, 8> >
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Down = lm::Sequential<lm::MaxPool2d<2>, lm::Conv2d<4, 4, 3, 1, 1>, lm::Upsample<2>>;
#else
using Down = lm::Sequential<lm::MaxPool2d<2>, lm::Conv2d<4, 4, 3, 1, 1>>;  // forgot the Upsample
#endif
using Net = lm::Sequential<lm::Conv2d<1, 4, 3, 1, 1>, lm::Concat<1, lm::Identity, Down>, lm::Conv2d<8, 1, 1>>;
int main() {
  lm::Model<Net, lm::Shape<1, 8, 8>> model;
  std::vector<float> x(64);
  model.forward(x, 1);
  model.backward();
}
