# `cpack -G DEB` in a build tree: liblamina-dev, a Debian package of what `cmake --install` puts
# in place (headers, lamina::compiled, the CMake package, the pkg-config files, the data). Build
# it for the machines it is meant for: configure with -DCMAKE_INSTALL_PREFIX=/usr and
# -DLAMINA_NATIVE=OFF (the static library's kernels are compiled for the compiler's default
# target then; docs/install.md), e.g.
#   cmake -S . -B build-deb -G Ninja -DCMAKE_INSTALL_PREFIX=/usr -DLAMINA_NATIVE=OFF \
#         -DLAMINA_BUILD_TESTS=OFF -DLAMINA_BUILD_EXAMPLES=OFF -DLAMINA_BUILD_BENCH=OFF -DLAMINA_CUDA=OFF
#   cmake --build build-deb && (cd build-deb && cpack -G DEB)
set(CPACK_PACKAGE_NAME liblamina-dev)
set(CPACK_PACKAGE_VENDOR "lamina")
set(CPACK_PACKAGE_CONTACT "lamina developers <lamina@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "header-only C++20 deep learning where a network is a type")
set(CPACK_PACKAGE_DESCRIPTION
    "lamina checks shapes and counts parameters at compile time and trains the same network on "
    "SIMD + OpenMP CPU kernels or on CUDA. This package holds the headers, the static library "
    "lamina::compiled, the CMake package (find_package(lamina)), pkg-config files (lamina, "
    "lamina-compiled) and the small image and face data sets the examples use.")
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# What a program built against the headers needs; linalg (SVD, PCA) and CUDA are optional, and
# figures fall back to a bitmap font without DejaVu Sans.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "xtensor-dev (>= 0.24), libxsimd-dev (>= 8.1), xtl-dev (>= 0.7), zlib1g-dev, libstb-dev, libgomp1, g++ (>= 4:12) | clang (>= 1:15)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-core, cmake (>= 3.20) | pkgconf")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libxtensor-blas-dev, libopenblas-dev, liblapack-dev, dataset-fashion-mnist")
include(CPack)
