#pragma once
// The examples' command-line parser. Every option is declared once: its name (with a placeholder
// for its value), a help sentence, and the variable it sets, whose value at declaration is the
// default.
//
//   examples::cli cli("fashion_mlp", "Trains PyTorch's quick-start MLP on Fashion-MNIST.");
//   cli.option("--epochs N", o.epochs, "training epochs", examples::at_least(1));
//   cli.option("--lr X", o.lr, "SGD learning rate", examples::above(0));
//   cli.choice("--optimizer NAME", o.optimizer, {"adam", "sgd"}, "the optimizer");
//   cli.flag("--quick", o.quick, "a smoke test of seconds that checks its outcome");
//   cli.parse(argc, argv);
//   if (o.quick && !cli.given("--epochs")) o.epochs = 1;
//
// parse() answers --help (or -h) with a usage line, the program's description and every option
// with its default, and exits with 0. A malformed or out-of-range value, a missing value or an
// unknown option gets one line on stderr that names the option, what it got and what it
// expects, and exit status 2:
//
//   fashion_mlp: --epochs expects an integer >= 1, got "abc" (see --help)
//
// A value follows its option (--epochs 5) or an equals sign (--epochs=5). Numbers are read with
// std::from_chars and must use up the whole argument; floating-point values must be finite.
// Every program also takes --threads N: the OpenMP threads (0, the default, keeps the library's
// default: OMP_NUM_THREADS, else one per core).
#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace examples {

// A number as %g writes it: 0.001, 1e-05, 30.
inline std::string format(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// The values a numeric option accepts: at_least(1), above(0), at_least(0).below(1), ...
struct range {
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;

  range below(double x) const { return {lo, x, lo_open, true}; }
  range at_most(double x) const { return {lo, x, lo_open, false}; }
  bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi); }
  // ">= 1", "> 0", "in [0, 1)", or "" when every value is in the range.
  std::string describe() const {
    const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
    if (has_lo && has_hi)
      return "in " + std::string(lo_open ? "(" : "[") + format(lo) + ", " + format(hi) + (hi_open ? ")" : "]");
    if (has_lo) return (lo_open ? "> " : ">= ") + format(lo);
    if (has_hi) return (hi_open ? "< " : "<= ") + format(hi);
    return "";
  }
};
inline range at_least(double x) { return {x, std::numeric_limits<double>::infinity(), false, false}; }
inline range above(double x) { return {x, std::numeric_limits<double>::infinity(), true, false}; }

class cli {
 public:
  // `description`: one paragraph (it is wrapped to the terminal's usual 80 columns).
  cli(std::string program, std::string description)
      : program_(std::move(program)), description_(std::move(description)) {}

  // A flag: sets `v` to `value` (true unless given) when present.
  void flag(std::string_view name, bool& v, std::string help, bool value = true) {
    add(name, "", std::move(help), "", "", [&v, value](std::string_view) { return v = value, true; }).is_flag = true;
  }

  // An integer (its range also decides what a malformed value is told to be expected).
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  void option(std::string_view name, T& v, std::string help, range r = {}) {
    add(name, "N", std::move(help), integer_expects<T>(r), std::to_string(v),
        [&v, r](std::string_view s) { return assign(v, number<T>(s), r); });
  }

  // A finite floating-point number.
  template <std::floating_point T>
  void option(std::string_view name, T& v, std::string help, range r = {}) {
    add(name, "X", std::move(help), with_range("a number", r), format(double(v)),
        [&v, r](std::string_view s) { return assign(v, number<T>(s), r); });
  }

  // Any text (a name, a folder).
  void option(std::string_view name, std::string& v, std::string help) {
    add(name, "VALUE", std::move(help), "a value", v, [&v](std::string_view s) { return v = s, true; });
  }
  void option(std::string_view name, std::filesystem::path& v, std::string help) {
    add(name, "DIR", std::move(help), "a path", v.string(), [&v](std::string_view s) { return v = s, !s.empty(); });
  }

