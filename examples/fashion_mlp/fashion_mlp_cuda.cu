// The headline example on the GPU: the same program (fashion_mlp.cpp) with the model on the
// CUDA backend, lm::Model<FashionMLP, lm::Shape<1, 28, 28>, lm::cuda>. Same options:
//
//   fashion_mlp_cuda [--epochs 5] [--batch 64] [--lr 0.01] [--momentum 0.9] [--seed 0]
//                    [--data DIR] [--out results/fashion_mlp] [--threads N] [--quick] [--help]
//
// Built (compile and link) whenever CMake finds nvcc; run it on a machine with a GPU. The
// options are read (and --help answered) before it looks for one.
#define FASHION_MLP_NO_MAIN
#include "fashion_mlp.cpp"

int main(int argc, char** argv) {
  const options o = parse(argc, argv, "fashion_mlp_cuda", "on the GPU (lamina's CUDA backend)");
  if (!lm::cuda_device_available()) {
    std::fprintf(stderr, "fashion_mlp_cuda: no CUDA device found (cudaGetDeviceCount)\n");
    return 2;
  }
  return run<lm::cuda>("fashion_mlp_cuda", o);
}
