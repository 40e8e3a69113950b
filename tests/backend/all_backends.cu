// The CUDA twin of the backend tests: the same test files, compiled as CUDA, so each
// TEMPLATE_LIST_TEST_CASE is instantiated for lamina::cpu and lamina::cuda. One translation
// unit on purpose (nvcc is slow): see tests/CMakeLists.txt.
#include "backend/layers_test.cpp"
#include "backend/loss_optim_test.cpp"
#include "backend/training_test.cpp"
#include "backend/trainer_test.cpp"
#include "backend/cuda_runtime_test.cpp"
