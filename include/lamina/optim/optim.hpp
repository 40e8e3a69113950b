#pragma once
// Every optimizer and learning-rate scheduler (lm::optim); this header only includes.
#include "adam.hpp"
#include "clip_grad.hpp"
#include "concepts.hpp"
#include "cyclic_lr.hpp"
#include "lr_scheduler.hpp"
#include "one_cycle_lr.hpp"
#include "reduce_lr_on_plateau.hpp"
#include "rmsprop.hpp"
#include "scheduler_chain.hpp"
#include "sgd.hpp"
