// lamina::compiled: lamina's optimizers and schedulers, compiled once (see LAMINA_INLINE in core/config.hpp).
#include <lamina/optim/adagrad.hpp>
#include <lamina/optim/adam.hpp>
#include <lamina/optim/adamax.hpp>
#include <lamina/optim/concepts-inl.hpp>
#include <lamina/optim/lr_scheduler-inl.hpp>
#include <lamina/optim/cyclic_lr-inl.hpp>
#include <lamina/optim/lion.hpp>
#include <lamina/optim/one_cycle_lr-inl.hpp>
#include <lamina/optim/reduce_lr_on_plateau-inl.hpp>
#include <lamina/optim/scheduler_chain-inl.hpp>
#include <lamina/optim/nadam.hpp>
#include <lamina/optim/rmsprop.hpp>
#include <lamina/optim/sgd.hpp>

// The CPU optimizers (declared extern in their headers).
template class lamina::optim::SGD<lamina::cpu>;
template class lamina::optim::basic_adam<false, lamina::cpu>;
template class lamina::optim::basic_adam<true, lamina::cpu>;
template class lamina::optim::RMSprop<lamina::cpu>;
template class lamina::optim::Adagrad<lamina::cpu>;
template class lamina::optim::Adamax<lamina::cpu>;
template class lamina::optim::NAdam<lamina::cpu>;
template class lamina::optim::Lion<lamina::cpu>;
