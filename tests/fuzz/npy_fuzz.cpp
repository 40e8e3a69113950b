// libFuzzer target for lamina::data::parse_npy (memory) and read_npy (file).
#include <lamina/data/npy.hpp>

#include "fuzz_common.hpp"

#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  bool parsed = false;
  std::size_t count = 0;
  try {
    const lamina::data::npy_array a = lamina::data::parse_npy(bytes, "fuzz.npy");
    parsed = true;
    count = a.element_count();
    const std::vector<float> f = a.as_floats();
    if (f.size() != count) std::abort();
  } catch (const lamina::data::format_error&) {
  }
  // The file reader must agree with the memory parser.
  const auto& path = lamina_fuzz::as_file(data, size, ".npy");
  try {
    const lamina::data::npy_array b = lamina::data::read_npy(path);
    if (!parsed || b.element_count() != count) std::abort();
  } catch (const lamina::data::format_error&) {
    if (parsed) std::abort();
  }
  return 0;
}
