// SGD against torch.optim.SGD's update rule written out by hand, and its argument checks.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

#include <vector>

namespace lm = lamina;

namespace {
struct flat {
  std::vector<float> p, g;
  lm::TensorView params() { return {p.data(), lm::make_dims(p.size())}; }
  lm::TensorView grads() { return {g.data(), lm::make_dims(g.size())}; }
};
// The reference rule, one scalar at a time, in double.
double reference(double p, double g, double& buf, bool first, const lm::optim::sgd_options& o) {
  double d = g + o.weight_decay * p;
  if (o.momentum != 0) {
    buf = first ? d : o.momentum * buf + (1 - o.dampening) * d;
    d = o.nesterov ? d + o.momentum * buf : buf;
  }
  return p - o.lr * d;
}
}  // namespace

TEST_CASE("SGD follows torch.optim.SGD's rule", "[optim]") {
  const lm::optim::sgd_options cases[] = {
      {.lr = 0.1f},
      {.lr = 0.05f, .weight_decay = 0.01f},
      {.lr = 0.1f, .momentum = 0.9f},
      {.lr = 0.1f, .momentum = 0.9f, .dampening = 0.3f, .weight_decay = 1e-3f},
      {.lr = 0.1f, .momentum = 0.9f, .weight_decay = 1e-2f, .nesterov = true},
  };
  for (const auto& o : cases) {
    flat f{{1.f, -2.f, 0.5f, 3.f, 0.f, 7.f, -1.f, 2.f, 4.f, -4.f, 0.25f, 1.f, 2.f, 3.f, 4.f, 5.f, 6.f},
           std::vector<float>(17)};
    std::vector<double> p(f.p.begin(), f.p.end()), buf(17);
    lm::optim::SGD opt(f.params(), f.grads(), o);
    for (int step = 0; step < 3; ++step) {
      for (std::size_t i = 0; i < 17; ++i) f.g[i] = float(i % 5) * 0.3f - 0.5f + float(step);
      opt.step();
      for (std::size_t i = 0; i < 17; ++i) p[i] = reference(p[i], f.g[i], buf[i], step == 0, o);
      for (std::size_t i = 0; i < 17; ++i) REQUIRE(f.p[i] == Approx(p[i]).epsilon(1e-5).margin(1e-6));  // margin: values near 0
    }
    REQUIRE(opt.steps() == 3);
  }
}

TEST_CASE("SGD rejects invalid settings", "[optim]") {
  flat f{{1.f}, {0.f}};
  REQUIRE_THROWS_WITH(lm::optim::SGD(f.params(), f.grads(), {.lr = -1.f}), Catch::Contains("lr"));
  REQUIRE_THROWS_WITH(lm::optim::SGD(f.params(), f.grads(), {.nesterov = true}), Catch::Contains("Nesterov"));
  flat g{{1.f, 2.f}, {0.f}};
  REQUIRE_THROWS_WITH(lm::optim::SGD(g.params(), g.grads(), {}), Catch::Contains("2 parameters but 1 gradients"));
}
