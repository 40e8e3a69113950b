#pragma once
// The warnings lamina silences around the stb headers it compiles in (data/detail/stb_image.hpp,
// viz/detail/stb_image_write.hpp, viz/detail/stb_truetype.hpp): stb is C written for its own
// warning level, and a user's -Wall -Wextra -Wconversion should report the user's code only.
//
//   LAMINA_THIRD_PARTY_BEGIN
//   #include <stb/stb_image.h>
//   LAMINA_THIRD_PARTY_END

#if defined(__GNUC__)
#define LAMINA_DETAIL_SILENCE_STB                                     \
  _Pragma("GCC diagnostic push")                                      \
  _Pragma("GCC diagnostic ignored \"-Wunused-function\"")             \
  _Pragma("GCC diagnostic ignored \"-Wunused-parameter\"")            \
  _Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"")  \
  _Pragma("GCC diagnostic ignored \"-Wsign-compare\"")                \
  _Pragma("GCC diagnostic ignored \"-Wconversion\"")                  \
  _Pragma("GCC diagnostic ignored \"-Wold-style-cast\"")              \
  _Pragma("GCC diagnostic ignored \"-Wcast-qual\"")                   \
  _Pragma("GCC diagnostic ignored \"-Wdouble-promotion\"")            \
  _Pragma("GCC diagnostic ignored \"-Wimplicit-fallthrough\"")        \
  _Pragma("GCC diagnostic ignored \"-Wshadow\"")
#if defined(__clang__)
/// Opens the region of an stb include: saves the warning state and silences stb's warnings.
#define LAMINA_THIRD_PARTY_BEGIN LAMINA_DETAIL_SILENCE_STB
#else
/// Opens the region of an stb include: saves the warning state and silences stb's warnings.
#define LAMINA_THIRD_PARTY_BEGIN LAMINA_DETAIL_SILENCE_STB _Pragma("GCC diagnostic ignored \"-Wuseless-cast\"")
#endif
/// Closes it: restores the warning state.
#define LAMINA_THIRD_PARTY_END _Pragma("GCC diagnostic pop")
#else
/// Opens the region of an stb include (no effect on this compiler).
#define LAMINA_THIRD_PARTY_BEGIN
/// Closes it.
#define LAMINA_THIRD_PARTY_END
#endif
