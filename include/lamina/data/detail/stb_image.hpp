#pragma once
// stb_image (Debian's libstb-dev, <stb/stb_image.h>) compiled with internal linkage
// (STB_IMAGE_STATIC) into each translation unit that includes lamina/data/image_io.hpp, so
// lamina stays header-only and several translation units link without duplicate symbols.
// Only the decoders lamina documents are compiled in (PNG, JPEG, BMP, PNM): less code that sees
// hostile bytes, and stb's GIF/PSD/TGA/HDR/PIC decoders have the worst history of memory bugs.
// With lamina::compiled (LAMINA_COMPILED_LIB) only image_io-inl.hpp includes this file, so stb
// is compiled once, into the library (src/data.cpp), still with internal linkage.
//
// If the translation unit has already included <stb/stb_image.h> itself, lamina uses those
// declarations instead, and the program must define STB_IMAGE_IMPLEMENTATION in one
// translation unit, as stb asks.
#include "../../core/third_party_warnings.hpp"

#ifndef STBI_INCLUDE_STB_IMAGE_H
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_PNM
LAMINA_THIRD_PARTY_BEGIN
#include <stb/stb_image.h>
LAMINA_THIRD_PARTY_END
#undef STB_IMAGE_IMPLEMENTATION
#undef STBI_ONLY_PNG
#undef STBI_ONLY_JPEG
#undef STBI_ONLY_BMP
#undef STBI_ONLY_PNM
#endif
