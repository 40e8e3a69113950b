// lamina::compiled: lamina's io functions, compiled once (see LAMINA_INLINE in core/config.hpp).
#include <lamina/io/atomic_file-inl.hpp>
#include <lamina/io/json-inl.hpp>
#include <lamina/io/model_file-inl.hpp>
#include <lamina/io/safetensors-inl.hpp>
#include <lamina/io/tensorboard-inl.hpp>
#include <lamina/io/onnx/graph-inl.hpp>
