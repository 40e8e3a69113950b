#pragma once
// The examples' command-line reader: flags in order, and a flag's value checked to be there.
//
//   for (examples::command_line args(argc, argv); args.next();) {
//     const std::string& a = args.flag();
//     if (a == "--epochs") o.epochs = std::stoul(args.value());
//     ...
//   }
#include <stdexcept>
#include <string>

namespace examples {

class command_line {
 public:
  command_line(int argc, char** argv) : argc_(argc), argv_(argv) {}

  // Moves to the next flag; false after the last one.
  bool next() {
    if (++i_ >= argc_) return false;
    flag_ = argv_[i_];
    return true;
  }
  const std::string& flag() const { return flag_; }
  // The argument after the current flag, consumed; throws when the flag is the last argument.
  std::string value() {
    if (i_ + 1 >= argc_) throw std::invalid_argument(flag_ + " needs a value");
    return argv_[++i_];
  }

 private:
  int argc_;
  char** argv_;
  int i_ = 0;
  std::string flag_;
};

}  // namespace examples
