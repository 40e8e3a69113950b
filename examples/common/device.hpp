#pragma once
// --device cpu|cuda: where an example's networks run. Every training example is written once, as
// `template <class Backend> int run(const options&)`, and ends with
//
//   #ifndef LAMINA_EXAMPLE_CUDA_PART
//   int main(int argc, char** argv) {
//     const options o = parse(argc, argv);
//     return o.device == examples::device::cuda ? examples::cuda_main(argc, argv) : run<lm::cpu>(o);
//   }
//   #else
//   int examples::cuda_main(int argc, char** argv) {
//     return examples::on_gpu("NAME", [&] { return run<lm::cuda>(parse(argc, argv)); });
//   }
//   #endif
//
// When CMake finds nvcc, lamina_example() (examples/CMakeLists.txt) compiles the example's source a
// second time, as CUDA with LAMINA_EXAMPLE_CUDA_PART defined, into the same program: that
// translation unit holds the lm::cuda instantiation of run. Without nvcc the program links
// common/no_cuda.cpp instead, whose cuda_main says that this build has no GPU backend.
#include <string>
#include <utility>
#include <vector>

#include "command_line.hpp"

namespace examples {

enum class device { cpu, cuda };

// Declares --device on `cli`.
inline void device_option(cli& c, device& d) {
  c.choice("--device NAME", d, {{"cpu", device::cpu}, {"cuda", device::cuda}},
           "where the networks run: cpu, or cuda for the first GPU of a build made with nvcc");
}

// The program run with its networks on lm::cuda: the CUDA part's, or no_cuda.cpp's message.
int cuda_main(int argc, char** argv);

}  // namespace examples

#ifdef LAMINA_EXAMPLE_CUDA_PART
#include <cstdio>

#include <lamina/lamina.hpp>

namespace examples {
// Runs `program_on_gpu()` when a CUDA device exists; else one line on stderr and exit status 2.
template <class F>
int on_gpu(const char* program, F&& program_on_gpu) {
  if (!lamina::cuda_device_available()) {
    std::fprintf(stderr, "%s: --device cuda: no CUDA device found (cudaGetDeviceCount); use --device cpu\n",
                 program);
    return 2;
  }
  return program_on_gpu();
}
}  // namespace examples
#endif