  // Comma-separated numbers (--sigmas 1,5,10); the option may be repeated: the first occurrence
  // replaces the default, later ones add to it.
  template <class T>
    requires std::integral<T> || std::floating_point<T>
  void option(std::string_view name, std::vector<T>& v, std::string help, range r = {}) {
    const char* what = std::floating_point<T>                         ? "numbers"
                       : std::is_unsigned_v<T> && r.describe().empty() ? "non-negative integers"
                                                                       : "integers";
    const std::string expects = "a comma-separated list of " + with_range(what, r);
    std::string def;
    for (const T& x : v) def += (def.empty() ? "" : ",") + format(double(x));
    entry& e = add(name, "N,...", std::move(help), expects, def, nullptr);
    e.set = [&v, &e, r](std::string_view s) {
      std::vector<T> parsed = e.given ? v : std::vector<T>{};
      for (std::size_t start = 0;;) {
        const std::size_t comma = std::min(s.find(',', start), s.size());
        const std::optional<T> x = number<T>(s.substr(start, comma - start));
        if (!x || !r.contains(double(*x))) return false;
        parsed.push_back(*x);
        if (comma == s.size()) break;
        start = comma + 1;
      }
      return v = std::move(parsed), true;
    };
  }

  // One of a few named values: choice("--bias KIND", o.bias, {{"default", keep}, {"zeros", zeros}}, ...).
  template <class T>
  void choice(std::string_view name, T& v, std::vector<std::pair<std::string, T>> choices, std::string help) {
    std::string expects, def;
    for (const auto& [key, value] : choices) {
      expects += (expects.empty() ? "one of " : ", ") + key;
      if (def.empty() && value == v) def = key;
    }
    add(name, "NAME", std::move(help), expects, def, [&v, choices](std::string_view s) {
      for (const auto& [key, value] : choices)
        if (s == key) return v = value, true;
      return false;
    });
  }
  void choice(std::string_view name, std::string& v, const std::vector<std::string>& names, std::string help) {
    std::vector<std::pair<std::string, std::string>> choices;
    for (const auto& n : names) choices.emplace_back(n, n);
    choice(name, v, std::move(choices), std::move(help));
  }

