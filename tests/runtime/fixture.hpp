#pragma once
// Test helpers: a reader for the reference fixtures in tests/fixtures (written by
// tests/fixtures/make_fixtures.py), and close_to, the tolerance matcher for float tensors.
//
//   lamina_test::fixture f(LAMINA_TEST_FIXTURES "/mlp_step.txt");
//   const auto& w = f.tensor("1.weight");      // w.values (std::vector<float>), w.shape
//   const auto& t = f.itensor("target");       // t.values (std::vector<std::int32_t>), t.shape
//   float l = f.scalar("loss");
//   const std::string& report = f.text("balls.report2");
//   REQUIRE_THAT(lamina_test::values(view), lamina_test::close_to(w));
//
// Fixture format, one record per tensor (lines starting with '#' and blank lines are skipped):
//   tensor <name> <rank> <d0> ... <dk>       then one line of rank-major float values
//   itensor <name> <rank> <d0> ... <dk>      then one line of integers
//   text <name>                              then one line of text: each newline written as the two
//                                            characters '\n', each backslash doubled (gen_metrics.py)
#include <catch2/catch.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace lamina_test {

template <class T>
struct fixture_tensor {
  std::string name;
  std::vector<std::size_t> shape;  // empty for a scalar
  std::vector<T> values;           // row-major
  std::size_t size() const { return values.size(); }
};

