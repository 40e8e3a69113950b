// lamina::compiled: lamina's core functions, compiled once (see LAMINA_INLINE in core/config.hpp).
#include <lamina/core/summary-inl.hpp>
