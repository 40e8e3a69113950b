// The headline example on the GPU: the same program (fashion_mlp.cpp) with the model on the
// CUDA backend, lm::Model<FashionMLP, lm::Shape<1, 28, 28>, lm::cuda>. Same options:
//
//   fashion_mlp_cuda [--epochs 5] [--batch 64] [--lr 0.01] [--momentum 0.9] [--seed 0]
//                    [--data DIR] [--quick]
//
// Built (compile and link) whenever CMake finds nvcc; run it on a machine with a GPU.
#define FASHION_MLP_NO_MAIN
#include "fashion_mlp.cpp"

int main(int argc, char** argv) {
  if (!lm::cuda_device_available()) {
    std::fprintf(stderr, "fashion_mlp_cuda: no CUDA device found (cudaGetDeviceCount)\n");
    return 2;
  }
  return run<lm::cuda>(argc, argv);
}
