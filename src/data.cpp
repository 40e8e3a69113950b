// lamina::compiled: lamina's data functions, compiled once (see LAMINA_INLINE in core/config.hpp).
#include <lamina/data/balls-inl.hpp>
#include <lamina/data/bouncing_balls-inl.hpp>
#include <lamina/data/coordinate_grid-inl.hpp>
#include <lamina/data/error-inl.hpp>
#include <lamina/data/fashion_mnist-inl.hpp>
#include <lamina/data/idx-inl.hpp>
#include <lamina/data/image_io-inl.hpp>
#include <lamina/data/loader-inl.hpp>
#include <lamina/data/npy-inl.hpp>
#include <lamina/data/olivetti-inl.hpp>
#include <lamina/data/patches-inl.hpp>
#include <lamina/data/photos-inl.hpp>
#include <lamina/data/split-inl.hpp>
#include <lamina/data/transforms-inl.hpp>

// The loaders' engines (declared extern template in loader.hpp).
template class lamina::data::detail::batch_engine<lamina::data::detail::classification_source>;
template class lamina::data::detail::batch_engine<lamina::data::detail::regression_source>;
