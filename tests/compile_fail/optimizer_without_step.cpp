// A wrapper optimizer that forgot step() is reported where the Trainer is built, naming the
// member, instead of as an error inside the training loop.
// EXPECT: LAMINA_NOT_AN_OPTIMIZER: the optimizer has no step\(\) member
#include <lamina/lamina.hpp>
namespace lm = lamina;
using Net = lm::Sequential<lm::Linear<4, 2>>;
using Model = lm::Model<Net, lm::Shape<4>>;

// Logs the lr, and forwards to SGD.
struct logged_sgd {
  lm::optim::SGD<> inner;
  double lr() const { return inner.lr(); }
  void set_lr(double v) { inner.set_lr(v); }
#ifdef LAMINA_TWIN
  void step() { inner.step(); }
#endif
};

int main() {
  Model model(0);
  logged_sgd opt{lm::optim::SGD<>(model, {.lr = 0.1f})};
  lm::train::Trainer trainer(model, lm::loss::CrossEntropy{}, opt, {.progress = lm::train::progress_bar::style::silent});
  return int(trainer.get_history().epochs.size());
}
