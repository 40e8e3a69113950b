// examples::cuda_main of a build without nvcc (examples/common/device.hpp).
#include <cstdio>
#include <filesystem>

#include "device.hpp"

int examples::cuda_main(int, char** argv) {
  std::fprintf(stderr,
               "%s: --device cuda: this build has no CUDA backend (CMake found no nvcc); install the CUDA toolkit "
               "and build again, or use --device cpu\n",
               std::filesystem::path(argv[0]).filename().string().c_str());
  return 2;
}
