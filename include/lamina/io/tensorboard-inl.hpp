#pragma once
// Definitions for tensorboard.hpp (compiled into lamina::compiled, else inline).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include "../viz/png.hpp"
#include "tensorboard.hpp"

namespace lamina::io {

namespace detail {
LAMINA_INLINE std::uint32_t crc32c(std::string_view bytes) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;  // reflected 0x1EDC6F41
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xffffffffu;
  for (const char b : bytes) c = table[(c ^ static_cast<std::uint8_t>(b)) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}
LAMINA_INLINE std::uint32_t masked_crc32c(std::string_view bytes) {
  const std::uint32_t c = crc32c(bytes);
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

// Field numbers of TensorFlow's event.proto and summary.proto.
namespace event_proto { enum : std::uint32_t { wall_time = 1, step = 2, file_version = 3, summary = 5 }; }
namespace value_proto { enum : std::uint32_t { tag = 1, simple_value = 2, image = 4, histo = 5, tensor = 8, metadata = 9 }; }
namespace histogram_proto { enum : std::uint32_t { min = 1, max = 2, num = 3, sum = 4, sum_squares = 5, bucket_limit = 6, bucket = 7 }; }
namespace image_proto { enum : std::uint32_t { height = 1, width = 2, colorspace = 3, encoded = 4 }; }

inline double wall_time() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace detail

LAMINA_INLINE tensorboard_writer::tensorboard_writer(const std::filesystem::path& logdir) {
  std::error_code ec;
  std::filesystem::create_directories(logdir, ec);
  if (ec) throw std::runtime_error("lamina::io::tensorboard_writer: cannot create " + logdir.string() + ": " + ec.message());
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  const auto seconds = static_cast<long long>(detail::wall_time());
  const std::string base = "events.out.tfevents." + std::to_string(seconds) + "." + host + "." + std::to_string(::getpid());
  path_ = logdir / (base + ".lamina");
  for (int k = 1; std::filesystem::exists(path_); ++k) path_ = logdir / (base + "." + std::to_string(k) + ".lamina");
  out_.open(path_, std::ios::binary);
  if (!out_) throw std::runtime_error("lamina::io::tensorboard_writer: cannot create " + path_.string());
  proto_writer event;  // the first record names the format version
  event.double_field(detail::event_proto::wall_time, detail::wall_time());
  event.bytes_field(detail::event_proto::file_version, "brain.Event:2");
  write_record(event.bytes());
}

LAMINA_INLINE void tensorboard_writer::write_record(const std::string& event) {
  std::string header(8, '\0');
  for (int i = 0; i < 8; ++i) header[std::size_t(i)] = static_cast<char>((std::uint64_t(event.size()) >> (8 * i)) & 0xff);
  auto word = [](std::uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[std::size_t(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
  };
  out_ << header << word(detail::masked_crc32c(header)) << event << word(detail::masked_crc32c(event));
  out_.flush();
  if (!out_) throw std::runtime_error("lamina::io::tensorboard_writer: cannot write " + path_.string());
}

LAMINA_INLINE void tensorboard_writer::write_value(const proto_writer& value, std::int64_t step) {
  proto_writer summary;
  summary.message_field(1, value);  // Summary.value
  proto_writer event;
  event.double_field(detail::event_proto::wall_time, detail::wall_time());
  event.int_field(detail::event_proto::step, step);
  event.message_field(detail::event_proto::summary, summary);
  write_record(event.bytes());
}

LAMINA_INLINE void tensorboard_writer::add_scalar(std::string_view tag, double value, std::int64_t step) {
  proto_writer v;
  v.bytes_field(detail::value_proto::tag, tag);
  v.float_field(detail::value_proto::simple_value, float(value));
  write_value(v, step);
}

LAMINA_INLINE void tensorboard_writer::add_histogram(std::string_view tag, std::span<const float> values,
                                                     std::int64_t step, std::size_t bins) {
  if (bins == 0) throw std::invalid_argument("lamina::io::tensorboard_writer::add_histogram: bins must be at least 1");
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0, sum_sq = 0, num = 0;
  for (const float x : values)
    if (std::isfinite(x)) lo = std::min(lo, double(x)), hi = std::max(hi, double(x)), sum += x, sum_sq += double(x) * x, ++num;
  std::vector<double> limits, counts;
  if (num > 0) {
    const double width = hi > lo ? (hi - lo) / double(bins) : 1.0;
    if (hi == lo) bins = 1;
    counts.assign(bins, 0.0);
    for (std::size_t b = 0; b < bins; ++b) limits.push_back(b + 1 == bins ? hi : lo + width * double(b + 1));
    for (const float x : values)
      if (std::isfinite(x)) counts[std::min(bins - 1, std::size_t((double(x) - lo) / width))] += 1;
  } else {  // one empty bucket: readers expect at least one
    lo = hi = 0;
    limits = {0.0};
    counts = {0.0};
  }
  proto_writer h;
  h.double_field(detail::histogram_proto::min, lo);
  h.double_field(detail::histogram_proto::max, hi);
  h.double_field(detail::histogram_proto::num, num);
  h.double_field(detail::histogram_proto::sum, sum);
  h.double_field(detail::histogram_proto::sum_squares, sum_sq);
  h.packed_doubles(detail::histogram_proto::bucket_limit, limits);
  h.packed_doubles(detail::histogram_proto::bucket, counts);
  proto_writer v;
  v.bytes_field(detail::value_proto::tag, tag);
  v.message_field(detail::value_proto::histo, h);
  write_value(v, step);
}

LAMINA_INLINE void tensorboard_writer::add_image(std::string_view tag, const viz::image& image, std::int64_t step) {
  const std::vector<unsigned char> png = viz::encode_png(image);
  proto_writer img;
  img.int_field(detail::image_proto::height, image.height());
  img.int_field(detail::image_proto::width, image.width());
  img.int_field(detail::image_proto::colorspace, 3);  // RGB
  img.bytes_field(detail::image_proto::encoded, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
  proto_writer v;
  v.bytes_field(detail::value_proto::tag, tag);
  v.message_field(detail::value_proto::image, img);
  write_value(v, step);
}

LAMINA_INLINE void tensorboard_writer::add_text(std::string_view tag, std::string_view text, std::int64_t step) {
  // A scalar string tensor marked for the "text" plugin (what tf.summary.text writes).
  proto_writer plugin;
  plugin.bytes_field(1, "text");  // PluginData.plugin_name
  proto_writer metadata;
  metadata.message_field(1, plugin);  // SummaryMetadata.plugin_data
  proto_writer tensor;                 // TensorProto
  tensor.int_field(1, 7);              // dtype: DT_STRING
  tensor.message_field(2, proto_writer{});  // tensor_shape: a scalar
  tensor.bytes_field(8, text);         // string_val
  proto_writer v;
  v.bytes_field(detail::value_proto::tag, tag);
  v.message_field(detail::value_proto::metadata, metadata);
  v.message_field(detail::value_proto::tensor, tensor);
  write_value(v, step);
}

}  // namespace lamina::io
