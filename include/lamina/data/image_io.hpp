#pragma once
// Images in and out: PNG, JPEG and BMP decoded with stb_image, binary PGM/PPM by lamina, to float
// [C, H, W] in [0, 1]; PNG written with stb_image_write (zlib deflate), atomically.
//
//   lm::data::float_image img = lm::data::read_image("cat.png");              // [C, H, W]
//   auto gray = lm::data::read_image("cat.png", {.channels = lm::data::image_channels::gray});
//   lm::data::write_png("out.png", img);                                     // clamped to [0, 1]
//   lm::data::image_folder f = lm::data::read_image_folder("train/");        // ImageFolder-style
//
// Input is hostile. The format is taken from the file's signature (never its name), and only
// PNG, JPEG, BMP and binary PGM/PPM files are decoded; GIF, PSD, HDR, PIC, TGA and others are
// refused by name. Before any pixel is decoded, lamina checks each file's structure itself
// where stb_image is lenient: PNG chunk lengths and CRCs, IHDR fields, IDAT and IEND; JPEG
// segment lengths, the frame header and the end-of-image marker; BMP headers, palette and the
// pixel array against the file size; PGM/PPM header, maxval (1..65535) and raster size (PGM/PPM
// is decoded by lamina, scaled by its maxval). The dimensions are checked against
// image_max_dimension and image_read_options::max_pixels as soon as the header gives them.
// Errors are format_error "<file>: image <field>: <detail>", field `format`, `header` or `data`;
// when stb fails, its reason for this file's format is quoted.
#include <lamina/core/config.hpp>
#include <lamina/data/error.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lamina::data {

/// Channels of the decoded image: `keep` gives the file's own (1 gray, 3 RGB, 4 RGBA; gray+alpha
/// becomes RGBA, so C is always 1, 3 or 4). `gray` from colour is BT.601 luma
/// (0.299 R + 0.587 G + 0.114 B); gray is replicated to RGB; alpha is dropped, or 1 when added.
enum class image_channels : int { keep = 0, gray = 1, rgb = 3, rgba = 4 };

/// Neither side of an image may exceed this (stb_image's own STBI_MAX_DIMENSIONS).
inline constexpr std::uint64_t image_max_dimension = std::uint64_t{1} << 24;

/// Options of read_image() and decode_image().
struct image_read_options {
  image_channels channels = image_channels::keep;  ///< Channels to decode to; keep: the file's own.
  /// Largest width * height accepted (2^28 by default), checked before decoding.
  std::uint64_t max_pixels = std::uint64_t{1} << 28;
};

/// A decoded image: floats [C, H, W], planar, values in [0, 1].
struct float_image {
  /// The shape [C, H, W] of data.
  ///@{
  std::size_t channels = 0, height = 0, width = 0;
  ///@}
  /// The pixels [C, H, W]: one plane per channel, rows top to bottom, values in [0, 1].
  std::vector<float> data;

  /// Number of values: C * H * W.
  std::size_t size() const noexcept { return data.size(); }
  /// The value of channel c at row y, column x (unchecked).
  float at(std::size_t c, std::size_t y, std::size_t x) const { return data[(c * height + y) * width + x]; }
};

/// Decodes an image held in memory; `name` is used in error messages.
LAMINA_INLINE float_image decode_image(std::span<const unsigned char> bytes, const std::filesystem::path& name = "<memory>",
                                       const image_read_options& opt = {});

/// Reads and decodes an image file (PNG, JPEG, BMP or binary PGM/PPM, told by its signature);
/// throws format_error for a missing, unsupported or corrupt file.
LAMINA_INLINE float_image read_image(const std::filesystem::path& file, const image_read_options& opt = {});

/// PNG bytes of a [C, H, W] (C = 1, 2, 3 or 4) float image; values are clamped to [0, 1] and
/// rounded to 8 bits. Throws std::invalid_argument for a bad shape.
LAMINA_INLINE std::vector<unsigned char> encode_png(std::span<const float> chw, std::size_t channels, std::size_t height,
                                                    std::size_t width);

/// Writes a PNG atomically from floats of shape [C, H, W] or [H, W] (gray).
LAMINA_INLINE void write_png(const std::filesystem::path& file, std::span<const float> data, const std::vector<std::size_t>& shape);

/// Writes a float_image as a PNG atomically (values clamped to [0, 1], 8 bits).
LAMINA_INLINE void write_png(const std::filesystem::path& file, const float_image& img);

/// ImageFolder-style listing (torchvision): every sub-folder of `dir` is a class, classes are the
/// sorted sub-folder names and labels their indices; images are found recursively inside each
/// class folder. A folder without sub-folders is one unlabelled set (classes empty, labels 0).
/// Extensions match case-insensitively; files are sorted by path. Nothing is decoded here.
struct image_folder {
  std::vector<std::string> classes;  ///< Class names: the sorted sub-folder names.
  std::vector<std::filesystem::path> files;  ///< The image files, sorted by path within each class.
  /// The class index of each file (all 0 without classes).
  std::vector<std::size_t> labels;

  /// Number of images.
  std::size_t size() const noexcept { return files.size(); }
};

/// The extensions read_image_folder() accepts by default: .png, .jpg, .jpeg, .bmp, .pgm, .ppm
/// and .pnm.
LAMINA_INLINE const std::vector<std::string>& default_image_extensions();

/// Lists `dir` ImageFolder-style (see image_folder), keeping the files with one of
/// `extensions`; throws format_error when `dir` is missing or holds no image.
LAMINA_INLINE image_folder read_image_folder(const std::filesystem::path& dir,
                                             const std::vector<std::string>& extensions = default_image_extensions());

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "image_io-inl.hpp"
#endif
