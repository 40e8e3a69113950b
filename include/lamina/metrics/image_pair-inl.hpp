#pragma once
// Definitions for image_pair.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <cstddef>
#include <stdexcept>
#include <string>

#include "image_pair.hpp"

namespace lamina::metrics::detail {

LAMINA_INLINE image_layout image_pair_layout(ConstTensorView a, ConstTensorView b, const char* who) {
  if (!(a.shape == b.shape))
    throw std::invalid_argument(std::string(who) + ": the images have different shapes, " + to_string(a.shape) +
                                " and " + to_string(b.shape));
  const dims& s = a.shape;
  image_layout l;
  switch (s.rank) {
    case 2: l = {1, 1, s[0], s[1]}; break;
    case 3: l = {1, s[0], s[1], s[2]}; break;
    case 4: l = {s[0], s[1], s[2], s[3]}; break;
    default:
      throw std::invalid_argument(std::string(who) + ": expected images [N, C, H, W], [C, H, W] or [H, W], got " +
                                  to_string(s));
  }
  if (l.n && l.image() == 0)
    throw std::invalid_argument(std::string(who) + ": empty images " + to_string(s));
  if ((l.n && (!a.data || !b.data)))
    throw std::invalid_argument(std::string(who) + ": null image data");
  return l;
}

LAMINA_INLINE void check_data_range(double data_range, const char* who) {
  if (!(data_range > 0.0))
    throw std::invalid_argument(std::string(who) + ": data_range must be positive, got " + std::to_string(data_range));
}

}  // namespace lamina::metrics::detail
