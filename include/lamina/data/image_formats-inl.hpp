// Definitions for image_io.hpp: what each image format lamina reads must look like, checked on
// the file's bytes before anything is decoded (PNG chunks and CRCs, JPEG markers and tables, BMP
// headers and palette, the size limit), the signature sniffing, and lamina's own PGM/PPM decoder.
// Included by image_io-inl.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
// Not #pragma once: image_io.hpp (header-only) includes image_io-inl.hpp, which includes this
// file again; that inner inclusion, with image_io.hpp's types declared, compiles the body below,
// before decode_image needs it, whichever of the three files a program includes first.
#include "image_io.hpp"
#ifndef LAMINA_DATA_IMAGE_FORMATS_INL_BODY
#define LAMINA_DATA_IMAGE_FORMATS_INL_BODY

namespace lamina::data::detail {

// Everything decode_image learns from a file before decoding its pixels.
struct image_header {
  const char* format = "";  // "PNG", "JPEG", "BMP", "PGM", "PPM"
  std::uint64_t width = 0, height = 0;
  bool sixteen = false;          // 16-bit PNG samples
  std::size_t channels = 0;      // PNM only (stb reports its own formats' channels)
  std::uint32_t maxval = 0;      // PNM only
  std::size_t raster_offset = 0; // PNM only
};

LAMINA_INLINE std::uint32_t image_be32(std::span<const unsigned char> b, std::size_t i) noexcept {
  return (std::uint32_t{b[i]} << 24) | (std::uint32_t{b[i + 1]} << 16) | (std::uint32_t{b[i + 2]} << 8) | b[i + 3];
}
LAMINA_INLINE std::uint32_t image_le32(std::span<const unsigned char> b, std::size_t i) noexcept {
  return std::uint32_t{b[i]} | (std::uint32_t{b[i + 1]} << 8) | (std::uint32_t{b[i + 2]} << 16) | (std::uint32_t{b[i + 3]} << 24);
}
LAMINA_INLINE std::uint32_t image_le16(std::span<const unsigned char> b, std::size_t i) noexcept {
  return std::uint32_t{b[i]} | (std::uint32_t{b[i + 1]} << 8);
}

// "89 50 4e 47" and, when printable, the ASCII text: how untrusted bytes appear in messages.
LAMINA_INLINE std::string image_bytes_string(std::span<const unsigned char> b, std::size_t from, std::size_t count) {
  constexpr char hex[] = "0123456789abcdef";
  std::string h, text;
  bool printable = true;
  for (std::size_t i = from; i < std::min(b.size(), from + count); ++i) {
    if (!h.empty()) h += ' ';
    h += hex[b[i] >> 4];
    h += hex[b[i] & 15];
    if (b[i] >= 0x20 && b[i] < 0x7f) text += static_cast<char>(b[i]);
    else printable = false;
  }
  return printable && !text.empty() ? h + " (\"" + text + "\")" : h;
}

// The limits checked as soon as a header has given the dimensions, before any pixel is read.
LAMINA_INLINE void check_image_dimensions(const std::filesystem::path& name, const image_header& h,
                                          const image_read_options& opt) {
  if (h.width == 0 || h.height == 0)
    throw format_error(name, "image header",
                       std::string(h.format) + " dimensions " + std::to_string(h.width) + "x" + std::to_string(h.height) +
                           ", expected width and height >= 1");
  if (h.width > image_max_dimension || h.height > image_max_dimension)
    throw format_error(name, "image header",
                       std::string(h.format) + " dimensions " + std::to_string(h.width) + "x" + std::to_string(h.height) +
                           " exceed the limit of " + std::to_string(image_max_dimension) + " (2^24) per side");
  const std::uint64_t pixels = h.width * h.height;  // < 2^48
  if (pixels > opt.max_pixels)
    throw format_error(name, "image header",
                       std::to_string(h.width) + "x" + std::to_string(h.height) + " = " + std::to_string(pixels) +
                           " pixels exceeds the limit of " + std::to_string(opt.max_pixels) +
                           " (image_read_options::max_pixels)");
}

// ---- PNG: the chunk structure, every CRC, and the IHDR fields ------------------------------

LAMINA_INLINE std::uint32_t png_crc32(const unsigned char* p, std::size_t n) noexcept {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

LAMINA_INLINE image_header png_header(std::span<const unsigned char> b, const std::filesystem::path& name,
                                      const image_read_options& opt) {
  image_header h;
  h.format = "PNG";
  const std::size_t n = b.size();
  auto fail = [&](const char* field, const std::string& detail) { throw format_error(name, field, detail); };
  bool seen_plte = false, seen_idat = false, idat_done = false;
  unsigned color_type = 0;
  std::size_t i = 8;
  for (std::size_t index = 0;; ++index) {
    if (n - i < 12)
      fail(index == 0 ? "image header" : "image data",
           "truncated PNG: the file ends at byte " + std::to_string(n) + ", inside the header of chunk " +
               std::to_string(index) + " at byte " + std::to_string(i) +
               " (expected 12 bytes of length, type and CRC, and chunks up to IEND)");
    const std::uint32_t len = image_be32(b, i);
    std::string type(reinterpret_cast<const char*>(b.data() + i + 4), 4);
    for (char c : type)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
        fail("image data", "PNG chunk " + std::to_string(index) + " at byte " + std::to_string(i) + " has type bytes " +
                               image_bytes_string(b, i + 4, 4) + ", expected 4 ASCII letters (corrupt file)");
    const std::string chunk = "chunk '" + type + "' at byte " + std::to_string(i);
    if (len > 0x7FFFFFFFu)
      fail("image data", "PNG " + chunk + " declares " + std::to_string(len) + " data bytes, expected at most 2^31 - 1");
    if (n - i - 12 < len)
      fail(index == 0 ? "image header" : "image data",
           "truncated PNG: " + chunk + " declares " + std::to_string(len) + " data bytes and a 4-byte CRC, the file has only " +
               std::to_string(n - i - 8) + " bytes after the chunk's type");
    const std::uint32_t stored = image_be32(b, i + 8 + len), crc = png_crc32(b.data() + i + 4, std::size_t{len} + 4);
    if (stored != crc) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "CRC 0x%08x, expected 0x%08x", static_cast<unsigned>(stored), static_cast<unsigned>(crc));
      fail("image data", "PNG " + chunk + ": " + buf + " (the chunk is corrupt)");
    }
    const std::size_t d = i + 8;  // the chunk's data
    if (index == 0) {
      if (type != "IHDR" || len != 13)
        fail("image header", "the first PNG chunk is '" + type + "' of " + std::to_string(len) +
                                 " bytes, expected 'IHDR' of 13 bytes");
      h.width = image_be32(b, d);
      h.height = image_be32(b, d + 4);
      const unsigned depth = b[d + 8];
      color_type = b[d + 9];
      if (h.width > 0x7FFFFFFFu || h.height > 0x7FFFFFFFu)
        fail("image header", "PNG IHDR width/height " + std::to_string(h.width) + "x" + std::to_string(h.height) +
                                 ", expected at most 2^31 - 1 each");
      check_image_dimensions(name, h, opt);
      bool depth_ok = false;
      switch (color_type) {
        case 0: depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16; break;
        case 3: depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8; break;
        case 2: case 4: case 6: depth_ok = depth == 8 || depth == 16; break;
        default:
          fail("image header", "PNG IHDR colour type " + std::to_string(color_type) + ", expected 0, 2, 3, 4 or 6");
      }
      if (!depth_ok)
        fail("image header", "PNG IHDR bit depth " + std::to_string(depth) + " is not allowed for colour type " +
                                 std::to_string(color_type) + " (expected 1, 2, 4, 8 or 16 as the PNG standard lists)");
      if (b[d + 10] != 0 || b[d + 11] != 0)
        fail("image header", "PNG IHDR compression method " + std::to_string(b[d + 10]) + " and filter method " +
                                 std::to_string(b[d + 11]) + ", expected 0 and 0");
      if (b[d + 12] > 1)
        fail("image header", "PNG IHDR interlace method " + std::to_string(b[d + 12]) + ", expected 0 or 1");
      h.sixteen = depth == 16;
    } else if (type == "IHDR") {
      fail("image data", "PNG " + chunk + ": a second IHDR, expected exactly one, first");
    } else if (type == "IDAT") {
      if (idat_done) fail("image data", "PNG " + chunk + ": IDAT chunks must be consecutive, expected no other chunk between them");
      seen_idat = true;
    } else {
      if (seen_idat) idat_done = true;
      if (type == "PLTE") seen_plte = true;
      if (type == "IEND") {
        if (!seen_idat) fail("image data", "PNG " + chunk + ": IEND before any IDAT, expected the image data first");
        break;  // bytes after IEND are ignored, as libpng does
      }
    }
    i += 12 + std::size_t{len};
  }
  if (color_type == 3 && !seen_plte)
    fail("image data", "PNG colour type 3 (palette) without a PLTE chunk, expected one before IDAT");
  return h;
}

