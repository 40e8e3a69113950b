#pragma once
// The precision of the matrix products under autocast (mixed precision, as torch.autocast):
// parameters, their gradients and the optimizer's state stay fp32 ("master weights"); only the
// layers that multiply matrices (Linear, Conv2d, ConvTranspose2d) see their operands rounded.
#include <stdexcept>
#include <string>
#include <string_view>

namespace lamina {

/// The number format a matrix product's operands and results are rounded to.
enum class precision {
  fp32,  ///< IEEE single precision: no rounding (the default)
  bf16,  ///< bfloat16: fp32's 8-bit exponent, 8 significant bits (torch.bfloat16)
  fp16,  ///< IEEE half precision: 5-bit exponent (largest 65504), 11 significant bits (torch.float16)
};

/// "fp32", "bf16" or "fp16".
inline std::string_view to_string(precision p) {
  switch (p) {
    case precision::bf16: return "bf16";
    case precision::fp16: return "fp16";
    default: return "fp32";
  }
}

/// The precision named "fp32", "bf16" or "fp16" (also "float32", "bfloat16", "float16", as
/// torch's dtypes); throws std::invalid_argument naming `what` (an option) otherwise.
inline precision parse_precision(std::string_view name, std::string_view what = "precision") {
  if (name == "fp32" || name == "float32") return precision::fp32;
  if (name == "bf16" || name == "bfloat16") return precision::bf16;
  if (name == "fp16" || name == "float16") return precision::fp16;
  throw std::invalid_argument("lamina: " + std::string(what) + " '" + std::string(name) +
                              "' is not a precision; expected fp32, bf16 or fp16");
}

/// What a layer call needs for autocast: the precision, and scratch memory (owned by the model)
/// for the rounded copies of the layer's input, incoming gradient and parameters.
struct autocast_args {
  precision compute = precision::fp32;  ///< fp32: no autocast
  float* scratch = nullptr;             ///< see Model::autocast; unused for fp32
};

}  // namespace lamina
