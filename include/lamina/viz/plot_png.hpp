#pragma once
// A viz::plot rasterised to a viz::image / PNG: Bresenham lines of the series' width (no
// anti-aliasing, so colours stay exact), markers, and the embedded bitmap font at the plot's
// font_scale. The layout is the one the SVG uses, measured with the bitmap font.
//
//   lm::viz::image img = lm::viz::render(p);
//   lm::viz::save_png("curves.png", p);    // written atomically
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "../core/config.hpp"
#include "bitmap_font.hpp"
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