// ---- JPEG: the marker structure, the frame header and the Huffman tables --------------------

// Walks the markers the way stb_image does (fill bytes, garbage between segments, entropy-coded
// data up to the next real marker) and checks that every segment fits the file, that a frame
// header (SOF) gives the dimensions, and that the end-of-image marker is there: stb would pad a
// truncated scan with zeros. It also rejects what stb 2.27 (Debian 12's libstb) mishandles: a
// DHT segment whose 16 code counts sum to over 256 writes past its Huffman tables (fixed upstream
// in 2.28), and a scan that uses a Huffman or quantization table no DHT/DQT segment defined
// makes stb decode with uninitialised tables (reading out of bounds).
LAMINA_INLINE image_header jpeg_header(std::span<const unsigned char> b, const std::filesystem::path& name,
                                       const image_read_options& opt) {
  image_header h;
  h.format = "JPEG";
  const std::size_t n = b.size();
  auto fail = [&](const char* field, const std::string& detail) { throw format_error(name, field, detail); };
  auto hex2 = [](unsigned m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "FF%02X", m);
    return std::string(buf);
  };
  bool have_sof = false, in_scan = false, progressive = false;
  std::size_t scan_at = 0;
  bool huffman_defined[2][4] = {}, quant_defined[4] = {};  // [DC, AC][table]; [table]
  struct frame_component {
    unsigned id, quant;
  };
  frame_component comps[4] = {};
  std::size_t ncomps = 0;
  std::size_t i = 2;
  for (;;) {
    if (in_scan) {  // entropy-coded data: FF 00 is a stuffed byte, FF D0..D7 a restart marker
      while (i < n) {
        if (b[i] != 0xFF || i + 1 >= n) { ++i; continue; }
        const unsigned x = b[i + 1];
        if (x == 0x00 || (x >= 0xD0 && x <= 0xD7) || x == 0xFF) { ++i; continue; }
        break;
      }
      in_scan = false;
    }
    while (i < n && b[i] != 0xFF) ++i;  // stb skips garbage between segments
    while (i < n && b[i] == 0xFF) ++i;  // fill bytes
    if (i >= n)
      fail("image data", "truncated JPEG: the file ends at byte " + std::to_string(n) +
                             (scan_at ? " in the scan that starts at byte " + std::to_string(scan_at) : std::string()) +
                             " without the end-of-image marker FFD9, expected it last");
    const std::size_t at = i - 1;
    const unsigned m = b[i++];
    if (m == 0xD9) break;                                              // EOI
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // no length
    if (n - i < 2)
      fail("image data", "truncated JPEG: the file ends inside the length of segment " + hex2(m) + " at byte " +
                             std::to_string(at));
    const std::size_t len = (std::size_t{b[i]} << 8) | b[i + 1];
    if (len < 2) fail("image data", "JPEG segment " + hex2(m) + " at byte " + std::to_string(at) + " has length " +
                                        std::to_string(len) + ", expected at least 2");
    if (len > n - i)
      fail(have_sof ? "image data" : "image header",
           "truncated JPEG: segment " + hex2(m) + " at byte " + std::to_string(at) + " declares " + std::to_string(len) +
               " bytes, the file has only " + std::to_string(n - i) + " after its marker");
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof && !have_sof) {
      if (len < 8)
        fail("image header", "JPEG frame header " + hex2(m) + " at byte " + std::to_string(at) + " has length " +
                                 std::to_string(len) + ", expected at least 8");
      h.height = (std::uint64_t{b[i + 3]} << 8) | b[i + 4];
      h.width = (std::uint64_t{b[i + 5]} << 8) | b[i + 6];
      if (h.height == 0)
        fail("image header", "JPEG frame header height 0 (set later by a DNL marker), expected >= 1 (not supported)");
      check_image_dimensions(name, h, opt);
      have_sof = true;
      progressive = m == 0xC2;
      const std::size_t nc = b[i + 7];
      for (std::size_t k = 0; k < nc && k < 4 && 8 + 3 * k + 2 < len; ++k)
        comps[ncomps++] = {b[i + 8 + 3 * k], b[i + 10 + 3 * k]};
    }
    if (m == 0xDB) {  // DQT: tables of 64 8-bit or 16-bit values
      std::size_t p = i + 2, left = len - 2;
      while (left > 0) {
        const unsigned pq = b[p] >> 4, tq = b[p] & 15u;
        const std::size_t size = pq ? 129 : 65;
        if (size > left) break;  // stb reports the bad length
        if (tq < 4) quant_defined[tq] = true;
        p += size;
        left -= size;
      }
    }
    if (m == 0xC4) {
      long left = static_cast<long>(len) - 2;
      std::size_t p = i + 2;
      while (left > 0 && p < n) {
        unsigned count = 0;
        for (std::size_t k = 1; k <= 16; ++k) count += p + k < n ? b[p + k] : 0u;
        if (count > 256)
          fail("image data", "corrupt JPEG: Huffman table (DHT) at byte " + std::to_string(at) + " declares " +
                                 std::to_string(count) + " codes, at most 256 are possible");
        const unsigned tc = b[p] >> 4, th = b[p] & 15u;
        if (tc < 2 && th < 4 && static_cast<long>(17 + count) <= left) huffman_defined[tc][th] = true;
        p += 17 + count;
        left -= static_cast<long>(17 + count);
      }
    }
    if (m == 0xDA) {
      if (!have_sof)
        fail("image header", "JPEG scan (SOS) at byte " + std::to_string(at) + " before any frame header (SOF), expected SOF first");
      // Which tables the scan's components use: both in a sequential scan; in a progressive one
      // the DC table for a first DC scan, the AC table for an AC scan, none for DC refinement.
      if (len < 3)
        fail("image header", "JPEG scan (SOS) at byte " + std::to_string(at) + " has length " + std::to_string(len) +
                                 ", expected at least 3 (the component count)");
      const std::size_t ns = b[i + 2];
      if (len >= 6 + 2 * ns) {
        const unsigned ss = b[i + 3 + 2 * ns], ah = b[i + 5 + 2 * ns] >> 4;
        const bool need_dc = !progressive || (ss == 0 && ah == 0), need_ac = !progressive || ss != 0;
        for (std::size_t k = 0; k < ns; ++k) {
          const unsigned cid = b[i + 3 + 2 * k], sel = b[i + 4 + 2 * k], dc = sel >> 4, ac = sel & 15u;
          const std::string who = "JPEG scan at byte " + std::to_string(at) + ": component " + std::to_string(cid);
          if (need_dc && dc < 4 && !huffman_defined[0][dc])
            fail("image data", who + " uses DC Huffman table " + std::to_string(dc) +
                                   ", expected a DHT segment defining it before the scan");
          if (need_ac && ac < 4 && !huffman_defined[1][ac])
            fail("image data", who + " uses AC Huffman table " + std::to_string(ac) +
                                   ", expected a DHT segment defining it before the scan");
          for (std::size_t c = 0; c < ncomps; ++c)
            if (comps[c].id == cid && comps[c].quant < 4 && !quant_defined[comps[c].quant])
              fail("image data", who + " uses quantization table " + std::to_string(comps[c].quant) +
                                     ", expected a DQT segment defining it before the scan");
        }
      }
      in_scan = true;
      scan_at = at;
    }
    i += len;
  }
  if (!have_sof) fail("image header", "JPEG without a frame header (SOF), expected one before the end-of-image marker");
  return h;
}

