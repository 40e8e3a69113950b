// A type that is not a layer in a layer list is reported once, by position and type, with the
// first requirement of the Layer concept it misses (here: int has no `name`).
// EXPECT: LAMINA_NOT_A_LAYER<lamina::at_position<1>, int>
// EXPECT: it has no `static constexpr std::string_view name`
#include <lamina/lamina.hpp>
namespace lm = lamina;
#ifdef LAMINA_TWIN
using Net = lm::Sequential<lm::Linear<4, 2>, lm::ReLU>;
#else
using Net = lm::Sequential<lm::Linear<4, 2>, int>;
#endif
int main() {
  lm::Model<Net, lm::Shape<4>> model;
  return int(Net::param_count);
}
