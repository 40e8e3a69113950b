// Conv2d's channels must be divisible by its groups; the static_assert says so.
// EXPECT: lamina::Conv2d: in channels must be divisible by groups
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Net = lm::Sequential<lm::Conv2d<4, 8, 3, 1, 1, 1, 2>>;
#else
using Net = lm::Sequential<lm::Conv2d<3, 8, 3, 1, 1, 1, 2>>;
#endif
static_assert(Net::param_count > 0);
int main() {}
