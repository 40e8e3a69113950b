// libFuzzer target for lamina::data::read_idx / read_idx_u8 (raw and gzip IDX files).
#include <lamina/data/idx.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = lamina_fuzz::as_file(data, size, ".idx");
  try {
    const lamina::data::idx_array a = lamina::data::read_idx(path);
    if (a.type_code == 0x0D) (void)a.as<float>();
  } catch (const lamina::data::format_error&) {
  }
  try {
    (void)lamina::data::read_idx_u8(path, 3);
  } catch (const lamina::data::format_error&) {
  }
  return 0;
}
