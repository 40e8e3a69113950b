// A hand-written layer that misses one member of the Layer concept is told which one: here
// `expected`, the shape it would accept (used for error messages like this one).
// EXPECT: LAMINA_NOT_A_LAYER<lamina::at_position<2>, Scale2>
// EXPECT: it has no `static constexpr dims expected\(dims in\)`
#include <lamina/lamina.hpp>
namespace lm = lamina;
struct Scale2 {  // y = 2x, element-wise
  static constexpr std::string_view name = "Scale2";
  static constexpr std::size_t param_count = 0;
  static constexpr bool accepts(lm::dims) { return true; }
  static constexpr lm::dims output(lm::dims in) { return in; }
#ifdef LAMINA_TWIN
  static constexpr lm::dims expected(lm::dims in) { return in; }
#endif
  template <lm::dims In, class Backend> static void forward(Backend, const lm::forward_args&) {}
  template <lm::dims In, class Backend> static void backward(Backend, const lm::backward_args&) {}
};
using Net = lm::Sequential<lm::Linear<4, 2>, lm::ReLU, Scale2>;
int main() { return int(Net::param_count); }
