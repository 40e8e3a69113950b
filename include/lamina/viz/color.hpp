#pragma once
// 8-bit RGB colours and the default series palette (Okabe & Ito's colour-blind-friendly set,
// ordered so that the first colours differ most and yellow, weak on white, comes last).
//
//   lm::viz::rgb c = lm::viz::palette(2);    // the third series' colour
//   std::string s = lm::viz::to_hex(c);      // "#009E73", for SVG
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "../core/config.hpp"

namespace lamina::viz {

/// An 8-bit RGB colour (sRGB, no alpha), the pixel type of viz::image.
struct rgb {
  /// Red, green and blue levels, 0..255.
  ///@{
  std::uint8_t r = 0, g = 0, b = 0;
  ///@}
  constexpr bool operator==(const rgb&) const = default;  ///< Equal when all three levels are.
};

/// Named colours that grids and plots use by default.
namespace colors {
inline constexpr rgb black{0, 0, 0};  ///< Text, axes, frames and ticks.
inline constexpr rgb white{255, 255, 255};  ///< The default background.
inline constexpr rgb grey{128, 128, 128};  ///< Mid grey (level 128).
inline constexpr rgb light_grey{224, 224, 224};  ///< Plot grid lines.
inline constexpr rgb magenta{255, 0, 255};  ///< NaN pixels in image grids (the default nan_color).
}  // namespace colors

/// Okabe-Ito: blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black.
inline constexpr std::array<rgb, 8> okabe_ito = {{{0x00, 0x72, 0xB2},
                                                  {0xE6, 0x9F, 0x00},
                                                  {0x00, 0x9E, 0x73},
                                                  {0xD5, 0x5E, 0x00},
                                                  {0xCC, 0x79, 0xA7},
                                                  {0x56, 0xB4, 0xE9},
                                                  {0xF0, 0xE4, 0x42},
                                                  {0x00, 0x00, 0x00}}};

/// Colour of the i-th series (cycles after 8).
constexpr rgb palette(std::size_t i) { return okabe_ito[i % okabe_ito.size()]; }

/// The colour as "#RRGGBB" (upper-case hex), as SVG and HTML write it.
LAMINA_INLINE std::string to_hex(rgb c);

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "color-inl.hpp"
#endif
