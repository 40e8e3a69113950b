#pragma once
// Shared by the image metrics (psnr.hpp, ssim.hpp, image_quality.hpp): how a pair of float image
// tensors is read. Accepted layouts, both tensors the same shape:
//   [N, C, H, W]  a batch of N images      [C, H, W]  one image      [H, W]  one grey image
// A shape mismatch throws std::invalid_argument naming both shapes.
#include <cstddef>
#include <stdexcept>
#include <string>

#include "../core/tensor.hpp"

namespace lamina::metrics::detail {

struct image_layout {
  std::size_t n = 1, c = 1, h = 0, w = 0;
  std::size_t plane() const { return h * w; }
  std::size_t image() const { return c * h * w; }
  std::size_t planes() const { return n * c; }
};

inline image_layout image_pair_layout(ConstTensorView a, ConstTensorView b, const char* who) {
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

inline void check_data_range(double data_range, const char* who) {
  if (!(data_range > 0.0))
    throw std::invalid_argument(std::string(who) + ": data_range must be positive, got " + std::to_string(data_range));
}

}  // namespace lamina::metrics::detail
