#pragma once
// Every metric of lamina::metrics (each also has its own header).
#include "accuracy.hpp"
#include "classification_report.hpp"
#include "confusion_matrix.hpp"
#include "image_quality.hpp"
#include "psnr.hpp"
#include "ssim.hpp"
