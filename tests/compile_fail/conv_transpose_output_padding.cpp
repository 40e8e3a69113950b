// ConvTranspose2d's output padding must be smaller than its stride or its dilation (PyTorch's rule).
// EXPECT: output padding must be smaller than either stride or dilation
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Net = lm::Sequential<lm::ConvTranspose2d<4, 4, 3, 2, 1, 1>>;
#else
using Net = lm::Sequential<lm::ConvTranspose2d<4, 4, 3, 2, 1, 2>>;
#endif
static_assert(Net::param_count > 0);
int main() {}