// ---- BMP: the headers, the palette, and the pixel array against the file size ---------------
// Mirrors what stb_image 2.27 reads (its header sizes, bit depths and compressions), so that the
// bytes it decodes are all in the file: stb reads zeros past the end and palette entries past
// the palette it read (uninitialised memory) without complaint.
LAMINA_INLINE image_header bmp_header(std::span<const unsigned char> b, const std::filesystem::path& name,
                                      const image_read_options& opt) {
  image_header h;
  h.format = "BMP";
  const std::size_t n = b.size();
  auto fail = [&](const char* field, const std::string& detail) { throw format_error(name, field, detail); };
  if (n < 18) fail("image header", "truncated BMP: " + std::to_string(n) + " bytes, expected at least 18 (file header and DIB header size)");
  const std::uint32_t offset = image_le32(b, 10), hsz = image_le32(b, 14);
  if (hsz != 12 && hsz != 40 && hsz != 56 && hsz != 108 && hsz != 124)
    fail("image header", "BMP DIB header size " + std::to_string(hsz) + ", expected 12, 40, 56, 108 or 124");
  if (n < 14 + hsz)
    fail("image header", "truncated BMP: the " + std::to_string(hsz) + "-byte DIB header needs " + std::to_string(14 + hsz) +
                             " bytes, the file has " + std::to_string(n));
  std::int64_t w = 0, hh = 0;
  std::uint32_t planes = 0, bpp = 0, compression = 0;
  if (hsz == 12) {
    w = image_le16(b, 18);
    hh = image_le16(b, 20);
    planes = image_le16(b, 22);
    bpp = image_le16(b, 24);
  } else {
    w = static_cast<std::int32_t>(image_le32(b, 18));
    hh = static_cast<std::int32_t>(image_le32(b, 22));
    planes = image_le16(b, 26);
    bpp = image_le16(b, 28);
    compression = image_le32(b, 30);
  }
  if (w <= 0) fail("image header", "BMP width " + std::to_string(w) + ", expected >= 1");
  if (hh == 0 || hh == INT32_MIN) fail("image header", "BMP height " + std::to_string(hh) + ", expected non-zero (negative: top-down)");
  h.width = static_cast<std::uint64_t>(w);
  h.height = static_cast<std::uint64_t>(hh < 0 ? -hh : hh);
  if (planes != 1) fail("image header", "BMP colour planes " + std::to_string(planes) + ", expected 1");
  if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
    fail("image header", "BMP bits per pixel " + std::to_string(bpp) + ", expected 1, 4, 8, 16, 24 or 32");
  if (hsz == 12 && bpp != 1 && bpp != 4 && bpp != 8 && bpp != 24)
    fail("image header", "BMP bits per pixel " + std::to_string(bpp) + " in a 12-byte (OS/2) header, expected 1, 4, 8 or 24");
  if (compression != 0 && compression != 3)
    fail("image header", "BMP compression " + std::to_string(compression) +
                             (compression == 1 || compression == 2 ? " (RLE)" : compression == 4 || compression == 5 ? " (embedded JPEG/PNG)" : "") +
                             " is not supported, expected 0 (none) or 3 (bit fields)");
  if (compression == 3 && bpp != 16 && bpp != 32)
    fail("image header", "BMP bit-field compression with " + std::to_string(bpp) + " bits per pixel, expected 16 or 32");
  check_image_dimensions(name, h, opt);
  // Where the headers end and the pixels start, as stb computes it.
  std::uint64_t headers_end = 14 + std::uint64_t{hsz};
  if ((hsz == 40 || hsz == 56) && compression == 3) headers_end += 12;  // the three masks
  if (headers_end > n)
    fail("image header", "truncated BMP: the bit-field masks end at byte " + std::to_string(headers_end) + ", the file has " +
                             std::to_string(n) + " bytes");
  std::uint64_t palette = 0;  // entries stb reads
  if (bpp < 16 || (hsz == 12 && bpp < 24)) {
    const std::uint64_t entry = hsz == 12 ? 3 : 4;
    const std::uint64_t base = hsz == 12 ? 14 + 24 : headers_end;  // stb 2.27's arithmetic for OS/2 headers
    if (offset < base + entry)
      fail("image header", "BMP pixel data offset " + std::to_string(offset) + " leaves no room for the palette of a " +
                               std::to_string(bpp) + "-bit image, expected at least " + std::to_string(base + entry));
    palette = (offset - base) / entry;
    if (palette > 256)
      fail("image header", "BMP palette of " + std::to_string(palette) + " entries (from the pixel data offset " +
                               std::to_string(offset) + "), expected 1..256");
  } else if (offset != headers_end) {
    fail("image header", "BMP pixel data offset " + std::to_string(offset) + ", expected " + std::to_string(headers_end) +
                             " (right after the headers, for a " + std::to_string(bpp) + "-bit image)");
  }
  const std::uint64_t row = (h.width * bpp + 31) / 32 * 4;
  const std::uint64_t need = std::uint64_t{offset} + row * h.height;
  if (need > n)
    fail("image data", "truncated BMP: " + std::to_string(h.height) + " rows of " + std::to_string(row) +
                           " bytes from the pixel data offset " + std::to_string(offset) + " end at byte " + std::to_string(need) +
                           ", the file has " + std::to_string(n) + " bytes");
  if (palette != 0 && palette < (std::uint64_t{1} << bpp)) {  // every index must name an entry that was read
    for (std::uint64_t y = 0; y < h.height; ++y) {
      const std::size_t r = static_cast<std::size_t>(offset + y * row);
      for (std::uint64_t x = 0; x < h.width; ++x) {
        unsigned v;
        if (bpp == 8) v = b[r + x];
        else if (bpp == 4) v = (b[r + x / 2] >> (x % 2 ? 0 : 4)) & 15u;
        else v = (b[r + x / 8] >> (7 - x % 8)) & 1u;
        if (v >= palette)
          fail("image data", "BMP palette index " + std::to_string(v) + " at pixel (" + std::to_string(x) + ", row " +
                                 std::to_string(y) + " in file order), expected < " + std::to_string(palette) +
                                 " (the palette's size)");
      }
    }
  }
  return h;
}

