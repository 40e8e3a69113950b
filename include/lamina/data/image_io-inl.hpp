#pragma once
// Definitions for image_io.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
// stb_image and stb_image_write come in here, so in compiled mode only the library compiles them.
#include <lamina/data/detail/stb_image.hpp>
#include <lamina/data/error.hpp>
#include <lamina/io/atomic_file.hpp>
#include <lamina/viz/detail/stb_image_write.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "image_formats-inl.hpp"
#include "image_io.hpp"

namespace lamina::data {

namespace detail {

LAMINA_INLINE std::string stbi_reason() {
  const char* r = stbi_failure_reason();
  return r ? r : "unknown error";
}

struct stbi_deleter {
  void operator()(void* p) const noexcept { stbi_image_free(p); }
};

LAMINA_INLINE void check_stbi_int(const std::filesystem::path& file, std::size_t size) {
  if (size > static_cast<std::size_t>(INT_MAX))
    throw format_error(file, "image size", std::to_string(size) + " bytes, expected at most 2^31 - 1 (stb_image's limit)");
}


}  // namespace detail

LAMINA_INLINE float_image decode_image(std::span<const unsigned char> bytes, const std::filesystem::path& name,
                                       const image_read_options& opt) {
  int req = static_cast<int>(opt.channels);
  if (req != 0 && req != 1 && req != 3 && req != 4)
    throw std::invalid_argument("decode_image: channels must be keep, gray, rgb or rgba");
  if (bytes.empty())
    throw format_error(name, "image format", "file is empty, expected a PNG, JPEG, BMP or binary PGM/PPM image");
  detail::check_stbi_int(name, bytes.size());
  const detail::image_kind kind = detail::sniff_image(bytes, name);
  // Each format's header and structure are checked before anything is decoded; each check
  // applies the dimension limits as soon as it knows the dimensions.
  const detail::image_header h = kind == detail::image_kind::png    ? detail::png_header(bytes, name, opt)
                                 : kind == detail::image_kind::jpeg ? detail::jpeg_header(bytes, name, opt)
                                 : kind == detail::image_kind::bmp  ? detail::bmp_header(bytes, name, opt)
                                                                    : detail::pnm_header(bytes, name, opt);
  float_image out;
  out.height = static_cast<std::size_t>(h.height);
  out.width = static_cast<std::size_t>(h.width);
  if (kind == detail::image_kind::pnm) {
    out.channels = req == 0 ? h.channels : static_cast<std::size_t>(req);
    detail::pnm_decode(bytes, name, h, out);
    return out;
  }
  // stb decodes at the file's own channel count; the conversion is lamina's, in float. stb
  // dispatches on the same signatures, so its failure reason is that of this file's format.
  const int len = static_cast<int>(bytes.size());
  int w2 = 0, h2 = 0, src_c = 0;
  std::unique_ptr<void, detail::stbi_deleter> pix(
      h.sixteen ? static_cast<void*>(stbi_load_16_from_memory(bytes.data(), len, &w2, &h2, &src_c, 0))
                : static_cast<void*>(stbi_load_from_memory(bytes.data(), len, &w2, &h2, &src_c, 0)));
  if (!pix)
    throw format_error(name, "image data",
                       std::string("cannot decode the ") + h.format + " data (stb_image: " + detail::stbi_reason() + ")");
  if (std::uint64_t(w2) != h.width || std::uint64_t(h2) != h.height || src_c < 1 || src_c > 4)
    throw format_error(name, "image data",
                       std::string("stb_image decoded ") + std::to_string(w2) + "x" + std::to_string(h2) + " with " +
                           std::to_string(src_c) + " channels, expected the header's " + std::to_string(h.width) + "x" +
                           std::to_string(h.height) + " with 1 to 4 channels");
  if (req == 0) req = src_c == 2 ? 4 : src_c;  // gray + alpha -> RGBA
  out.channels = static_cast<std::size_t>(req);
  const auto sc = static_cast<std::size_t>(src_c);
  if (h.sixteen) {
    const auto* p16 = static_cast<const std::uint16_t*>(pix.get());
    detail::image_to_planar(out, sc, [&](std::size_t i) { return static_cast<float>(p16[i]) / 65535.0f; });
  } else {
    const auto* p8 = static_cast<const unsigned char*>(pix.get());  // u / 255.0f exactly, like as_unit_floats
    detail::image_to_planar(out, sc, [&](std::size_t i) { return static_cast<float>(p8[i]) / 255.0f; });
  }
  return out;
}

namespace detail {

struct image_file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

LAMINA_INLINE std::vector<unsigned char> read_whole_file(const std::filesystem::path& file) {
  std::error_code ec;
  const auto st = std::filesystem::status(file, ec);
  if (!ec && std::filesystem::is_directory(st)) throw format_error(file, "cannot open", std::strerror(EISDIR));
  // Checked before fopen(), which would block on a FIFO.
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw format_error(file, "cannot open", "not a regular file");
  errno = 0;
  std::unique_ptr<std::FILE, image_file_closer> fp(std::fopen(file.string().c_str(), "rb"));
  if (!fp) throw format_error(file, "cannot open", errno ? std::strerror(errno) : "unknown error");
  const std::uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) throw format_error(file, "cannot read size", ec.message());
  check_stbi_int(file, static_cast<std::size_t>(std::min<std::uint64_t>(size, std::uint64_t{1} << 40)));
  std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
  if (std::fread(bytes.data(), 1, bytes.size(), fp.get()) != bytes.size())
    throw format_error(file, "read error", "the file ended early (changed while reading?)");
  return bytes;
}

}  // namespace detail

