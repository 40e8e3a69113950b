// lamina::compiled: lamina's optimizers and schedulers, compiled once (see LAMINA_INLINE in core/config.hpp).
#include <lamina/optim/adam-inl.hpp>
#include <lamina/optim/concepts-inl.hpp>
#include <lamina/optim/lr_scheduler-inl.hpp>
#include <lamina/optim/one_cycle_lr-inl.hpp>
#include <lamina/optim/reduce_lr_on_plateau-inl.hpp>
#include <lamina/optim/rmsprop-inl.hpp>
#include <lamina/optim/sgd-inl.hpp>

// Adam and AdamW (declared extern in adam.hpp).
template class lamina::optim::basic_adam<false>;
template class lamina::optim::basic_adam<true>;
