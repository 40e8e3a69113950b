#pragma once
// The protocol-buffers wire format, write side only: what ONNX model files and TensorBoard event
// records are made of. Four encodings: varints (integers, enums), 32- and 64-bit little-endian
// words (float, double), and length-delimited fields (strings, bytes, nested messages, packed
// arrays). Repeated integers are written one field each (proto2's default, which every reader
// accepts); large float arrays go in as raw bytes or packed. A message is written
// field by field into a byte string; a nested message is written first and then added whole.
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

namespace lamina::io {

/// One protocol-buffers message being encoded (see above): each call appends a field, given
/// by its number in the .proto file, and bytes() is the message so far.
class proto_writer {
 public:
  /// An unsigned integer, bool or enum field, as a varint.
  void varint_field(std::uint32_t field, std::uint64_t v) {
    key(field, wire::varint);
    varint(v);
  }
  /// int64 and int32 fields: negative values are encoded as their 64-bit two's complement.
  void int_field(std::uint32_t field, std::int64_t v) { varint_field(field, static_cast<std::uint64_t>(v)); }
  /// A float field: its IEEE-754 bits as a little-endian 32-bit word.
  void float_field(std::uint32_t field, float v) {
    key(field, wire::fixed32);
    fixed32(std::bit_cast<std::uint32_t>(v));
  }
  /// A double field: its IEEE-754 bits as a little-endian 64-bit word.
  void double_field(std::uint32_t field, double v) {
    key(field, wire::fixed64);
    fixed64(std::bit_cast<std::uint64_t>(v));
  }
  /// A packed repeated double field: every value of `values` (any range of numbers convertible
  /// to double) as 64-bit words, in one length-delimited field.
  template <class Doubles>
  void packed_doubles(std::uint32_t field, const Doubles& values) {
    proto_writer p;
    for (const double v : values) p.fixed64(std::bit_cast<std::uint64_t>(v));
    bytes_field(field, p.bytes());
  }
  /// A string or bytes field: the length as a varint, then the bytes as they are.
  void bytes_field(std::uint32_t field, std::string_view bytes) {
    key(field, wire::length_delimited);
    varint(bytes.size());
    out_.append(bytes);
  }
  /// A nested message field: the finished message `m`, length-delimited.
  void message_field(std::uint32_t field, const proto_writer& m) { bytes_field(field, m.bytes()); }
  /// The encoded message: its fields in the order they were added.
  const std::string& bytes() const { return out_; }

 private:
  enum class wire : std::uint32_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };
  void key(std::uint32_t field, wire w) { varint((std::uint64_t{field} << 3) | static_cast<std::uint32_t>(w)); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void fixed32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void fixed64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

}  // namespace lamina::io
