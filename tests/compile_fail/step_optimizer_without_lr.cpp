// lm::train::step needs the optimizer's lr (schedulers and checkpoints use it too): an optimizer
// of the user's own without set_lr is told so by name.
// EXPECT: LAMINA_NOT_AN_OPTIMIZER: the optimizer has no set_lr\(double\) member
#include <lamina/lamina.hpp>
namespace lm = lamina;
using Net = lm::Sequential<lm::Linear<4, 2>>;

// Plain gradient descent at a fixed rate.
struct fixed_descent {
  lm::TensorView p, g;
  void step() {
    for (std::size_t i = 0; i < p.size(); ++i) p.data[i] -= 0.1f * g.data[i];
  }
  double lr() const { return 0.1; }
#ifdef LAMINA_TWIN
  void set_lr(double) {}
#endif
};

int main() {
  lm::Model<Net, lm::Shape<4>> model(0);
  fixed_descent opt{model.parameters(), model.gradients()};
  std::vector<float> x(4);
  std::vector<std::int32_t> y{1};
  return int(lm::train::step(model, x, 1, y, lm::loss::CrossEntropy{}, opt));
}
