#pragma once
// lamina::loss: every loss.
#include "classification.hpp"
#include "regression.hpp"