inline std::string shape_string(const std::vector<std::size_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

class fixture {
 public:
  explicit fixture(std::string path) : path_(std::move(path)) {
    std::ifstream in(path_);
    if (!in)
      throw std::runtime_error("fixture " + path_ +
                               ": cannot open the file (generate it with tests/fixtures/make_fixtures.py)");
    std::string line;
    std::size_t lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      if (line.empty() || line[0] == '#') continue;
      std::istringstream head(line);
      std::string kind, name;
      std::size_t rank = 0;
      if (line.rfind("text ", 0) == 0) {
        head >> kind >> name;
        std::string body;
        if (name.empty()) fail(lineno, "expected 'text <name>'");
        if (!std::getline(in, body)) fail(lineno, "text '" + name + "': missing its line");
        ++lineno;
        if (has(name)) fail(lineno, "record '" + name + "' appears twice");
        texts_[name] = unescape(body, name, lineno);
        continue;
      }
      if (!(head >> kind >> name >> rank) || (kind != "tensor" && kind != "itensor"))
        fail(lineno, "expected 'tensor|itensor <name> <rank> <dims...>', got '" + line.substr(0, 80) + "'");
      std::vector<std::size_t> shape(rank);
      std::size_t count = 1;
      for (auto& d : shape) {
        if (!(head >> d)) fail(lineno, "tensor '" + name + "': expected " + std::to_string(rank) + " dimensions");
        count *= d;
      }
      std::string values;
      if (!std::getline(in, values)) fail(lineno, "tensor '" + name + "': missing its line of values");
      ++lineno;
      if (floats_.count(name) || ints_.count(name)) fail(lineno, "tensor '" + name + "' appears twice");
      if (kind == "tensor")
        floats_[name] = {name, shape, parse<float>(values, count, name, lineno)};
      else
        ints_[name] = {name, shape, parse<std::int32_t>(values, count, name, lineno)};
    }
  }

  const std::string& path() const { return path_; }
  bool has(std::string_view name) const {
    return floats_.count(std::string(name)) || ints_.count(std::string(name)) || texts_.count(std::string(name));
  }

  const fixture_tensor<float>& tensor(std::string_view name) const { return get(floats_, name, "tensor"); }
  const fixture_tensor<std::int32_t>& itensor(std::string_view name) const {
    return get(ints_, name, "itensor");
  }
  // A text record (newlines restored).
  const std::string& text(std::string_view name) const {
    if (auto it = texts_.find(name); it != texts_.end()) return it->second;
    std::string known;
    for (const auto& [k, v] : texts_) known += (known.empty() ? "" : ", ") + k;
    throw std::runtime_error("fixture " + path_ + ": no text named '" + std::string(name) +
                             "' (the file has: " + (known.empty() ? "none" : known) + ")");
  }
  // A rank-0 tensor (a loss value).
  float scalar(std::string_view name) const {
    const auto& t = tensor(name);
    if (!t.shape.empty())
      throw std::runtime_error("fixture " + path_ + ": tensor '" + t.name + "' has shape " +
                               shape_string(t.shape) + ", expected a scalar");
    return t.values[0];
  }

 private:
  [[noreturn]] void fail(std::size_t line, const std::string& what) const {
    throw std::runtime_error("fixture " + path_ + ":" + std::to_string(line) + ": " + what);
  }

  std::string unescape(const std::string& line, const std::string& name, std::size_t lineno) const {
    std::string out;
    out.reserve(line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\r' && i + 1 == line.size()) break;
      if (line[i] != '\\') {
        out += line[i];
        continue;
      }
      if (++i == line.size()) fail(lineno, "text '" + name + "': a lone '\\' at the end of the line");
      if (line[i] == 'n') out += '\n';
      else if (line[i] == '\\') out += '\\';
      else fail(lineno, "text '" + name + "': unknown escape '\\" + std::string(1, line[i]) + "'");
    }
    return out;
  }

  template <class T>
  std::vector<T> parse(const std::string& line, std::size_t count, const std::string& name,
                       std::size_t lineno) const {
    std::vector<T> out;
    out.reserve(count);
    const char* p = line.data();
    const char* end = p + line.size();
    while (true) {
      while (p != end && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
      if (p == end) break;
      T v{};
      auto [next, ec] = std::from_chars(p, end, v);
      if (ec != std::errc{})
        fail(lineno, "tensor '" + name + "': bad value at column " + std::to_string(p - line.data() + 1));
      out.push_back(v);
      p = next;
    }
    if (out.size() != count)
      fail(lineno, "tensor '" + name + "': " + std::to_string(out.size()) + " values, its shape needs " +
                       std::to_string(count));
    return out;
  }

  template <class T>
  const fixture_tensor<T>& get(const std::map<std::string, fixture_tensor<T>, std::less<>>& m,
                               std::string_view name, const char* kind) const {
    if (auto it = m.find(name); it != m.end()) return it->second;
    std::string known;
    for (const auto& [k, v] : m) known += (known.empty() ? "" : ", ") + k;
    throw std::runtime_error("fixture " + path_ + ": no " + kind + " named '" + std::string(name) +
                             "' (the file has: " + (known.empty() ? "none" : known) + ")");
  }

  std::string path_;
  std::map<std::string, fixture_tensor<float>, std::less<>> floats_;
  std::map<std::string, fixture_tensor<std::int32_t>, std::less<>> ints_;
  std::map<std::string, std::string, std::less<>> texts_;
};

// Copies anything with .data and .size() (lamina::TensorView / ConstTensorView), a span or a
// container of floats into a std::vector<float>, the type close_to matches.
template <class V>
std::vector<float> values(const V& v) {
  if constexpr (requires { v.data[0]; v.size(); })
    return std::vector<float>(v.data, v.data + v.size());
  else
    return std::vector<float>(std::begin(v), std::end(v));
}

// close_to(expected, rel, abs): every element satisfies |actual - expected| <= max(abs, rel * |expected|),
// and the sizes agree. On failure it names the worst element (index, both values) and how many
// elements are out of tolerance.
class close_to_matcher : public Catch::MatcherBase<std::vector<float>> {
 public:
  close_to_matcher(std::vector<float> expected, double rel, double abs, std::vector<std::size_t> shape = {},
                   std::string name = {})
      : expected_(std::move(expected)), rel_(rel), abs_(abs), shape_(std::move(shape)), name_(std::move(name)) {}

  bool match(const std::vector<float>& actual) const override {
    actual_size_ = actual.size();
    bad_ = 0;
    worst_ = npos;
    worst_excess_ = -1;
    if (actual.size() != expected_.size()) return false;
    for (std::size_t i = 0; i < actual.size(); ++i) {
      const double a = actual[i], e = expected_[i];
      const double allowed = std::max(abs_, rel_ * std::abs(e));
      const double diff = std::abs(a - e);
      // NaN on either side counts as infinitely far.
      const double excess = (std::isnan(diff) ? INFINITY : diff) / allowed;
      if (!(diff <= allowed)) ++bad_;
      if (excess > worst_excess_) {
        worst_excess_ = excess;
        worst_ = i;
        worst_actual_ = actual[i];
      }
    }
    return bad_ == 0;
  }

  std::string describe() const override {
    std::ostringstream os;
    os.precision(9);
    os << "is close to " << (name_.empty() ? "the expected values" : "'" + name_ + "'") << " (rel " << rel_
       << ", abs " << abs_ << ")";
    if (actual_size_ != expected_.size()) {
      os << ": SIZE MISMATCH, " << actual_size_ << " values, expected " << expected_.size();
      if (!shape_.empty()) os << " (shape " << shape_string(shape_) << ")";
    } else if (worst_ != npos) {
      const double e = expected_[worst_];
      os << (bad_ ? ": FAILED, " : ": ok, ") << bad_ << " of " << expected_.size()
         << " out of tolerance; worst element " << index_string(worst_) << ": actual " << worst_actual_
         << ", expected " << e << " (|diff| " << std::abs(double(worst_actual_) - e) << ", allowed "
         << std::max(abs_, rel_ * std::abs(e)) << ")";
    }
    return os.str();
  }

 private:
  static constexpr std::size_t npos = std::size_t(-1);
  std::string index_string(std::size_t flat) const {
    std::string s = std::to_string(flat);
    std::size_t total = 1;
    for (auto d : shape_) total *= d;
    if (shape_.size() < 2 || total != expected_.size()) return s;
    std::vector<std::size_t> idx(shape_.size());
    for (std::size_t k = shape_.size(), r = flat; k-- > 0;) {
      idx[k] = r % shape_[k];
      r /= shape_[k];
    }
    return s + " " + shape_string(idx);
  }

  std::vector<float> expected_;
  double rel_, abs_;
  std::vector<std::size_t> shape_;
  std::string name_;
  mutable std::size_t actual_size_ = 0, bad_ = 0, worst_ = npos;
  mutable double worst_excess_ = -1;
  mutable float worst_actual_ = 0;
};

inline close_to_matcher close_to(std::vector<float> expected, double rel = 1e-4, double abs = 1e-6) {
  return close_to_matcher(std::move(expected), rel, abs);
}
// From a fixture tensor: failures also give the multi-index and the tensor's name.
inline close_to_matcher close_to(const fixture_tensor<float>& expected, double rel = 1e-4, double abs = 1e-6) {
  return close_to_matcher(expected.values, rel, abs, expected.shape, expected.name);
}

}  // namespace lamina_test
