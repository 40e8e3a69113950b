// lamina::compiled: lamina's training helpers, compiled once (see LAMINA_INLINE in core/config.hpp).
#include <lamina/train/callbacks-inl.hpp>
#include <lamina/train/checkpoint-inl.hpp>
#include <lamina/train/energy-inl.hpp>
#include <lamina/train/energy_sources-inl.hpp>
#include <lamina/train/history-inl.hpp>
#include <lamina/train/lr_finder-inl.hpp>
#include <lamina/train/progress-inl.hpp>
#include <lamina/train/tensorboard_logger-inl.hpp>
#include <lamina/train/trainer-inl.hpp>