LAMINA_INLINE float_image read_image(const std::filesystem::path& file, const image_read_options& opt) {
  const std::vector<unsigned char> bytes = detail::read_whole_file(file);
  return decode_image(bytes, file, opt);
}

LAMINA_INLINE std::vector<unsigned char> encode_png(std::span<const float> chw, std::size_t channels, std::size_t height,
                                                    std::size_t width) {
  if (channels < 1 || channels > 4 || height == 0 || width == 0 || height > INT_MAX / 4 ||
      width > INT_MAX / 4 / channels)
    throw std::invalid_argument("encode_png: shape [" + std::to_string(channels) + ", " + std::to_string(height) + ", " +
                                std::to_string(width) + "] is not an image (C in 1..4, H and W > 0)");
  const std::size_t hw = height * width;
  if (chw.size() != channels * hw)
    throw std::invalid_argument("encode_png: " + std::to_string(chw.size()) + " values for shape [" +
                                std::to_string(channels) + ", " + std::to_string(height) + ", " + std::to_string(width) + "]");
  std::vector<unsigned char> hwc(chw.size());
  for (std::size_t k = 0; k < channels; ++k)
    for (std::size_t i = 0; i < hw; ++i) {
      float v = chw[k * hw + i];
      v = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;  // NaN -> 0
      hwc[i * channels + k] = static_cast<unsigned char>(v * 255.0f + 0.5f);
    }
  std::vector<unsigned char> out;
  auto append = [](void* ctx, void* data, int size) {
    auto* o = static_cast<std::vector<unsigned char>*>(ctx);
    const auto* p = static_cast<const unsigned char*>(data);
    o->insert(o->end(), p, p + size);
  };
  if (!stbi_write_png_to_func(append, &out, int(width), int(height), int(channels), hwc.data(), int(width * channels)))
    throw std::runtime_error("encode_png: stb_image_write failed for a " + std::to_string(width) + "x" +
                             std::to_string(height) + " image");
  return out;
}

LAMINA_INLINE void write_png(const std::filesystem::path& file, std::span<const float> data, const std::vector<std::size_t>& shape) {
  if (shape.size() != 2 && shape.size() != 3)
    throw std::invalid_argument("write_png: " + file.string() + ": shape must be [C, H, W] or [H, W], got rank " +
                                std::to_string(shape.size()));
  const std::vector<unsigned char> png = shape.size() == 3 ? encode_png(data, shape[0], shape[1], shape[2])
                                                           : encode_png(data, 1, shape[0], shape[1]);
  io::write_atomically(file, [&](std::ostream& out) {
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
  });
}

LAMINA_INLINE void write_png(const std::filesystem::path& file, const float_image& img) {
  write_png(file, img.data, {img.channels, img.height, img.width});
}

LAMINA_INLINE const std::vector<std::string>& default_image_extensions() {
  static const std::vector<std::string> ext = {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".pnm"};
  return ext;
}

LAMINA_INLINE image_folder read_image_folder(const std::filesystem::path& dir,
                                             const std::vector<std::string>& extensions) {
  namespace fs = std::filesystem;
  auto lower = [](std::string s) {
    for (char& ch : s) ch = (ch >= 'A' && ch <= 'Z') ? char(ch - 'A' + 'a') : ch;
    return s;
  };
  std::vector<std::string> exts;
  for (const auto& e : extensions) exts.push_back(lower(e.empty() || e[0] == '.' ? e : "." + e));
  auto is_image = [&](const fs::directory_entry& e) {
    std::error_code ec;
    if (!e.is_regular_file(ec)) return false;
    const std::string x = lower(e.path().extension().string());
    return std::find(exts.begin(), exts.end(), x) != exts.end();
  };
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw format_error(dir, "cannot open", fs::exists(dir, ec) ? "not a directory" : std::strerror(ENOENT));

  image_folder out;
  std::vector<fs::path> class_dirs;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec)) class_dirs.push_back(e.path());
  if (ec) throw format_error(dir, "cannot list", ec.message());
  std::sort(class_dirs.begin(), class_dirs.end());

  auto collect = [&](const fs::path& root, bool recursive, std::size_t label) {
    std::vector<fs::path> found;
    std::error_code lec;
    if (recursive) {
      for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, lec);
           !lec && it != fs::recursive_directory_iterator(); it.increment(lec))
        if (is_image(*it)) found.push_back(it->path());
    } else {
      for (const auto& e : fs::directory_iterator(root, lec))
        if (is_image(e)) found.push_back(e.path());
    }
    if (lec) throw format_error(root, "cannot list", lec.message());
    std::sort(found.begin(), found.end());
    for (auto& f : found) {
      out.files.push_back(std::move(f));
      out.labels.push_back(label);
    }
  };
  if (class_dirs.empty()) {
    collect(dir, false, 0);
  } else {
    for (std::size_t i = 0; i < class_dirs.size(); ++i) {
      out.classes.push_back(class_dirs[i].filename().string());
      collect(class_dirs[i], true, i);
    }
  }
  if (out.files.empty()) {
    std::string list;
    for (const auto& e : exts) list += (list.empty() ? "" : ", ") + e;
    throw format_error(dir, "image folder", "no image files found (extensions " + list + ")");
  }
  return out;
}

}  // namespace lamina::data
