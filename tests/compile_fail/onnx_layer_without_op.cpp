// Exporting a network with a layer of one's own that has no ONNX mapping: the error names the
// layer and its path (child 1 of the Residual at position 2) and says what to specialise.
// EXPECT: LAMINA_NO_ONNX_EXPORT<lamina::at_position<2, 0, 1>, Scale>
// EXPECT: specialise lamina::io::onnx::layer_op<YourLayer>
#include <lamina/lamina.hpp>
namespace lm = lamina;
struct Scale {  // y = 2x, element-wise
  static constexpr std::string_view name = "Scale";
  static constexpr std::size_t param_count = 0;
  static constexpr bool accepts(lm::dims) { return true; }
  static constexpr lm::dims output(lm::dims in) { return in; }
  static constexpr lm::dims expected(lm::dims in) { return in; }
  template <lm::dims In, class Backend> static void forward(Backend b, const lm::forward_args& a) {
    lm::kernels::map(b, a.batch * In.size(), a.y, lm::kernels::fn::scale{2.f}, a.x);
  }
  template <lm::dims In, class Backend> static void backward(Backend b, const lm::backward_args& a) {
    if (a.dx) lm::kernels::map(b, a.batch * In.size(), a.dx, lm::kernels::fn::scale{2.f}, a.dy);
  }
};
#ifdef LAMINA_TWIN
// The twin maps it: Mul by a constant 2.
template <>
struct lm::io::onnx::layer_op<Scale> {
  static std::string emit(graph& g, const layer_input& in) {
    const float two = 2.f;
    return g.node("Mul", in.node_name("Mul"), {in.x, g.initializer(in.prefix + "two", lm::dims{}, &two)});
  }
};
#endif
using Block = lm::Residual<lm::Sequential<lm::Linear<16, 16>, Scale>>;
using Net = lm::Sequential<lm::Linear<4, 16>, lm::ReLU, Block, lm::Linear<16, 2>>;
int main() {
  lm::Model<Net, lm::Shape<4>> model;
  lm::io::export_onnx(model, "net.onnx");
}
