# lamina::cuda — what a CUDA translation unit that uses lm::cuda links: lamina::lamina plus the
# CUDA runtime and cuBLAS, C++20 for CUDA, OpenMP for the host code nvcc compiles, and the
# nvcc diagnostics that lamina's host-side templates trigger silenced. Host-only consumers keep
# linking lamina::lamina and never need CUDA. Included by the build tree (CMakeLists.txt) and by
# the installed package config; defines nothing when the CUDA toolkit is not found.
if(NOT TARGET lamina::cuda)
  find_package(CUDAToolkit QUIET)
  if(CUDAToolkit_FOUND)
    add_library(lamina::cuda INTERFACE IMPORTED GLOBAL)
    target_link_libraries(lamina::cuda INTERFACE lamina::lamina CUDA::cudart CUDA::cublas)
    # C++20 for CUDA: as a compile feature where CMake knows it for this nvcc (CMake 3.25 does
    # not for nvcc 13), else as the flag.
    if("cuda_std_20" IN_LIST CMAKE_CUDA_COMPILE_FEATURES)
      target_compile_features(lamina::cuda INTERFACE cuda_std_20)
      set(_lamina_cuda_options)
    else()
      set(_lamina_cuda_options -std=c++20)
    endif()
    # 186: pointless unsigned comparison, 554: unusable conversion operator (tensor views),
    # 1675: unrecognised #pragma GCC unroll (all in host code, harmless).
    list(APPEND _lamina_cuda_options --diag-suppress=186,554,1675)
    if(OpenMP_CXX_FLAGS)
      list(APPEND _lamina_cuda_options -Xcompiler=${OpenMP_CXX_FLAGS})
    endif()
    target_compile_options(lamina::cuda INTERFACE "$<$<COMPILE_LANGUAGE:CUDA>:${_lamina_cuda_options}>")
    unset(_lamina_cuda_options)
  endif()
endif()
