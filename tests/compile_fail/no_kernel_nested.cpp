// A layer of one's own whose forward/backward take only one backend's tag (here lm::cuda) has
// no kernel on another: the error names its path, child 1 of the body (child 0) of the
// Residual at position 2, and says what forward/backward to write.
// EXPECT: LAMINA_NO_KERNEL<lamina::at_position<2, 0, 1>, CudaOnlyScale, lamina::backend<lamina::cpu> >
// EXPECT: A layer of your own needs template <lamina::dims In, class Backend> static void forward\(Backend
#include <lamina/lamina.hpp>
namespace lm = lamina;
struct CudaOnlyScale {  // y = 2x, element-wise
  static constexpr std::string_view name = "CudaOnlyScale";
  static constexpr std::size_t param_count = 0;
  static constexpr bool accepts(lm::dims) { return true; }
  static constexpr lm::dims output(lm::dims in) { return in; }
  static constexpr lm::dims expected(lm::dims in) { return in; }
#ifdef LAMINA_TWIN
  template <lm::dims In, class Backend> static void forward(Backend, const lm::forward_args&) {}
  template <lm::dims In, class Backend> static void backward(Backend, const lm::backward_args&) {}
#else
  template <lm::dims In> static void forward(lm::cuda, const lm::forward_args&) {}
  template <lm::dims In> static void backward(lm::cuda, const lm::backward_args&) {}
#endif
};
using Block = lm::Residual<lm::Sequential<lm::Linear<16, 16>, CudaOnlyScale>>;
using Net = lm::Sequential<lm::Linear<4, 16>, lm::ReLU, Block, lm::Linear<16, 2>>;
int main() {
  lm::Model<Net, lm::Shape<4>> model;
  std::vector<float> x(4);
  model.forward(x, 1);
  model.backward();
  return int(model.output_size);
}
