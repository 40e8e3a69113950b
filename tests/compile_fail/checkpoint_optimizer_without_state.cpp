// Checkpoints need an optimizer's state tensors and step count: a wrapper without state() is
// told so, by name, where save_checkpoint is called.
// EXPECT: LAMINA_NOT_A_CHECKPOINT_OPTIMIZER: the optimizer has no state\(\) member
#include <lamina/lamina.hpp>
namespace lm = lamina;
using Net = lm::Sequential<lm::Linear<4, 2>>;
using Model = lm::Model<Net, lm::Shape<4>>;

// Clips the gradients, then steps SGD.
struct clipped_sgd {
  Model& model;
  lm::optim::SGD<> inner;
  void step() {
    lm::optim::clip_grad_norm(model, 1.0);
    inner.step();
  }
  double lr() const { return inner.lr(); }
  void set_lr(double v) { inner.set_lr(v); }
  std::size_t steps() const { return inner.steps(); }
  void set_steps(std::size_t n) { inner.set_steps(n); }
#ifdef LAMINA_TWIN
  lm::optim::named_state state() { return inner.state(); }
#endif
};

int main() {
  Model model(0);
  clipped_sgd opt{model, lm::optim::SGD<>(model, {.lr = 0.1f})};
  lm::train::save_checkpoint("unused.safetensors", model, opt, 0);
  return 0;
}