  // Reads the arguments into the bound variables; exits on --help (0) and on an error (2).
  void parse(int argc, char** argv) {
    option("--threads N", threads_,
           "OpenMP threads; 0 keeps the library's default: OMP_NUM_THREADS, else one per core", at_least(0));
    for (int i = 1; i < argc; ++i)
      if (std::string_view a = argv[i]; a == "--help" || a == "-h") {
        print_help();
        std::exit(0);
      }
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      std::string_view name = arg, value;
      const std::size_t eq = arg.starts_with("--") ? arg.find('=') : std::string_view::npos;
      if (eq != std::string_view::npos) name = arg.substr(0, eq), value = arg.substr(eq + 1);
      entry* e = find(name);
      if (!e) fail((arg.starts_with("-") ? "unknown option \"" : "unexpected argument \"") + std::string(arg) + "\"");
      if (e->is_flag && eq != std::string_view::npos)
        fail(std::string(name) + " takes no value, got \"" + std::string(value) + "\"");
      if (!e->is_flag && eq == std::string_view::npos) {
        if (i + 1 == argc || is_option(argv[i + 1])) reject(name, "nothing", e->expects);
        value = argv[++i];
      }
      if (!e->set(value)) reject(name, "\"" + std::string(value) + "\"", e->expects);
      e->given = true;
      seen_.push_back(e->name);
      if (!e->is_flag) seen_.emplace_back(value);
    }
#ifdef _OPENMP
    if (threads_ > 0) omp_set_num_threads(threads_);
#endif
  }

  // Whether the command line gave the option (--epochs, without the placeholder).
  bool given(std::string_view name) const {
    const entry* e = find(name);
    return e && e->given;
  }
  // The --threads value (0: the library's default).
  int threads() const { return threads_; }
  // The arguments given for these options, in their order on the command line (for a program
  // that starts itself again with some of its options).
  std::vector<std::string> arguments_of(const std::vector<std::string_view>& names) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < seen_.size(); ++i) {
      const entry* e = find(seen_[i]);
      const bool keep = std::find(names.begin(), names.end(), e->name) != names.end();
      if (keep) out.push_back(seen_[i]);
      if (!e->is_flag && keep) out.push_back(seen_[i + 1]);
      if (!e->is_flag) ++i;
    }
    return out;
  }

  // The error of a value that only the program can judge (e.g. against another option), in the
  // parser's format; exits with 2.
  [[noreturn]] void reject(std::string_view option, const std::string& got, const std::string& expects) const {
    fail(std::string(option) + " expects " + expects + ", got " + got);
  }
  [[noreturn]] void fail(const std::string& message) const {
    std::fprintf(stderr, "%s: %s (see --help)\n", program_.c_str(), message.c_str());
    std::exit(2);
  }

 private:
  struct entry {
    std::string name, metavar, help, expects, default_text;
    std::function<bool(std::string_view)> set;
    bool is_flag = false, given = false;
  };

  entry& add(std::string_view spec, std::string metavar, std::string help, std::string expects, std::string def,
             std::function<bool(std::string_view)> set) {
    const std::size_t space = spec.find(' ');
    std::string name(spec.substr(0, space));
    if (space != std::string_view::npos) metavar = spec.substr(space + 1);
    entries_.push_back({std::move(name), std::move(metavar), std::move(help), std::move(expects), std::move(def),
                        std::move(set)});
    return entries_.back();
  }
  entry* find(std::string_view name) {
    for (auto& e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  }
  const entry* find(std::string_view name) const { return const_cast<cli*>(this)->find(name); }
  // The next argument is an option rather than a value (a negative number is a value).
  bool is_option(std::string_view a) const {
    return a == "-h" || (a.starts_with("--") && (a == "--help" || find(a.substr(0, a.find('=')))));
  }

  template <class T>
  static std::optional<T> number(std::string_view s) {
    if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
    T v{};
    const auto [end, err] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (err != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
    if constexpr (std::floating_point<T>)
      if (!std::isfinite(v)) return std::nullopt;
    return v;
  }
  template <class T>
  static bool assign(T& v, std::optional<T> x, const range& r) {
    if (!x || !r.contains(double(*x))) return false;
    return v = *x, true;
  }
  static std::string with_range(std::string what, const range& r) {
    const std::string d = r.describe();
    return d.empty() ? what : what + " " + d;
  }
  template <class T>
  static std::string integer_expects(const range& r) {
    if (std::is_unsigned_v<T> && r.describe().empty()) return "a non-negative integer";
    return with_range("an integer", r);
  }

  void print_help() const {
    std::printf("usage: %s [options]\n\n%s\noptions:\n", program_.c_str(), wrap(description_, 0, 0).c_str());
    std::size_t width = 0;
    for (const auto& e : entries_) width = std::max(width, label(e).size());
    width = std::min<std::size_t>(width, 24) + 4;
    auto row = [&](const std::string& left, const std::string& text) {
      std::string line = "  " + left;
      if (line.size() + 2 > width) line += "\n" + std::string(width, ' ');
      else line.resize(width, ' ');
      std::printf("%s%s", line.c_str(), wrap(text, width, width).c_str());
    };
    for (const auto& e : entries_) row(label(e), with_default(e));
    row("-h, --help", "print this help and exit");
  }
  // "epochs (default: 5)"; a help sentence that ends in a parenthesis gets the default inside it:
  // "epochs (--quick: 1)" -> "epochs (default: 5; --quick: 1)".
  static std::string with_default(const entry& e) {
    if (e.default_text.empty()) return e.help;
    const std::size_t open = e.help.ends_with(')') ? e.help.rfind('(') : std::string::npos;
    if (open == std::string::npos) return e.help + " (default: " + e.default_text + ")";
    return e.help.substr(0, open + 1) + "default: " + e.default_text + "; " + e.help.substr(open + 1);
  }
  static std::string label(const entry& e) { return e.metavar.empty() ? e.name : e.name + " " + e.metavar; }
  // Words filled into lines of 80 columns; the first line starts at column `first`, the others are
  // indented by `indent`.
  static std::string wrap(const std::string& text, std::size_t first, std::size_t indent) {
    std::string out;
    std::size_t column = first, start = 0;
    while (start < text.size()) {
      const std::size_t end = std::min(text.find(' ', start), text.size());
      const std::string word = text.substr(start, end - start);
      if (column > indent && column + 1 + word.size() > 80) out += "\n" + std::string(indent, ' '), column = indent;
      if (column > indent) out += ' ', ++column;
      out += word, column += word.size();
      start = end + 1;
    }
    return out + "\n";
  }

  std::string program_, description_;
  std::deque<entry> entries_;  // a deque: the setters keep references to their entries
  std::vector<std::string> seen_;  // the options given, each followed by its value if it takes one
  int threads_ = 0;
};

}  // namespace examples
