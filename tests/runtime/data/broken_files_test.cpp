// The corpus of deliberately broken files in tests/data/broken/ (made by generate.py there):
// every file must fail with a format_error that names the file, the field and the problem.
// Every file in the corpus has an entry here, and every entry a file.
#include <lamina/data/idx.hpp>
#include <lamina/data/image_io.hpp>
#include <lamina/data/npy.hpp>
#include <lamina/io/safetensors.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path broken_dir = fs::path(LAMINA_TEST_FIXTURES) / ".." / "data" / "broken";

// checkpoint/ holds valid safetensors files that must not resume a training run; they are
// loaded into a model by tests/runtime/train/hardening_test.cpp.
bool is_checkpoint(const std::string& rel) { return rel.rfind("checkpoint/", 0) == 0; }

struct expectation {
  const char* file;    // relative to tests/data/broken
  const char* field;   // the message is "<path>: <field>: <detail>"
  const char* detail;  // a substring of <detail>
};

const expectation expectations[] = {
    // npy
    {"npy/empty.npy", "NPY magic", "file is empty"},
    {"npy/bad_magic.npy", "NPY magic", R"(expected the 6 bytes "\x93NUMPY" then 2 version bytes, got "\x93NUMPX)"},
    {"npy/version_4.npy", "NPY version", "format version 4.0, expected 1.0, 2.0 or 3.0"},
    {"npy/cut_in_length.npy", "NPY header length", "truncated, expected 10 bytes of magic, version and header length, the file has 9"},
    {"npy/cut_in_length_v2.npy", "NPY header length", "truncated, expected 12 bytes of magic, version and header length, the file has 11"},
    {"npy/header_too_long.npy", "NPY header length", "header claims 4294967280 bytes, expected at most 2 (file size 14)"},
    {"npy/missing_shape.npy", "NPY header", "missing key 'shape', expected 'descr', 'fortran_order' and 'shape'"},
    {"npy/extra_key.npy", "NPY header", "unexpected key 'extra', expected exactly 'descr', 'fortran_order' and 'shape'"},
    {"npy/duplicate_key.npy", "NPY header", "duplicate key 'descr'"},
    {"npy/complex_dtype.npy", "NPY descr", "unsupported dtype '<c8', expected one of '|u1', '<i4', '<i8', '<f4', '<f8'"},
    {"npy/structured_dtype.npy", "NPY descr", "structured dtypes are not supported"},
    {"npy/shape_not_tuple.npy", "NPY shape", "(n) is not a tuple in Python, expected (n,)"},
    {"npy/negative_dim.npy", "NPY shape", "negative dimension"},
    {"npy/leading_zero.npy", "NPY shape", "leading zeros are not allowed, expected a decimal integer"},
    {"npy/dim_over_64_bits.npy", "NPY shape", "dimension does not fit in 64 bits, expected at most 2^64 - 1"},
    {"npy/fortran_order_string.npy", "NPY fortran_order", "expected True or False"},
    {"npy/unterminated_string.npy", "NPY header", "unterminated string, expected a closing quote"},
    {"npy/unclosed_dict.npy", "NPY header", "expected ',' or '}' after the value of 'shape'"},
    {"npy/truncated_data.npy", "NPY data", "truncated, shape (2, 3) of '<f4' needs 24 bytes after the header, the file has 20"},
    {"npy/trailing_data.npy", "NPY data", "trailing bytes, shape (2, 3) of '<f4' needs 24 bytes after the header, the file has 28"},
    {"npy/huge_shape.npy", "NPY data", "shape (4294967296, 4294967296) of '<f4' needs more than 2^64 bytes"},
    // image: the format comes from the signature, never the name
    {"image/empty.png", "image format", "file is empty, expected a PNG, JPEG, BMP or binary PGM/PPM image"},
    {"image/text.png", "image format", "not a PNG, JPEG, BMP or binary PGM/PPM image: the first bytes 74 68 69 73"},
    {"image/gif.gif", "image format", "a GIF image (signature 47 49 46 38 (\"GIF8\")), expected PNG, JPEG, BMP or binary PGM/PPM"},
    {"image/psd.psd", "image format", "a Photoshop (PSD) image"},
    {"image/radiance.hdr", "image format", "a Radiance HDR image"},
    {"image/softimage.pic", "image format", "a Softimage PIC image"},
    {"image/uncompressed.tga", "image format", "match none of their signatures (TGA, which has none, is not read)"},
    {"image/ascii.pgm", "image format", "PNM type P2 (plain (ASCII) PGM) is not supported, expected P5 (binary PGM) or P6"},
    //   PNG
    {"image/truncated.png", "image data", "truncated PNG: chunk 'IDAT' at byte 33 declares 11 data bytes and a 4-byte CRC, the file has only 4"},
    {"image/no_iend.png", "image data", "truncated PNG: the file ends at byte 56, inside the header of chunk 2"},
    {"image/bad_crc.png", "image data", "PNG chunk 'IDAT' at byte 33: CRC 0x"},
    {"image/ihdr_bad_depth.png", "image header", "PNG IHDR bit depth 4 is not allowed for colour type 2"},
    {"image/huge_dimensions.png", "image header", "20000x20000 = 400000000 pixels exceeds the limit of 268435456"},
    {"image/huge_65535.png", "image header", "65535x65535 = 4294836225 pixels exceeds the limit of 268435456 (image_read_options::max_pixels)"},
    //   JPEG
    {"image/bad_dht.jpg", "image data", "corrupt JPEG: Huffman table (DHT) at byte 173 declares 3200 codes, at most 256"},
    {"image/truncated_header.jpg", "image header", "truncated JPEG: segment FFDB at byte 20 declares 132 bytes, the file has only 8"},
    {"image/truncated_scan.jpg", "image data", "truncated JPEG: the file ends at byte 689 in the scan that starts at byte 593 without the end-of-image marker FFD9"},
    {"image/no_eoi.jpg", "image data", "without the end-of-image marker FFD9"},
    {"image/undefined_huffman_table.jpg", "image data", "JPEG scan at byte 593: component 1 uses AC Huffman table 2, expected a DHT segment defining it"},
    {"image/undefined_quant_table.jpg", "image data", "JPEG scan at byte 593: component 1 uses quantization table 2, expected a DQT segment defining it"},
    //   BMP
    {"image/bmp_bad_bits.bmp", "image header", "BMP bits per pixel 7, expected 1, 4, 8, 16, 24 or 32"},
    {"image/bmp_rle.bmp", "image header", "BMP compression 1 (RLE) is not supported, expected 0 (none) or 3 (bit fields)"},
    {"image/sos_too_short.jpg", "image header", "JPEG scan (SOS) at byte 15 has length 2, expected at least 3"},
    {"image/bmp_bad_offset.bmp", "image header", "BMP pixel data offset 60, expected 54"},
    {"image/truncated.bmp", "image data", "truncated BMP: 4 rows of 12 bytes from the pixel data offset 54 end at byte 102, the file has 92 bytes"},
    {"image/bmp_palette_index.bmp", "image data", "BMP palette index 5 at pixel (0, row 1 in file order), expected < 2"},
    //   PGM / PPM
    {"image/pgm_bad_maxval.pgm", "image header", "PGM header field 'maxval': 70000, expected 1..65535"},
    {"image/pgm_maxval_0.pgm", "image header", "PGM header field 'maxval': 0, expected 1..65535"},
    {"image/pgm_header_cut.pgm", "image header", "truncated PGM header: the file ends before the height"},
    {"image/truncated.pgm", "image data", "truncated PGM: the header promises 3x2 pixels x 1 channel x 1 byte = 6 bytes of raster after byte 11, the file has only 4"},
    {"image/truncated16.ppm", "image data", "truncated PPM: the header promises 2x1 pixels x 3 channels x 2 bytes = 12 bytes"},
    {"image/pgm_sample_over_maxval.pgm", "image data", "PGM sample 1 (at byte 11) is 200, expected at most the maxval 15"},
    {"image/pgm_trailing.pgm", "image data", "13 bytes after the 2x1 pixels x 1 channel x 1 byte = 2 bytes of raster after byte 11, expected the file to end there"},
    // safetensors
    {"safetensors/short.safetensors", "safetensors header", "file has 4 bytes, expected at least 8"},
    {"safetensors/header_too_long.safetensors", "safetensors header length", "header claims 1099511627776 bytes"},
    {"safetensors/bad_json.safetensors", "safetensors header", "JSON: unexpected end"},
    {"safetensors/not_object.safetensors", "safetensors header", "starts with \"[\", expected a JSON object '{'"},
    {"safetensors/deep.safetensors", "safetensors header", "JSON: nesting deeper than 64"},
    {"safetensors/duplicate_key.safetensors", "safetensors header", "JSON: duplicate key \"w\", expected each key once"},
    {"safetensors/trailing_json.safetensors", "safetensors header", "JSON: unexpected characters after the JSON value, expected only whitespace"},
    {"safetensors/leading_zero.safetensors", "safetensors header", "JSON: malformed number \"02\": leading zeros are not allowed"},
    {"safetensors/lone_surrogate_escape.safetensors", "safetensors header", "JSON: high surrogate \\u escape without the low surrogate"},
    {"safetensors/name_overlong.safetensors", "tensor name", "\"\\xc0\\xaf\" is not valid UTF-8 (overlong encoding (lead byte 0xC0) at byte 0), expected UTF-8 text"},
    {"safetensors/name_surrogate.safetensors", "tensor name", "is not valid UTF-8 (UTF-16 surrogate U+D800 encoded at byte 0)"},
    {"safetensors/name_above_max.safetensors", "tensor name", "is not valid UTF-8 (code point U+110000 beyond U+10FFFF at byte 0)"},
    {"safetensors/metadata_key.safetensors", "__metadata__ key", "\"\\xff\" is not valid UTF-8 (byte 0xFF at byte 0, which never occurs in UTF-8)"},
    {"safetensors/metadata_value.safetensors", "__metadata__.k", "is not valid UTF-8 (3-byte sequence at byte 1 cut off by the end of the text)"},
    {"safetensors/unknown_dtype.safetensors", "tensor 'w'", "dtype: unknown \"Q8\", expected F64, F32"},
    {"safetensors/unknown_field.safetensors", "tensor 'w'", "unexpected key \"x\", expected only \"dtype\", \"shape\" and \"data_offsets\""},
    {"safetensors/float_shape.safetensors", "tensor 'w'", "shape: element 0 is \"2.0\", expected non-negative integers"},
    {"safetensors/shape_overflow.safetensors", "tensor 'w'", "shape: [4294967296, 4294967296, 4294967296] of F64 needs more than 2^64 bytes, expected at most the data section's 8"},
    {"safetensors/offsets_outside.safetensors", "tensor 'w'", "data_offsets: [0, 24] outside the data section of 16 bytes, expected begin <= end <= 16"},
    {"safetensors/reversed_offsets.safetensors", "tensor 'w'", "data_offsets: [8, 0] outside the data section of 8 bytes"},
    {"safetensors/size_mismatch.safetensors", "tensor 'w'", "data_offsets: 24 bytes, expected 16 for F32 of 4 elements"},
    {"safetensors/overlap.safetensors", "tensor 'b'", "data_offsets [4, 8] overlap another tensor, expected them to start at 8 (where tensor 'a' ends)"},
    {"safetensors/gap.safetensors", "tensor 'b'", "data_offsets [8, 12] leave a gap of 4 unused bytes, expected them to start at 4"},
    {"safetensors/trailing_data.safetensors", "safetensors data", "8 bytes after the last tensor's end at 8, expected the tensors to cover the 16-byte data section exactly"},
    // idx
    {"idx/bad_magic.idx", "IDX magic", "expected bytes 00 00 <type> <rank>, got 01 02 08 01"},
    {"idx/unknown_type.idx", "IDX magic", "unknown type code 0x0A in byte 2"},
    {"idx/rank_0.idx", "IDX magic", "rank (byte 3) is 0, expected 1..8"},
    {"idx/rank_9.idx", "IDX magic", "rank (byte 3) is 9, expected 1..8"},
    {"idx/cut_in_dims.idx", "IDX header", "truncated, expected 8 bytes of big-endian dimensions (rank 2) after the 4-byte magic, got 5"},
    {"idx/zero_dim.idx", "IDX header", "dimension 1 is 0, expected > 0"},
    {"idx/truncated.idx", "IDX data", "truncated, expected 6 bytes of u8 payload after the 12-byte header, got 5"},
    {"idx/trailing.idx", "IDX data", "trailing bytes"},
    {"idx/huge_dims.idx", "IDX header", "exceed the payload limit"},
    {"idx/corrupt_gzip.idx.gz", "gzip stream", "corrupt (zlib: "},
    {"idx/truncated_gzip.idx.gz", "gzip stream", "truncated, the file ends before the end of the compressed data, expected the gzip member to be complete"},
    {"idx/gzip_trailing_garbage.idx.gz", "gzip stream", "trailing bytes after the end of the compressed data, expected the file to end or another gzip member (1f 8b), got a byte 0x6a"},
};