// ---- PGM/PPM (binary PNM): parsed and decoded by lamina ------------------------------------
// stb_image 2.27 does not check maxval (0 is accepted), does not scale samples by it, returns
// uninitialised memory for a truncated raster and reads past its buffer converting 16-bit data.
LAMINA_INLINE bool pnm_space(unsigned char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

LAMINA_INLINE image_header pnm_header(std::span<const unsigned char> b, const std::filesystem::path& name,
                                      const image_read_options& opt) {
  image_header h;
  const std::size_t n = b.size();
  auto fail = [&](const char* field, const std::string& detail) { throw format_error(name, field, detail); };
  const char t = static_cast<char>(b[1]);
  if (t != '5' && t != '6') {
    const char* kind = t == '1' ? "plain PBM" : t == '2' ? "plain (ASCII) PGM" : t == '3' ? "plain (ASCII) PPM" :
                       t == '4' ? "binary PBM" : "PAM";
    fail("image format", std::string("PNM type P") + t + " (" + kind +
                             ") is not supported, expected P5 (binary PGM) or P6 (binary PPM)");
  }
  h.format = t == '5' ? "PGM" : "PPM";
  h.channels = t == '5' ? 1 : 3;
  std::size_t i = 2;
  auto field = [&](const char* what) -> std::uint64_t {
    bool separated = false;
    for (;;) {
      if (i >= n)
        fail("image header", std::string("truncated ") + h.format + " header: the file ends before the " + what);
      if (pnm_space(b[i])) { ++i; separated = true; continue; }
      if (b[i] == '#') {  // a comment runs to the end of the line
        while (i < n && b[i] != '\n' && b[i] != '\r') ++i;
        separated = true;
        continue;
      }
      break;
    }
    if (!separated || b[i] < '0' || b[i] > '9')
      fail("image header", std::string(h.format) + " header field '" + what + "' at byte " + std::to_string(i) + ": got " +
                               image_bytes_string(b, i, 1) + ", expected whitespace then a decimal number");
    std::uint64_t v = 0;
    const std::size_t start = i;
    while (i < n && b[i] >= '0' && b[i] <= '9') {
      if (i - start >= 10)
        fail("image header", std::string(h.format) + " header field '" + what + "': more than 10 digits, expected at most 2^31 - 1");
      v = v * 10 + (b[i++] - '0');
    }
    if (v > 0x7FFFFFFFu)
      fail("image header", std::string(h.format) + " header field '" + what + "': " + std::to_string(v) + ", expected at most 2^31 - 1");
    return v;
  };
  h.width = field("width");
  h.height = field("height");
  check_image_dimensions(name, h, opt);
  const std::uint64_t maxval = field("maxval");
  if (maxval < 1 || maxval > 65535)
    fail("image header", std::string(h.format) + " header field 'maxval': " + std::to_string(maxval) + ", expected 1..65535");
  h.maxval = static_cast<std::uint32_t>(maxval);
  if (i >= n || !pnm_space(b[i]))
    fail("image header", std::string(h.format) + " header: " +
                             (i >= n ? std::string("the file ends") : "got " + image_bytes_string(b, i, 1)) + " at byte " +
                             std::to_string(i) + ", expected one whitespace character after the maxval, then the raster");
  h.raster_offset = i + 1;
  const std::uint64_t sample_bytes = h.maxval > 255 ? 2 : 1;
  const std::uint64_t need = h.width * h.height * h.channels * sample_bytes;  // < 2^51 (dimension limit)
  const std::uint64_t have = n - h.raster_offset;
  const std::string raster = std::to_string(h.width) + "x" + std::to_string(h.height) + " pixels x " +
                             std::to_string(h.channels) + " channel" + (h.channels > 1 ? "s" : "") + " x " +
                             std::to_string(sample_bytes) + " byte" + (sample_bytes > 1 ? "s" : "") + " = " +
                             std::to_string(need) + " bytes of raster after byte " + std::to_string(h.raster_offset);
  if (have < need)
    fail("image data", std::string("truncated ") + h.format + ": the header promises " + raster + ", the file has only " +
                           std::to_string(have));
  for (std::uint64_t k = h.raster_offset + need; k < n; ++k)
    if (!pnm_space(b[static_cast<std::size_t>(k)]))
      fail("image data", std::string(h.format) + ": " + std::to_string(have - need) + " bytes after the " + raster +
                             ", expected the file to end there (one image per file; trailing whitespace is allowed)");
  return h;
}

// [C, H, W] floats from interleaved samples (src_c of them per pixel, src(i) in [0, 1]).
template <class Sample>
void image_to_planar(float_image& out, std::size_t sc, const Sample& src) {
  const std::size_t hw = out.height * out.width, c = out.channels;
  out.data.resize(c * hw);
  float* dst = out.data.data();
  for (std::size_t i = 0; i < hw; ++i) {
    const std::size_t s0 = i * sc;
    float r, g, b, a = 1.0f;
    if (sc <= 2) {
      r = g = b = src(s0);
      if (sc == 2) a = src(s0 + 1);
    } else {
      r = src(s0), g = src(s0 + 1), b = src(s0 + 2);
      if (sc == 4) a = src(s0 + 3);
    }
    if (c == 1) {
      dst[i] = sc <= 2 ? r : std::min(1.0f, 0.299f * r + 0.587f * g + 0.114f * b);  // ITU-R BT.601 luma
    } else {
      dst[i] = r;
      dst[hw + i] = g;
      dst[2 * hw + i] = b;
      if (c == 4) dst[3 * hw + i] = a;
    }
  }
}

LAMINA_INLINE void pnm_decode(std::span<const unsigned char> b, const std::filesystem::path& name, const image_header& h,
                              float_image& out) {
  const std::size_t count = static_cast<std::size_t>(h.width * h.height) * h.channels;
  const unsigned char* p = b.data() + h.raster_offset;
  const bool wide = h.maxval > 255;
  std::vector<float> samples(count);
  const float maxval = static_cast<float>(h.maxval);
  for (std::size_t k = 0; k < count; ++k) {
    const unsigned v = wide ? (unsigned{p[2 * k]} << 8) | p[2 * k + 1] : p[k];
    if (v > h.maxval)
      throw format_error(name, "image data",
                         std::string(h.format) + " sample " + std::to_string(k) + " (at byte " +
                             std::to_string(h.raster_offset + (wide ? 2 * k : k)) + ") is " + std::to_string(v) +
                             ", expected at most the maxval " + std::to_string(h.maxval));
    samples[k] = maxval == 255.0f ? static_cast<float>(v) / 255.0f : static_cast<float>(v) / maxval;
  }
  image_to_planar(out, h.channels, [&](std::size_t i) { return samples[i]; });
}

// The format named by the file's first bytes. Only PNG, JPEG, BMP and PNM files ever reach stb:
// files of the formats stb could also decode (GIF, PSD, HDR, PIC, TGA) are refused here, also
// when a program compiled stb with every decoder.
enum class image_kind { png, jpeg, bmp, pnm };

LAMINA_INLINE image_kind sniff_image(std::span<const unsigned char> b, const std::filesystem::path& name) {
  auto starts = [&](std::initializer_list<unsigned char> sig) {
    return b.size() >= sig.size() && std::equal(sig.begin(), sig.end(), b.begin());
  };
  if (starts({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) return image_kind::png;
  if (starts({0x89, 'P', 'N', 'G'}))
    throw format_error(name, "image format",
                       "damaged PNG signature " + image_bytes_string(b, 0, 8) +
                           ", expected 89 50 4e 47 0d 0a 1a 0a (converted line endings?)");
  if (starts({0xFF, 0xD8})) return image_kind::jpeg;
  if (starts({'B', 'M'})) return image_kind::bmp;
  if (b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7') return image_kind::pnm;
  const char* other = nullptr;
  if (starts({'G', 'I', 'F', '8'})) other = "GIF";
  else if (starts({'8', 'B', 'P', 'S'})) other = "Photoshop (PSD)";
  else if (starts({'#', '?', 'R', 'A', 'D', 'I', 'A', 'N', 'C', 'E'}) || starts({'#', '?', 'R', 'G', 'B', 'E'})) other = "Radiance HDR";
  else if (starts({0x53, 0x80, 0xF6, 0x34})) other = "Softimage PIC";
  else if (starts({'I', 'I', '*', 0}) || starts({'M', 'M', 0, '*'})) other = "TIFF";
  else if (starts({'R', 'I', 'F', 'F'}) && b.size() >= 12 && std::memcmp(b.data() + 8, "WEBP", 4) == 0) other = "WebP";
  else if (starts({'q', 'o', 'i', 'f'})) other = "QOI";
  if (other)
    throw format_error(name, "image format",
                       std::string("a ") + other + " image (signature " + image_bytes_string(b, 0, 4) +
                           "), expected PNG, JPEG, BMP or binary PGM/PPM (the formats lamina reads)");
  throw format_error(name, "image format",
                     "not a PNG, JPEG, BMP or binary PGM/PPM image: the first bytes " + image_bytes_string(b, 0, 8) +
                         " match none of their signatures (TGA, which has none, is not read)");
}

}  // namespace lamina::data::detail

#endif  // LAMINA_DATA_IMAGE_FORMATS_INL_BODY
