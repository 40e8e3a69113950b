#pragma once
// Every optimizer and learning-rate scheduler (lm::optim); this header only includes.

/// @namespace lamina::optim
/// Optimizers (SGD, Adam, AdamW, RMSprop, Adagrad, Adamax, NAdam, Lion), weight averaging
/// (EMA), learning-rate schedulers and gradient clipping, each with torch.optim's semantics
/// and defaults.
#include "adagrad.hpp"
#include "adam.hpp"
#include "adamax.hpp"
#include "clip_grad.hpp"
#include "concepts.hpp"
#include "cyclic_lr.hpp"
#include "ema.hpp"
#include "lion.hpp"
#include "lr_scheduler.hpp"
#include "nadam.hpp"
#include "one_cycle_lr.hpp"
#include "reduce_lr_on_plateau.hpp"
#include "rmsprop.hpp"
#include "scheduler_chain.hpp"
#include "param_groups.hpp"
#include "sgd.hpp"
