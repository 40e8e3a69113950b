// lamina::compiled: lamina's metrics, compiled once (see LAMINA_INLINE in core/config.hpp).
#include <lamina/metrics/accuracy-inl.hpp>
#include <lamina/metrics/classification_report-inl.hpp>
#include <lamina/metrics/confusion_matrix-inl.hpp>
#include <lamina/metrics/image_pair-inl.hpp>
#include <lamina/metrics/image_quality-inl.hpp>
#include <lamina/metrics/psnr-inl.hpp>
#include <lamina/metrics/ssim-inl.hpp>
