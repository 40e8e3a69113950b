# lamina::linalg — what code using include/lamina/linalg (SVD, PCA, principal angles) links:
# lamina::lamina plus xtensor-blas and the BLAS and LAPACK it calls. Optional, like lamina::cuda:
# defined only when BLAS, LAPACK and xtensor-blas are all found (Debian: libopenblas-dev or
# libblas-dev + liblapack-dev, libxtensor-blas-dev). lamina.hpp never includes linalg, so
# consumers of lamina::lamina need no LAPACK. Included by the build tree (CMakeLists.txt) and by
# the installed package config.
if(NOT TARGET lamina::linalg)
  find_package(BLAS QUIET)
  find_package(LAPACK QUIET)
  # Only now: xtensor-blas' own config calls find_dependency(BLAS REQUIRED), fatal without BLAS.
  if(BLAS_FOUND AND LAPACK_FOUND)
    find_package(xtensor-blas QUIET)
  endif()
  if(BLAS_FOUND AND LAPACK_FOUND AND TARGET xtensor-blas)
    add_library(lamina::linalg INTERFACE IMPORTED GLOBAL)
    target_link_libraries(lamina::linalg INTERFACE lamina::lamina xtensor-blas LAPACK::LAPACK BLAS::BLAS)
  endif()
endif()
