// The layer written in docs/adding-a-layer.md, as a user would write it: it must compose
// with lamina's layers and pass the gradient checker.
#include <catch2/catch.hpp>
#include <lamina/lamina.hpp>

namespace my {
struct Square {
  static constexpr std::string_view name = "Square";
  static constexpr std::size_t param_count = 0;
  static constexpr bool accepts(lamina::dims) { return true; }
  static constexpr lamina::dims output(lamina::dims in) { return in; }
  static constexpr lamina::dims expected(lamina::dims in) { return in; }
  static constexpr std::size_t flops(lamina::dims in) { return in.size(); }

  template <lamina::dims In, class Backend>
  static void forward(Backend, const lamina::forward_args& a) {
    for (std::size_t i = 0; i < a.batch * In.size(); ++i) a.y[i] = a.x[i] * a.x[i];
  }
  template <lamina::dims In, class Backend>
  static void backward(Backend, const lamina::backward_args& a) {
    if (!a.dx) return;
    for (std::size_t i = 0; i < a.batch * In.size(); ++i) a.dx[i] = 2 * a.x[i] * a.dy[i];
  }
};
}  // namespace my

namespace lm = lamina;

TEST_CASE("A user-defined layer composes and passes the gradient check", "[layers][gradcheck]") {
  using Net = lm::Sequential<lm::Linear<5, 6>, my::Square, lm::Linear<6, 2>>;
  static_assert(lm::Layer<my::Square>);
  static_assert(Net::param_count == 5 * 6 + 6 + 6 * 2 + 2);
  lm::Model<Net, lm::Shape<5>> model(3);
  std::vector<float> x(15);
  lm::rng gen(1);
  for (float& v : x) v = gen.uniform(-1, 1);
  const auto result = lm::testing::check_gradients(model, x, 3);
  INFO(result.report());
  REQUIRE(result.ok());
  REQUIRE_THAT(model.summary(), Catch::Contains("├─Square: 1-2"));
}
