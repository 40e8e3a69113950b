// An lm::cuda model in a file that is not compiled as CUDA has no kernels to run on: the first
// layer is reported with the backend, the sentence says how to compile the file, and nothing
// else fails (the model stands in as a CPU model once reported).
// EXPECT: LAMINA_NO_KERNEL<lamina::at_position<0>, lamina::Conv2d<1, 8, 3(, [0-9a-z]+)*>, lamina::backend<lamina::cuda> >
// EXPECT: compiled as CUDA \(nvcc, a \.cu file\)
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using B = lm::cpu;
#else
using B = lm::cuda;
#endif
using Net = lm::Sequential<lm::Conv2d<1, 8, 3>, lm::ReLU, lm::Flatten, lm::Linear<8 * 26 * 26, 10>>;
int main() {
  lm::Model<Net, lm::Shape<1, 28, 28>, B> model;
  std::vector<float> x(28 * 28);
  model.forward(x, 1);
  model.backward();
  return int(model.output_size);
}
