#pragma once
// stb_image_write (Debian's libstb-dev, <stb/stb_image_write.h>) compiled with internal linkage
// (STB_IMAGE_WRITE_STATIC) into each translation unit that includes lamina/viz, so lamina stays
// header-only and several translation units link without duplicate symbols. PNG deflate uses
// zlib (which lamina links already) instead of stb's own, smaller-is-better compressor.
//
// If the translation unit has already included <stb/stb_image_write.h> itself, lamina uses
// those declarations instead, and the program must define STB_IMAGE_WRITE_IMPLEMENTATION in
// one translation unit, as stb asks.
//
// With lamina::compiled (LAMINA_COMPILED_LIB) viz includes this header only from png-inl.hpp, so
// stb is compiled into the library instead of each translation unit. stbiw_zlib_compress stays
// plain `inline` (not LAMINA_INLINE) because more than one library source may include it.
#include <climits>
#include <cstdlib>
#include <cstring>

#include <zlib.h>

#include "../../core/third_party_warnings.hpp"

#ifndef INCLUDE_STB_IMAGE_WRITE_H
namespace lamina::viz::detail {
// stb's STBIW_ZLIB_COMPRESS hook: a zlib stream in memory that stb frees with STBIW_FREE (free).
inline unsigned char* stbiw_zlib_compress(unsigned char* data, int len, int* out_len, int quality) {
  uLongf cap = compressBound(uLong(len));
  auto* out = static_cast<unsigned char*>(std::malloc(cap));
  if (!out) return nullptr;
  const int level = quality < 0 ? Z_DEFAULT_COMPRESSION : quality > 9 ? 9 : quality;
  if (compress2(out, &cap, data, uLong(len), level) != Z_OK || cap > uLongf(INT_MAX)) {
    std::free(out);
    return nullptr;
  }
  *out_len = int(cap);
  return out;
}
}  // namespace lamina::viz::detail

#define STBIW_ZLIB_COMPRESS ::lamina::viz::detail::stbiw_zlib_compress
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
LAMINA_THIRD_PARTY_BEGIN
#include <stb/stb_image_write.h>
LAMINA_THIRD_PARTY_END
#undef STB_IMAGE_WRITE_IMPLEMENTATION
#endif  // INCLUDE_STB_IMAGE_WRITE_H
