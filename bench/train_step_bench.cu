// lamina_train_bench_cuda: lamina_train_bench compiled as CUDA, which adds --backend cuda (the
// same workloads on lm::cuda). See train_step_bench.cpp for the options and the output.
#include "train_step_bench.cpp"
