#pragma once
// lamina::viz: figures for training reports. Image grids (weights as images, feature maps,
// labelled rows such as clean / noisy / reconstructed) and line plots (two y axes, log scales)
// as PNG and SVG, written atomically. See docs/visualisation.md.
/// @namespace lamina::viz
/// Figures for training reports: image grids of tensors (weights, feature maps, labelled rows)
/// and line plots with two y axes and log scales, saved as PNG (save_png) or SVG (save_svg).
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
