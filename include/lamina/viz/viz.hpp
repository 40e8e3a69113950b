#pragma once
// lamina::viz: figures for training reports. Image grids (weights as images, feature maps,
// labelled rows such as clean / noisy / reconstructed) and line plots (two y axes, log scales)
// as PNG and SVG, written atomically. See docs/visualisation.md.
#include "bitmap_font.hpp"
#include "color.hpp"
#include "grid.hpp"
#include "image.hpp"
#include "normalize.hpp"
#include "plot.hpp"
#include "plot_png.hpp"
#include "plot_svg.hpp"
#include "png.hpp"
#include "text.hpp"
#include "ticks.hpp"
