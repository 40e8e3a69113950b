// Anything that is not a layer is rejected by the Layer concept, naming the concept.
// EXPECT: Layer
// MAX_ERRORS: 3
// EXPECT: (constraints not satisfied|template constraint failure)
#include <lamina/lamina.hpp>
namespace lm = lamina;
struct NotALayer {};
#ifdef LAMINA_TWIN
using Net = lm::Sequential<lm::ReLU>;
#else
using Net = lm::Sequential<lm::ReLU, NotALayer>;
#endif
int main() { return int(Net::param_count); }
