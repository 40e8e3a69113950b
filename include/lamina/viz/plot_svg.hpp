#pragma once
// A viz::plot as SVG: crisp lines, text as <text> elements (selectable, searchable), one
// <polyline> per unbroken run of points, classes on every part ("series", "point", "marker",
// "axis x|y|y2", "tick-label", "axis-label", "legend", "title") so the file is easy to restyle.
//
//   std::string svg = lm::viz::to_svg(p);
//   lm::viz::save_svg("curves.svg", p);    // written atomically
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

#include "../core/config.hpp"
#include "../io/atomic_file.hpp"
#include "plot.hpp"

namespace lamina::viz {

/// The plot as an SVG document of width x height user units; throws std::invalid_argument for
/// an invalid plot, as render() does.
LAMINA_INLINE std::string to_svg(const plot& p);

/// Writes to_svg(p) to `path`, atomically (io::write_atomically); throws std::runtime_error
/// naming the file when it cannot be written.
LAMINA_INLINE void save_svg(const std::filesystem::path& path, const plot& p);

}  // namespace lamina::viz

#ifndef LAMINA_COMPILED_LIB
#include "plot_svg-inl.hpp"
#endif
