// libFuzzer target for lamina::io::read_safetensors.
#include <lamina/io/safetensors.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = lamina_fuzz::as_file(data, size, ".safetensors");
  try {
    const lamina::io::safetensors_file f = lamina::io::read_safetensors(path);
    for (const auto& t : f.tensors)
      if (t.data.size() != t.numel() * lamina::io::dtype_size(t.dtype)) std::abort();
  } catch (const lamina::data::format_error&) {
  }
  return 0;
}
