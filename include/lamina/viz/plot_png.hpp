#pragma once
// A viz::plot rasterised to a viz::image / PNG at pixel_ratio pixels per user unit: anti-aliased
// lines and markers, crisp axes, text in viz::typeface::standard(). The layout is the one the
// SVG uses.
//
//   lm::viz::image img = lm::viz::render(p);
//   lm::viz::save_png("curves.png", p);    // written atomically
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "../core/config.hpp"
#include "image.hpp"
#include "plot.hpp"
#include "png.hpp"

namespace lamina::viz {

LAMINA_INLINE image render(const plot& p);

LAMINA_INLINE void save_png(const std::filesystem::path& path, const plot& p);

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "plot_png-inl.hpp"
#endif
