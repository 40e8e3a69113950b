// libFuzzer target for lamina::data::decode_image (PNG, JPEG, BMP, PGM/PPM through stb_image).
// The pixel limit is lowered so that a forged header cannot make one run allocate gigabytes.
#include <lamina/data/image_io.hpp>

#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using lamina::data::image_channels;
  constexpr image_channels modes[] = {image_channels::keep, image_channels::gray, image_channels::rgb,
                                      image_channels::rgba};
  lamina::data::image_read_options opt;
  opt.channels = modes[size % 4];
  opt.max_pixels = std::uint64_t{1} << 18;
  try {
    const lamina::data::float_image img =
        lamina::data::decode_image(std::span<const unsigned char>(data, size), "fuzz.img", opt);
    if (img.data.size() != img.channels * img.height * img.width) std::abort();
    for (float v : img.data)
      if (!(v >= 0.0f && v <= 1.0f)) std::abort();
  } catch (const lamina::data::format_error&) {
  }
  return 0;
}