void read_any(const fs::path& p, const std::string& reader) {
  if (reader == "npy") (void)lamina::data::read_npy(p);
  else if (reader == "image") (void)lamina::data::read_image(p);
  else if (reader == "safetensors") (void)lamina::io::read_safetensors(p);
  else if (reader == "idx") (void)lamina::data::read_idx(p);
  else FAIL("no reader for " << reader);
}

}  // namespace

TEST_CASE("broken files: each fails with its file, field and detail", "[data][io][broken]") {
  if (!fs::is_directory(broken_dir)) FAIL("missing " << broken_dir);
  for (const auto& e : expectations) {
    const fs::path p = broken_dir / e.file;
    const std::string rel = e.file;
    INFO(rel);
    REQUIRE(fs::is_regular_file(p));
    const std::string reader = rel.substr(0, rel.find('/'));
    const std::string prefix = p.string() + ": " + e.field + ": ";
    bool threw = false;
    try {
      read_any(p, reader);
    } catch (const lamina::data::format_error& err) {
      threw = true;
      const std::string m = err.what();
      INFO("message: " << m);
      CHECK(m.rfind(prefix, 0) == 0);
      CHECK(m.find(e.detail) != std::string::npos);
    }
    CHECK(threw);
  }
}

TEST_CASE("broken files: every file on disk fails with a format_error naming it", "[data][io][broken]") {
  std::size_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(broken_dir)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".py") continue;
    const std::string rel = fs::relative(entry.path(), broken_dir).generic_string();
    if (is_checkpoint(rel)) continue;
    INFO(rel);
    ++count;
    try {
      read_any(entry.path(), rel.substr(0, rel.find('/')));
      FAIL("no error for " << rel);
    } catch (const lamina::data::format_error& err) {
      CHECK(std::string(err.what()).rfind(entry.path().string() + ": ", 0) == 0);
    }
  }
  CHECK(count == std::size(expectations));
}

TEST_CASE("broken files: the corpus and the expectations list the same files", "[data][io][broken]") {
  std::set<std::string> on_disk, listed;
  for (const auto& entry : fs::recursive_directory_iterator(broken_dir))
    if (entry.is_regular_file() && entry.path().extension() != ".py" &&
        !is_checkpoint(fs::relative(entry.path(), broken_dir).generic_string()))
      on_disk.insert(fs::relative(entry.path(), broken_dir).generic_string());
  for (const auto& e : expectations) listed.insert(e.file);
  CHECK(on_disk == listed);
}
