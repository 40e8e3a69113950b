#pragma once
// The umbrella header: includes every part of lamina (each part also has its own header).
// Not included: linalg/linalg.hpp (SVD, PCA), which needs LAPACK at link time: include it and
// link lamina::linalg where it is used.

/// @namespace lamina
/// Networks as types: shapes (Shape), layers, Sequential and Model, with losses (lamina::loss),
/// optimizers and schedulers (lamina::optim) and training (lamina::train) in nested
/// namespaces. The docs spell it `lm::` (namespace lm = lamina;).
/// @namespace lamina::data
/// Datasets (Fashion-MNIST, Olivetti faces, photos, generated balls), loaders that batch and
/// shuffle them, splits, transforms, and image and array files (PNG/JPEG, IDX, NPY).
/// @namespace lamina::io
/// Files: model and checkpoint files (safetensors), JSON, TensorBoard event files, ONNX export,
/// all written atomically.
/// @namespace lamina::io::onnx
/// The ONNX graph a network exports to (lamina::io::export_onnx), one op list per layer.
/// @namespace lamina::init
/// Weight initialisers with torch.nn.init's definitions, applied to a model by name or layer.
/// @namespace lamina::testing
/// Checks for a user's own layers: gradients against finite differences, and the first
/// non-finite value of a tensor.
#include "core/backend.hpp"
#if defined(__CUDACC__)
#include "kernels/cuda/cuda.cuh"  // the CUDA backend (lm::cuda): only when compiled as CUDA (docs/cuda.md)
#endif
#include "core/config.hpp"
#include "core/layer.hpp"
#include "core/model.hpp"
#include "core/rng.hpp"
#include "core/sequential.hpp"
#include "core/shape.hpp"
#include "core/shape_check.hpp"
#include "core/summary.hpp"
#include "core/tensor.hpp"
#include "init/init.hpp"
#include "init/apply.hpp"
#include "layers/activations.hpp"
#include "layers/flatten.hpp"
#include "layers/linear.hpp"
#include "layers/softmax.hpp"
#include "loss/loss.hpp"
#include "optim/optim.hpp"
#include "train/step.hpp"
#include "testing/find_nonfinite.hpp"
#include "testing/gradient_check.hpp"
#include "data/error.hpp"
#include "data/fashion_mnist.hpp"
#include "data/idx.hpp"
#include "data/loader.hpp"
#include "metrics/metrics.hpp"
#include "layers/batch_norm.hpp"
#include "layers/group_norm.hpp"
#include "layers/layer_norm.hpp"
#include "layers/dropout.hpp"
#include "layers/fourier_features.hpp"
#include "layers/pooling.hpp"
#include "layers/adaptive_avg_pool2d.hpp"
#include "layers/upsample.hpp"
#include "layers/residual.hpp"
#include "layers/concat.hpp"
#include "layers/identity.hpp"
#include "layers/conv2d.hpp"
#include "layers/conv_transpose2d.hpp"
#include "io/model_file.hpp"
#include "io/onnx/export.hpp"
#include "train/callbacks.hpp"
#include "train/checkpoint.hpp"
#include "train/history.hpp"
#include "train/progress.hpp"
#include "train/lr_finder.hpp"
#include "train/tensorboard_logger.hpp"
#include "train/trainer.hpp"
#include "train/energy.hpp"
#include "viz/viz.hpp"
#include "data/data_dir.hpp"
#include "data/olivetti.hpp"
#include "data/photos.hpp"
#include "data/patches.hpp"
#include "data/coordinate_grid.hpp"
#include "data/balls.hpp"
#include "data/bouncing_balls.hpp"
#include "data/transforms.hpp"
#include "data/split.hpp"
