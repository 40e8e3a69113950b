// lamina::compiled: lamina's viz functions, compiled once (see LAMINA_INLINE in core/config.hpp).
#include <lamina/viz/color-inl.hpp>
#include <lamina/viz/grid-inl.hpp>
#include <lamina/viz/image-inl.hpp>
#include <lamina/viz/normalize-inl.hpp>
#include <lamina/viz/plot-inl.hpp>
#include <lamina/viz/plot_png-inl.hpp>
#include <lamina/viz/plot_svg-inl.hpp>
#include <lamina/viz/png-inl.hpp>
#include <lamina/viz/text-inl.hpp>
#include <lamina/viz/ticks-inl.hpp>
