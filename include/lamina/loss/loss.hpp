#pragma once
// lamina::loss: every loss.

/// @namespace lamina::loss
/// Losses with torch.nn's semantics: each computes the loss of a batch and writes
/// dLoss/dOutput for the model's backward pass.
#include "classification.hpp"
#include "regression.hpp"
