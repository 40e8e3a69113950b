// The corpus of deliberately broken files in tests/data/broken/ (made by generate.py there):
// every file must fail with a format_error that names the file, the field and the problem.
// Every file in the corpus has an entry here, and every entry a file.
#include <lamina/data/idx.hpp>
#include <lamina/data/image_io.hpp>
#include <lamina/data/npy.hpp>
#include <lamina/io/safetensors.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path broken_dir = fs::path(LAMINA_TEST_FIXTURES) / ".." / "data" / "broken";

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
    {"npy/cut_in_length.npy", "NPY header length", "truncated"},
    {"npy/header_too_long.npy", "NPY header length", "header claims 4294967280 bytes, expected at most 2 (file size 14)"},
    {"npy/missing_shape.npy", "NPY header", "missing key 'shape'"},
    {"npy/extra_key.npy", "NPY header", "unexpected key 'extra', expected exactly 'descr', 'fortran_order' and 'shape'"},
    {"npy/duplicate_key.npy", "NPY header", "duplicate key 'descr'"},
    {"npy/complex_dtype.npy", "NPY descr", "unsupported dtype '<c8', expected one of '|u1', '<i4', '<i8', '<f4', '<f8'"},
    {"npy/structured_dtype.npy", "NPY descr", "structured dtypes are not supported"},
    {"npy/shape_not_tuple.npy", "NPY shape", "(n) is not a tuple in Python, expected (n,)"},
    {"npy/negative_dim.npy", "NPY shape", "negative dimension"},
    {"npy/fortran_order_string.npy", "NPY fortran_order", "expected True or False"},
    {"npy/unterminated_string.npy", "NPY header", "unterminated string"},
    {"npy/unclosed_dict.npy", "NPY header", "expected ',' or '}' after the value of 'shape'"},
    {"npy/truncated_data.npy", "NPY data", "truncated, shape (2, 3) of '<f4' needs 24 bytes after the header, the file has 20"},
    {"npy/trailing_data.npy", "NPY data", "trailing bytes, shape (2, 3) of '<f4' needs 24 bytes after the header, the file has 28"},
    {"npy/huge_shape.npy", "NPY data", "shape (4294967296, 4294967296) of '<f4' needs more than 2^64 bytes"},
    // image
    {"image/empty.png", "image format", "file is empty"},
    {"image/text.png", "image format", "not a readable PNG, JPEG, BMP or PGM/PPM image (stb_image: unknown image type)"},
    {"image/gif.gif", "image format", "not a readable PNG, JPEG, BMP or PGM/PPM image"},
    {"image/truncated.png", "image data", "cannot decode (stb_image: "},
    {"image/huge_dimensions.png", "image header", "20000x20000 = 400000000 pixels exceeds the limit of 268435456"},
    {"image/bad_dht.jpg", "image data", "corrupt JPEG: JPEG Huffman table (DHT) declares 3200 codes, at most 256"},
    {"image/truncated_header.jpg", "image format", "not a readable PNG, JPEG, BMP or PGM/PPM image"},
    {"image/pgm_bad_maxval.pgm", "image format", "not a readable PNG, JPEG, BMP or PGM/PPM image"},
    {"image/bmp_bad_bits.bmp", "image data", "cannot decode (stb_image: "},
    // safetensors
    {"safetensors/short.safetensors", "safetensors header", "file has 4 bytes, expected at least 8"},
    {"safetensors/header_too_long.safetensors", "safetensors header length", "header claims 1099511627776 bytes"},
    {"safetensors/bad_json.safetensors", "safetensors header", "JSON: unexpected end"},
    {"safetensors/unknown_dtype.safetensors", "tensor 'w'", "dtype: unknown \"Q8\""},
    {"safetensors/offsets_outside.safetensors", "tensor 'w'", "data_offsets: [0, 24] outside the data section of 16 bytes"},
    {"safetensors/size_mismatch.safetensors", "tensor 'w'", "data_offsets: 24 bytes, expected 16 for F32 of 4 elements"},
    // idx
    {"idx/bad_magic.idx", "IDX magic", "expected bytes 00 00 <type> <rank>, got 01 02 08 01"},
    {"idx/unknown_type.idx", "IDX magic", "unknown type code 0x0A in byte 2"},
    {"idx/zero_dim.idx", "IDX header", "dimension 1 is 0, expected > 0"},
    {"idx/truncated.idx", "IDX data", "truncated, expected 6 bytes of u8 payload after the 12-byte header, got 5"},
    {"idx/trailing.idx", "IDX data", "trailing bytes"},
    {"idx/huge_dims.idx", "IDX header", "exceed the payload limit"},
    {"idx/corrupt_gzip.idx.gz", "gzip stream", "corrupt (zlib: "},
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

TEST_CASE("broken files: the corpus and the expectations list the same files", "[data][io][broken]") {
  std::set<std::string> on_disk, listed;
  for (const auto& entry : fs::recursive_directory_iterator(broken_dir))
    if (entry.is_regular_file() && entry.path().extension() != ".py")
      on_disk.insert(fs::relative(entry.path(), broken_dir).generic_string());
  for (const auto& e : expectations) listed.insert(e.file);
  CHECK(on_disk == listed);
}
