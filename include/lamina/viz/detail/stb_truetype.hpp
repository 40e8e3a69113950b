#pragma once
// stb_truetype (Debian's libstb-dev, <stb/stb_truetype.h>) compiled with internal linkage
// (STBTT_STATIC) into each translation unit that includes lamina/viz header-only, so lamina stays
// header-only and several translation units link without duplicate symbols. With
// lamina::compiled (LAMINA_COMPILED_LIB) only text-inl.hpp includes this file, so stb is compiled
// once, into the library (src/viz.cpp).
//
// stb_truetype trusts the font file it reads: lamina gives it only the installed DejaVu Sans or
// the file $LAMINA_FONT names (viz/text.hpp), never data from a training set.
//
// If the translation unit has already included <stb/stb_truetype.h> itself, lamina uses those
// declarations instead, and the program must define STB_TRUETYPE_IMPLEMENTATION in one
// translation unit, as stb asks.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "../../core/third_party_warnings.hpp"

#ifndef __STB_INCLUDE_STB_TRUETYPE_H__
#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
LAMINA_THIRD_PARTY_BEGIN
#include <stb/stb_truetype.h>
LAMINA_THIRD_PARTY_END
#undef STB_TRUETYPE_IMPLEMENTATION
#endif  // __STB_INCLUDE_STB_TRUETYPE_H__
