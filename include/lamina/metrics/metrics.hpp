#pragma once
// Every metric of lamina::metrics (each also has its own header).

/// @namespace lamina::metrics
/// Evaluation measures with torchmetrics' and scikit-image's definitions: accuracy, confusion
/// matrix and per-class report, PSNR and SSIM.
#include "accuracy.hpp"
#include "classification_report.hpp"
#include "confusion_matrix.hpp"
#include "image_quality.hpp"
#include "psnr.hpp"
#include "ssim.hpp"
