// A mismatch inside a nested Sequential names the path to the inner layer.
// EXPECT: LAMINA_SHAPE_MISMATCH
// EXPECT: at_position<2, 1>, lamina::Linear<32, 4(, true)?>, lamina::got<lamina::Shape<64> >, lamina::expects<lamina::Shape<32> >
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Head = lm::Sequential<lm::ReLU, lm::Linear<64, 4>>;
#else
using Head = lm::Sequential<lm::ReLU, lm::Linear<32, 4>>;
#endif
using Net = lm::Sequential<lm::Linear<10, 64>, lm::Tanh, Head>;
using Out = lm::output_shape_t<Net, lm::Shape<10>>;
int main() { return int(Out::size); }
