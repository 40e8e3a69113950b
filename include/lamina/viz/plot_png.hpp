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

/// The plot as an image of (width x height) * pixel_ratio pixels; throws std::invalid_argument
/// for an invalid plot (too small, x and y of different lengths, pixel_ratio outside 1..16).
LAMINA_INLINE image render(const plot& p);

/// Renders the plot (render) and writes it to `path` as a PNG, atomically (viz/png.hpp).
LAMINA_INLINE void save_png(const std::filesystem::path& path, const plot& p);

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "plot_png-inl.hpp"
#endif
